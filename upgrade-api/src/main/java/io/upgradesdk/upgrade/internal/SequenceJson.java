package io.upgradesdk.upgrade.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.SequencePreview;
import io.upgradesdk.upgrade.SequenceReport;

/** JSON forms of {@link SequenceReport} and {@link SequencePreview}, each plan's own JSON nested. */
public final class SequenceJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SequenceJson() {
    }

    public static String write(SequenceReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("sequenceId", report.sequenceId());
        root.put("outcome", report.outcome().name());
        root.put("startedAt", String.valueOf(report.startedAt()));
        root.put("finishedAt", String.valueOf(report.finishedAt()));
        root.put("durationMillis", report.duration().toMillis());
        ArrayNode plans = root.putArray("plans");
        for (SequenceReport.PlanReport plan : report.plans()) {
            ObjectNode node = plans.addObject();
            node.put("planId", plan.planId());
            node.put("outcome", plan.outcome().name());
            plan.report().ifPresent(r -> node.set("report", parse(ReportJson.write(r))));
        }
        return toString(root);
    }

    public static String write(SequencePreview preview) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("sequenceId", preview.sequenceId());
        root.put("requiresConfirmation", preview.requiresConfirmation());
        ArrayNode plans = root.putArray("plans");
        for (SequencePreview.PlanPreview plan : preview.plans()) {
            ObjectNode node = plans.addObject();
            node.put("planId", plan.planId());
            node.put("alreadyApplied", plan.alreadyApplied());
            plan.preview().ifPresent(p -> node.set("preview", parse(ReportJson.write(p))));
        }
        ArrayNode warnings = root.putArray("warnings");
        preview.warnings().forEach(warnings::add);
        return toString(root);
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read back a report's JSON", e);
        }
    }

    private static String toString(ObjectNode root) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a sequence report", e);
        }
    }
}
