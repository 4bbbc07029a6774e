package io.upgradesdk.upgrade.spring.boot.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The actuator endpoint's answer as plain maps and lists (any JSON mapper writes them the same way):
 * per plan its steps with their states, the lease and the last report. Holds no secret: step errors
 * and reports are redacted by the runner, and checkpoints never hold secrets.
 */
public final class StatusDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusDocument() {
    }

    /** One plan's entry. */
    public static Map<String, Object> plan(UpgradePlan plan, PlanStatus status, Optional<UpgradeReport> lastReport) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", plan.id());
        entry.put("fingerprint", plan.fingerprint());
        entry.put("fingerprintMatches", status.fingerprintMatches());
        entry.put("upComplete", status.isUpComplete());
        entry.put("complete", status.isComplete());
        entry.put("pastPointOfNoReturn", status.isPastPointOfNoReturn());
        entry.put("steps", steps(plan, status));
        entry.put("lease", status.lease().map(StatusDocument::lease).orElse(null));
        entry.put("lastReport", lastReport.map(StatusDocument::report).orElse(null));
        return entry;
    }

    private static List<Map<String, Object>> steps(UpgradePlan plan, PlanStatus status) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepRecord record : status.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("id", record.stepId());
            step.put("phase", plan.step(record.stepId()).phase().name());
            step.put("pointOfNoReturn", plan.step(record.stepId()).isPointOfNoReturn());
            step.put("state", record.state().name());
            step.put("attempts", record.attempts());
            step.put("cursor", record.cursor());
            step.put("startedAt", record.startedAt() == null ? null : record.startedAt().toString());
            step.put("finishedAt", record.finishedAt() == null ? null : record.finishedAt().toString());
            step.put("error", record.error());
            steps.add(step);
        }
        return steps;
    }

    private static Map<String, Object> lease(Lease lease) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("owner", lease.owner());
        entry.put("token", lease.token());
        entry.put("expiresAt", lease.expiresAt().toString());
        return entry;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> report(UpgradeReport report) {
        try {
            return JSON.readValue(report.toJson(), Map.class);
        } catch (JsonProcessingException e) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "the report of plan '" + report.planId()
                    + "' could not be read back from its own JSON: " + e.getOriginalMessage(), e);
        }
    }
}
