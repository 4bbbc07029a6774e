package io.upgradesdk.upgrade.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one save changed in a {@link CheckpointFile}, as the payload of a change record of the
 * {@link CheckpointLog}: per changed plan its lease fields and either the step records that
 * changed (with their positions), the plan-level fields and the audit trail when it changed, or
 * the whole checkpoint when it was replaced. Its size follows what changed, not the plan's size.
 *
 * <pre>
 * {"plans":{"PLAN":{"lastToken":3,"lease":{...}|null,
 *   "changes":{...checkpoint fields...,"count":N,"at":[i,...],"steps":[{...},...],"auditChanged":false,"audit":[]}}}}
 *   or "checkpoint":{...the whole checkpoint...} or no checkpoint field when it did not change
 * </pre>
 */
public final class CheckpointChanges {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CheckpointChanges() {
    }

    /** The payload turning {@code before} into {@code after}. */
    public static byte[] between(CheckpointFile before, CheckpointFile after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("plans");
            for (String planId : after.planIds()) {
                CheckpointFile.Entry now = after.entry(planId);
                CheckpointFile.Entry was = before.entry(planId);
                if (sameEntry(was, now)) {
                    continue;
                }
                json.writeObjectFieldStart(planId);
                CheckpointFile.writeLease(json, now);
                if (now.checkpoint() != was.checkpoint()) {
                    writeCheckpointChange(json, was.checkpoint(), now.checkpoint());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a checkpoint change", e);
        }
        return out.toByteArray();
    }

    /** {@code start} with the changes of {@code payloads} applied in order; errors name {@code source}. */
    public static CheckpointFile apply(CheckpointFile start, List<byte[]> payloads, String source) {
        Map<String, PlanChanges> plans = new LinkedHashMap<>();
        for (byte[] payload : payloads) {
            JsonNode root;
            try {
                root = MAPPER.readTree(payload);
            } catch (IOException e) {
                throw CheckpointJson.unreadable(source, "it is corrupted: a change record is not valid JSON");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("plans").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String planId = field.getKey();
                plans.computeIfAbsent(planId, id -> new PlanChanges(start.entry(id)))
                        .apply(planId, field.getValue(), source);
            }
        }
        CheckpointFile result = start;
        for (Map.Entry<String, PlanChanges> plan : plans.entrySet()) {
            result = result.with(plan.getKey(), plan.getValue().entry());
        }
        return result;
    }

    /**
     * Starts the checkpoint's object in the form {@link CheckpointJson#fromNode} reads, with
     * {@code records} as its steps (all of them in a base, pending ones included, so that each
     * keeps its position), each step's JSON from {@code steps}, and the audit trail or an empty one;
     * the caller adds its own fields, if any, and ends the object.
     */
    static void writeCheckpoint(JsonGenerator json, Checkpoint checkpoint, List<StepRecord> records,
            Function<StepRecord, String> steps, boolean withAudit) throws IOException {
        json.writeStartObject();
        json.writeStringField("format", CheckpointJson.FORMAT);
        json.writeNumberField("version", CheckpointJson.VERSION);
        json.writeStringField("planId", checkpoint.planId());
        json.writeStringField("fingerprint", checkpoint.fingerprint());
        json.writeNumberField("revision", checkpoint.revision());
        json.writeStringField("updatedAt", checkpoint.updatedAt().toString());
        json.writeArrayFieldStart("steps");
        for (StepRecord step : records) {
            json.writeRawValue(steps.apply(step));
        }
        json.writeEndArray();
        json.writeArrayFieldStart("audit");
        if (withAudit) {
            for (AuditEntry entry : checkpoint.audit()) {
                writeAudit(json, entry);
            }
        }
        json.writeEndArray();
    }

    private static void writeAudit(JsonGenerator json, AuditEntry entry) throws IOException {
        json.writeStartObject();
        json.writeStringField("at", entry.at().toString());
        json.writeStringField("by", entry.by());
        json.writeStringField("action", entry.action());
        if (entry.stepId() != null) {
            json.writeStringField("stepId", entry.stepId());
        }
        json.writeStringField("reason", entry.reason());
        json.writeEndObject();
    }

    private static boolean sameEntry(CheckpointFile.Entry a, CheckpointFile.Entry b) {
        return a.checkpoint() == b.checkpoint() && a.lastToken() == b.lastToken()
                && a.livenessLocked() == b.livenessLocked() && Objects.equals(a.lockFile(), b.lockFile())
                && Objects.equals(a.lease(), b.lease());
    }

    private static void writeCheckpointChange(JsonGenerator json, Checkpoint was, Checkpoint now) throws IOException {
        if (now == null) {
            json.writeNullField("checkpoint");
            return;
        }
        List<StepRecord> records = now.steps();
        List<Integer> changed = was == null ? null : changedPositions(was.steps(), records);
        if (changed == null) {
            json.writeFieldName("checkpoint");
            writeCheckpoint(json, now, records, CheckpointJson::stepJson, true);
            json.writeEndObject();
            return;
        }
        boolean auditChanged = was.audit() != now.audit() && !was.audit().equals(now.audit());
        json.writeFieldName("changes");
        List<StepRecord> changedRecords = new ArrayList<>(changed.size());
        changed.forEach(position -> changedRecords.add(records.get(position)));
        writeCheckpoint(json, now, changedRecords, CheckpointJson::stepJson, auditChanged);
        json.writeBooleanField("auditChanged", auditChanged);
        json.writeNumberField("count", records.size());
        json.writeArrayFieldStart("at");
        for (int position : changed) {
            json.writeNumber(position);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /**
     * Positions of the records that differ, or null when the steps were not only changed or
     * appended (another order, fewer steps): then the whole checkpoint is written.
     */
    private static List<Integer> changedPositions(List<StepRecord> was, List<StepRecord> now) {
        if (now.size() < was.size()) {
            return null;
        }
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < now.size(); i++) {
            StepRecord after = now.get(i);
            if (i >= was.size()) {
                changed.add(i);
                continue;
            }
            StepRecord before = was.get(i);
            if (before == after) {
                continue;
            }
            if (!before.stepId().equals(after.stepId())) {
                return null;
            }
            if (!before.equals(after)) {
                changed.add(i);
            }
        }
        return changed;
    }

    /** One plan's entry while change records are applied to it. */
    private static final class PlanChanges {
        private Lease lease;
        private long lastToken;
        private boolean livenessLocked;
        private String lockFile;
        private Checkpoint checkpoint;
        /** The records with the changes so far, or null while {@link #checkpoint} is current. */
        private List<StepRecord> steps;
        private String fingerprint;
        private long revision;
        private Instant updatedAt;
        private List<AuditEntry> audit;

        PlanChanges(CheckpointFile.Entry entry) {
            lease = entry.lease();
            lastToken = entry.lastToken();
            livenessLocked = entry.livenessLocked();
            lockFile = entry.lockFile();
            checkpoint = entry.checkpoint();
        }

        void apply(String planId, JsonNode node, String source) {
            lease = CheckpointFile.readLease(planId, node.path("lease"), source);
            lastToken = node.path("lastToken").asLong(0);
            livenessLocked = node.path("lease").path("livenessLocked").asBoolean(false);
            lockFile = node.path("lease").path("lockFile").asText(null);
            JsonNode whole = node.get("checkpoint");
            if (whole != null) {
                checkpoint = whole.isNull() ? null : CheckpointJson.fromNode(whole, source + " (plan '" + planId + "')");
                steps = null;
            }
            JsonNode changes = node.get("changes");
            if (changes != null) {
                change(planId, changes, source);
            }
        }

        private void change(String planId, JsonNode node, String source) {
            if (checkpoint == null) {
                throw CheckpointJson.unreadable(source, "it is corrupted: a change record of plan '" + planId
                        + "' has no checkpoint to apply to");
            }
            Checkpoint part = CheckpointJson.fromNode(node, source + " (plan '" + planId + "')");
            if (steps == null) {
                steps = new ArrayList<>(checkpoint.steps());
                audit = checkpoint.audit();
            }
            List<StepRecord> changed = part.steps();
            JsonNode at = node.path("at");
            if (at.size() != changed.size()) {
                throw CheckpointJson.unreadable(source, "it is corrupted: a change record of plan '" + planId
                        + "' has " + at.size() + " positions for " + changed.size() + " steps");
            }
            for (int k = 0; k < changed.size(); k++) {
                int position = at.get(k).asInt(-1);
                if (position >= 0 && position < steps.size()) {
                    steps.set(position, changed.get(k));
                } else if (position == steps.size()) {
                    steps.add(changed.get(k));
                } else {
                    throw CheckpointJson.unreadable(source, "it is corrupted: a change record of plan '" + planId
                            + "' names step position " + position + " of " + steps.size());
                }
            }
            if (steps.size() != node.path("count").asInt(-1)) {
                throw CheckpointJson.unreadable(source, "it is corrupted: a change record of plan '" + planId
                        + "' leaves " + steps.size() + " steps instead of " + node.path("count"));
            }
            fingerprint = part.fingerprint();
            revision = part.revision();
            updatedAt = part.updatedAt();
            if (node.path("auditChanged").asBoolean(false)) {
                audit = part.audit();
            }
        }

        CheckpointFile.Entry entry() {
            Checkpoint current = steps == null ? checkpoint
                    : new Checkpoint(checkpoint.planId(), fingerprint, revision, updatedAt, steps, audit);
            boolean held = lease != null && livenessLocked;
            return new CheckpointFile.Entry(current, lease, lastToken, held, held ? lockFile : null);
        }
    }
}
