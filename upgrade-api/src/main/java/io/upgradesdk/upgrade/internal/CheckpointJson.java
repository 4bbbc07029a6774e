package io.upgradesdk.upgrade.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
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
        StringWriter out = new StringWriter(256 + 96 * checkpoint.steps().size());
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            write(json, checkpoint);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise checkpoint", e);
        }
        return out.toString();
    }

    /** Streams the checkpoint as one JSON object (no intermediate tree: checkpoints are written often). */
    public static void write(JsonGenerator json, Checkpoint checkpoint) throws IOException {
        write(json, checkpoint, CheckpointJson::stepJson);
    }

    /**
     * Streams the checkpoint, taking each step's JSON from {@code steps} (a writer that writes
     * often passes a cache). Untouched pending steps are left out: a missing step reads as pending.
     */
    public static void write(JsonGenerator json, Checkpoint checkpoint, Function<StepRecord, String> steps)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("format", FORMAT);
        json.writeNumberField("version", VERSION);
        json.writeStringField("planId", checkpoint.planId());
        json.writeStringField("fingerprint", checkpoint.fingerprint());
        json.writeNumberField("revision", checkpoint.revision());
        json.writeStringField("updatedAt", checkpoint.updatedAt().toString());
        json.writeArrayFieldStart("steps");
        for (StepRecord step : checkpoint.steps()) {
            if (!isUntouched(step)) {
                json.writeRawValue(steps.apply(step));
            }
        }
        json.writeEndArray();
        json.writeArrayFieldStart("audit");
        for (AuditEntry entry : checkpoint.audit()) {
            json.writeStartObject();
            json.writeStringField("at", entry.at().toString());
            json.writeStringField("by", entry.by());
            json.writeStringField("action", entry.action());
            writeNullable(json, "stepId", entry.stepId());
            json.writeStringField("reason", entry.reason());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** One step's JSON object; null fields are omitted. */
    public static String stepJson(StepRecord step) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", step.stepId());
            json.writeStringField("state", step.state().name());
            json.writeNumberField("attempts", step.attempts());
            writeNullable(json, "cursor", step.cursor());
            writeNullable(json, "startedAt", step.startedAt());
            writeNullable(json, "finishedAt", step.finishedAt());
            writeNullable(json, "error", step.error());
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise step " + step.stepId(), e);
        }
        return out.toString();
    }

    private static boolean isUntouched(StepRecord step) {
        return step.state() == StepState.PENDING && step.attempts() == 0 && step.cursor() == null
                && step.startedAt() == null && step.finishedAt() == null && step.error() == null;
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

    private static void writeNullable(JsonGenerator json, String field, Object value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value.toString());
        }
    }
}
