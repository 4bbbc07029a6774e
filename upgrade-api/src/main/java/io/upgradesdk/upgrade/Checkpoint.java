package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.CheckpointJson;
import io.upgradesdk.upgrade.internal.StepRecordList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The persisted state of one plan: each step's record and the operators' audit trail. Immutable;
 * every change returns a new checkpoint with a higher {@link #revision()}.
 *
 * <p>{@link #toJson()} and {@link #fromJson(String, String)} give the one serial form all stores
 * use (format {@value CheckpointJson#FORMAT}, version {@value CheckpointJson#VERSION}).
 */
public final class Checkpoint {

    private final String planId;
    private final String fingerprint;
    private final long revision;
    private final Instant updatedAt;
    /** Records in order, immutable; a change copies only the chunk it is in. */
    private final StepRecordList records;
    /** Step id to position in {@link #records}; shared between versions with the same steps. */
    private final Map<String, Integer> index;
    private final List<AuditEntry> audit;

    public Checkpoint(String planId, String fingerprint, long revision, Instant updatedAt,
            List<StepRecord> steps, List<AuditEntry> audit) {
        this(planId, fingerprint, revision, updatedAt, dedupe(steps), null, List.copyOf(audit));
    }

    private Checkpoint(String planId, String fingerprint, long revision, Instant updatedAt, StepRecordList records,
            Map<String, Integer> index, List<AuditEntry> audit) {
        this.planId = requireNonNull(planId, "planId");
        this.fingerprint = requireNonNull(fingerprint, "fingerprint");
        this.revision = revision;
        this.updatedAt = requireNonNull(updatedAt, "updatedAt");
        this.records = records;
        this.index = index != null ? index : indexOf(records);
        this.audit = audit;
    }

    private static StepRecordList dedupe(List<StepRecord> steps) {
        Map<String, StepRecord> byId = new LinkedHashMap<>();
        for (StepRecord step : steps) {
            byId.put(step.stepId(), requireNonNull(step, "step"));
        }
        return StepRecordList.of(byId.values().toArray(new StepRecord[0]));
    }

    private static Map<String, Integer> indexOf(StepRecordList records) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            index.put(records.get(i).stepId(), i);
        }
        return Collections.unmodifiableMap(index);
    }

    /** A fresh checkpoint for a plan: every step pending, revision 0. */
    public static Checkpoint start(UpgradePlan plan, Instant now) {
        List<StepRecord> records = plan.steps().stream().map(s -> StepRecord.pending(s.id())).toList();
        return new Checkpoint(plan.id(), plan.fingerprint(), 0, now, records, List.of());
    }

    /** Parses the serial form; {@code source} (a path, a key) names it in error messages. */
    public static Checkpoint fromJson(String json, String source) {
        return CheckpointJson.read(json, source);
    }

    public String toJson() {
        return CheckpointJson.write(this);
    }

    public String planId() {
        return planId;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public long revision() {
        return revision;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** The step's record; a pending one when the checkpoint does not know the step. */
    public StepRecord step(String stepId) {
        Integer position = index.get(stepId);
        return position != null ? records.get(position) : StepRecord.pending(stepId);
    }

    /** The step records in plan order, read-only. */
    public List<StepRecord> steps() {
        return records;
    }

    public List<AuditEntry> audit() {
        return audit;
    }

    /** A copy with the step's record replaced, the revision increased and the time updated. */
    public Checkpoint withStep(StepRecord record, Instant now) {
        Integer position = index.get(record.stepId());
        if (position == null) {
            return new Checkpoint(planId, fingerprint, revision + 1, now, records.appended(record), null, audit);
        }
        return new Checkpoint(planId, fingerprint, revision + 1, now, records.with(position, record), index, audit);
    }

    /** A copy with an audit entry appended. */
    public Checkpoint withAudit(AuditEntry entry) {
        List<AuditEntry> entries = new ArrayList<>(audit);
        entries.add(entry);
        return new Checkpoint(planId, fingerprint, revision + 1, entry.at(), records, index, List.copyOf(entries));
    }

    /** A copy adopted by a plan with another fingerprint (explicit override). */
    public Checkpoint withFingerprint(String newFingerprint, Instant now) {
        return new Checkpoint(planId, newFingerprint, revision + 1, now, records, index, audit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + planId + ", revision " + revision + ", " + records.stream()
                .map(s -> s.stepId() + "=" + s.state()).toList() + "]";
    }
}
