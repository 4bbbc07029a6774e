package io.upgradesdk.upgrade.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.UpgradeReport;

/** JSON forms of {@link UpgradeReport} and {@link Preview}. */
public final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {
    }

    public static String write(UpgradeReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("planId", report.planId());
        root.put("fingerprint", report.fingerprint());
        root.put("operation", report.operation().name());
        root.put("outcome", report.outcome().name());
        root.put("startedAt", String.valueOf(report.startedAt()));
        root.put("finishedAt", String.valueOf(report.finishedAt()));
        root.put("durationMillis", report.duration().toMillis());
        root.put("errorCode", report.errorCode());
        root.put("error", report.error());
        ArrayNode steps = root.putArray("steps");
        for (UpgradeReport.StepReport step : report.steps()) {
            ObjectNode node = steps.addObject();
            node.put("stepId", step.stepId());
            node.put("phase", step.phase() == null ? null : step.phase().name());
            node.put("outcome", step.outcome().name());
            node.put("attempts", step.attempts());
            node.put("durationMillis", step.duration().toMillis());
            node.put("error", step.error());
        }
        return toString(root);
    }

    public static String write(Preview preview) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("planId", preview.planId());
        root.put("fingerprint", preview.fingerprint());
        root.put("requiresConfirmation", preview.requiresConfirmation());
        ArrayNode items = root.putArray("steps");
        for (Preview.Item item : preview.items()) {
            ObjectNode node = items.addObject();
            node.put("stepId", item.stepId());
            node.put("description", item.description());
            node.put("phase", item.phase().name());
            node.put("action", item.action().name());
            node.put("cursor", item.cursor());
            node.put("requiresConfirmation", item.requiresConfirmation());
            if (item.dryRunError() != null) {
                node.put("dryRunError", item.dryRunError());
            }
            ArrayNode actions = node.putArray("plannedActions");
            for (PlannedAction action : item.plannedActions()) {
                ObjectNode a = actions.addObject();
                a.put("action", action.action());
                a.put("target", action.target());
                ObjectNode details = a.putObject("details");
                action.details().forEach(details::put);
            }
        }
        preview.lease().ifPresent(l -> {
            ObjectNode lease = root.putObject("lease");
            lease.put("owner", l.owner());
            lease.put("token", l.token());
            lease.put("expiresAt", l.expiresAt().toString());
        });
        ArrayNode warnings = root.putArray("warnings");
        preview.warnings().forEach(warnings::add);
        return toString(root);
    }

    private static String toString(ObjectNode root) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise report", e);
        }
    }
}
