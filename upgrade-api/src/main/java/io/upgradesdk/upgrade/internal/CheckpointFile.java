package io.upgradesdk.upgrade.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepRecord;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The content of a checkpoint file: per plan, its checkpoint, its lease and the last fencing
 * token issued. Immutable; {@link #with} returns a changed copy.
 */
public final class CheckpointFile {

    public static final String FORMAT = "upgrade-sdk/checkpoint-file";
    public static final int VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One plan's entry; {@code livenessLocked} says the holder also holds the OS liveness lock, and
     * {@code lockFile} names the lock file (its identity, such as device and inode) that lock is
     * held on, or null when unknown (files of earlier versions, file systems without identities).
     */
    public record Entry(Checkpoint checkpoint, Lease lease, long lastToken, boolean livenessLocked, String lockFile) {
        public static final Entry EMPTY = new Entry(null, null, 0, false, null);

        public Entry withCheckpoint(Checkpoint value) {
            return new Entry(value, lease, lastToken, livenessLocked, lockFile);
        }

        public Entry withLease(Lease value, boolean locked, String lockFileId) {
            boolean held = value != null && locked;
            return new Entry(checkpoint, value, value == null ? lastToken : Math.max(lastToken, value.token()),
                    held, held ? lockFileId : null);
        }
    }

    private final Map<String, Entry> plans;

    private CheckpointFile(Map<String, Entry> plans) {
        this.plans = plans;
    }

    public static CheckpointFile empty() {
        return new CheckpointFile(Map.of());
    }

    public Entry entry(String planId) {
        return plans.getOrDefault(planId, Entry.EMPTY);
    }

    public CheckpointFile with(String planId, Entry entry) {
        Map<String, Entry> copy = new LinkedHashMap<>(plans);
        copy.put(planId, entry);
        return new CheckpointFile(copy);
    }

    /** The ids of the plans in the file, in the order they were first written. */
    public Iterable<String> planIds() {
        return plans.keySet();
    }

    /** The file's bytes in the single-document layout (untouched pending steps left out). */
    public byte[] toBytes() {
        return toBytes(CheckpointJson::stepJson);
    }

    /** The file's bytes, each step's JSON taken from {@code steps} (the file store passes a cache). */
    public byte[] toBytes(Function<StepRecord, String> steps) {
        return write(steps, false);
    }

    /**
     * The bytes of a base of the {@link CheckpointLog}: the same document with every step record,
     * pending ones included, so that change records can name steps by position.
     */
    public byte[] toSnapshotBytes(Function<StepRecord, String> steps) {
        return write(steps, true);
    }

    private byte[] write(Function<StepRecord, String> steps, boolean everyStep) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("format", FORMAT);
            json.writeNumberField("version", VERSION);
            json.writeObjectFieldStart("plans");
            for (Map.Entry<String, Entry> plan : plans.entrySet()) {
                Entry entry = plan.getValue();
                json.writeObjectFieldStart(plan.getKey());
                writeLease(json, entry);
                json.writeFieldName("checkpoint");
                if (entry.checkpoint() == null) {
                    json.writeNull();
                } else if (everyStep) {
                    CheckpointChanges.writeCheckpoint(json, entry.checkpoint(), entry.checkpoint().steps(), steps, true);
                    json.writeEndObject();
                } else {
                    CheckpointJson.write(json, entry.checkpoint(), steps);
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise checkpoint file", e);
        }
        return out.toByteArray();
    }

    /** Writes an entry's {@code lastToken} and {@code lease} fields. */
    static void writeLease(JsonGenerator json, Entry entry) throws IOException {
        json.writeNumberField("lastToken", entry.lastToken());
        json.writeFieldName("lease");
        if (entry.lease() == null) {
            json.writeNull();
        } else {
            json.writeStartObject();
            json.writeStringField("owner", entry.lease().owner());
            json.writeNumberField("token", entry.lease().token());
            json.writeStringField("expiresAt", entry.lease().expiresAt().toString());
            json.writeBooleanField("livenessLocked", entry.livenessLocked());
            if (entry.lockFile() != null) {
                json.writeStringField("lockFile", entry.lockFile());
            }
            json.writeEndObject();
        }
    }

    /** The lease in an entry's {@code lease} field, or null; unreadable (naming {@code source}) when malformed. */
    static Lease readLease(String planId, JsonNode leaseNode, String source) {
        if (!leaseNode.isObject()) {
            return null;
        }
        try {
            return new Lease(planId, leaseNode.path("owner").asText(), leaseNode.path("token").asLong(),
                    Instant.parse(leaseNode.path("expiresAt").asText()));
        } catch (RuntimeException e) {
            throw CheckpointJson.unreadable(source, "the lease of plan '" + planId + "' is malformed");
        }
    }

    /** Parses a file's bytes; errors name {@code source} and say how to recover. */
    public static CheckpointFile parse(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            String where = e instanceof JsonProcessingException j && j.getLocation() != null
                    ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "";
            throw CheckpointJson.unreadable(source, "it is corrupted: not valid JSON" + where);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw CheckpointJson.unreadable(source, "it is not an upgrade-sdk checkpoint file (no \"format\": \""
                    + FORMAT + "\"); check the path, or point the store at a new file");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw CheckpointJson.unreadable(source, "its format version " + root.path("version") + " is not supported"
                    + " (this SDK reads " + VERSION + "); use the SDK version that wrote it");
        }
        Map<String, Entry> plans = new LinkedHashMap<>();
        JsonNode plansNode = root.path("plans");
        for (Iterator<Map.Entry<String, JsonNode>> it = plansNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode node = field.getValue();
            JsonNode leaseNode = node.path("lease");
            Lease lease = readLease(field.getKey(), leaseNode, source);
            JsonNode checkpointNode = node.path("checkpoint");
            Checkpoint checkpoint = checkpointNode.isObject()
                    ? CheckpointJson.fromNode(checkpointNode, source + " (plan '" + field.getKey() + "')") : null;
            plans.put(field.getKey(), new Entry(checkpoint, lease, node.path("lastToken").asLong(0),
                    leaseNode.path("livenessLocked").asBoolean(false), leaseNode.path("lockFile").asText(null)));
        }
        return new CheckpointFile(plans);
    }
}
