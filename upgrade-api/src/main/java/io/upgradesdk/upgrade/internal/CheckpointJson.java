package io.upgradesdk.upgrade.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The one serial form of {@link Checkpoint}, shared by every store. */
public final class CheckpointJson {

    public static final String FORMAT = "upgrade-sdk/checkpoint";
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CheckpointJson() {
    }

    public static String write(Checkpoint checkpoint) {
        try {
            return MAPPER.writeValueAsString(toNode(checkpoint));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise checkpoint", e);
        }
    }

    public static ObjectNode toNode(Checkpoint checkpoint) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("planId", checkpoint.planId());
        root.put("fingerprint", checkpoint.fingerprint());
        root.put("revision", checkpoint.revision());
        root.put("updatedAt", checkpoint.updatedAt().toString());
        ArrayNode steps = root.putArray("steps");
        for (StepRecord step : checkpoint.steps()) {
            ObjectNode node = steps.addObject();
            node.put("id", step.stepId());
            node.put("state", step.state().name());
            node.put("attempts", step.attempts());
            putNullable(node, "cursor", step.cursor());
            putNullable(node, "startedAt", step.startedAt());
            putNullable(node, "finishedAt", step.finishedAt());
            putNullable(node, "error", step.error());
        }
        ArrayNode audit = root.putArray("audit");
        for (AuditEntry entry : checkpoint.audit()) {
            ObjectNode node = audit.addObject();
            node.put("at", entry.at().toString());
            node.put("by", entry.by());
            node.put("action", entry.action());
            putNullable(node, "stepId", entry.stepId());
            node.put("reason", entry.reason());
        }
        return root;
    }

    public static Checkpoint read(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw unreadable(source, "it is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        return fromNode(root, source);
    }

    public static Checkpoint fromNode(JsonNode root, String source) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw unreadable(source, "it is not an upgrade-sdk checkpoint (no \"format\": \"" + FORMAT + "\")");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw unreadable(source, "its format version " + version + " is not supported (this SDK reads "
                    + VERSION + "); use the SDK version that wrote it");
        }
        try {
            List<StepRecord> steps = new ArrayList<>();
            for (JsonNode node : array(root, "steps")) {
                steps.add(new StepRecord(text(node, "id"), StepState.valueOf(text(node, "state")),
                        node.path("attempts").asInt(0), nullableText(node, "cursor"),
                        instant(node, "startedAt"), instant(node, "finishedAt"), nullableText(node, "error")));
            }
            List<AuditEntry> audit = new ArrayList<>();
            for (JsonNode node : array(root, "audit")) {
                audit.add(new AuditEntry(instant(node, "at"), text(node, "by"), text(node, "action"),
                        nullableText(node, "stepId"), text(node, "reason")));
            }
            return new Checkpoint(text(root, "planId"), text(root, "fingerprint"), root.path("revision").asLong(),
                    instant(root, "updatedAt"), steps, audit);
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw unreadable(source, "a field is missing or malformed (" + e.getMessage() + ")");
        }
    }

    public static UpgradeException unreadable(String source, String why) {
        return new UpgradeException(UpgradeErrorCode.CHECKPOINT_UNREADABLE, "cannot read the checkpoint at " + source
                + ": " + why + ". Restore it from a backup, or delete it to start the plan over"
                + " (steps are idempotent, completed ones will run again)");
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be an array");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return value.asText();
    }

    private static String nullableText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String text = nullableText(node, field);
        return text == null ? null : Instant.parse(text);
    }

    private static void putNullable(ObjectNode node, String field, Object value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toString());
        }
    }
}
