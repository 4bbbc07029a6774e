package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.CheckpointJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
    private final Map<String, StepRecord> steps;
    private final List<AuditEntry> audit;

    public Checkpoint(String planId, String fingerprint, long revision, Instant updatedAt,
            List<StepRecord> steps, List<AuditEntry> audit) {
        this.planId = requireNonNull(planId, "planId");
        this.fingerprint = requireNonNull(fingerprint, "fingerprint");
        this.revision = revision;
        this.updatedAt = requireNonNull(updatedAt, "updatedAt");
        Map<String, StepRecord> byId = new LinkedHashMap<>();
        for (StepRecord step : steps) {
            byId.put(step.stepId(), step);
        }
        this.steps = Collections.unmodifiableMap(byId);
        this.audit = List.copyOf(audit);
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
        StepRecord record = steps.get(stepId);
        return record != null ? record : StepRecord.pending(stepId);
    }

    public List<StepRecord> steps() {
        return List.copyOf(steps.values());
    }

    public List<AuditEntry> audit() {
        return audit;
    }

    /** A copy with the step's record replaced, the revision increased and the time updated. */
    public Checkpoint withStep(StepRecord record, Instant now) {
        List<StepRecord> records = new ArrayList<>(steps.values());
        boolean replaced = false;
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).stepId().equals(record.stepId())) {
                records.set(i, record);
                replaced = true;
            }
        }
        if (!replaced) {
            records.add(record);
        }
        return new Checkpoint(planId, fingerprint, revision + 1, now, records, audit);
    }

    /** A copy with an audit entry appended. */
    public Checkpoint withAudit(AuditEntry entry) {
        List<AuditEntry> entries = new ArrayList<>(audit);
        entries.add(entry);
        return new Checkpoint(planId, fingerprint, revision + 1, entry.at(), steps(), entries);
    }

    /** A copy adopted by a plan with another fingerprint (explicit override). */
    public Checkpoint withFingerprint(String newFingerprint, Instant now) {
        return new Checkpoint(planId, newFingerprint, revision + 1, now, steps(), audit);
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
        return "Checkpoint[" + planId + ", revision " + revision + ", " + steps.values().stream()
                .map(s -> s.stepId() + "=" + s.state()).toList() + "]";
    }
}
