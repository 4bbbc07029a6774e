package io.upgradesdk.upgrade.testkit;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan's stored state made on demand, to test how a plan resumes or refuses without running it
 * there first. Immutable: each method returns a new state. Built from public API only
 * ({@link Checkpoint}, {@link StepRecord}, {@link CheckpointStore}).
 *
 * <pre>{@code
 * t.given(PlanState.of(plan).succeeded("validate").interruptedAt("copy-orders", "1200"));
 * t.given(PlanState.of(plan).leaseHeldBy("host-b"));                  // another run holds the lease
 * t.given(PlanState.of(olderPlan).succeeded("copy-orders"));          // written by an older version
 * }</pre>
 */
public final class PlanState {

    /** The owner name the kit uses to write a state when no other holder is asked for. */
    public static final String WRITER = "upgrade-testkit";

    private final UpgradePlan plan;
    private final String fingerprint;
    private final Map<String, StepRecord> records;
    private final List<AuditEntry> audit;
    private final String leaseHolder;
    private final Duration leaseDuration;

    private PlanState(UpgradePlan plan, String fingerprint, Map<String, StepRecord> records, List<AuditEntry> audit,
            String leaseHolder, Duration leaseDuration) {
        this.plan = plan;
        this.fingerprint = fingerprint;
        this.records = records;
        this.audit = audit;
        this.leaseHolder = leaseHolder;
        this.leaseDuration = leaseDuration;
    }

    /** Every step of {@code plan} pending, no lease held, the plan's own fingerprint. */
    public static PlanState of(UpgradePlan plan) {
        requireNonNull(plan, "plan");
        Map<String, StepRecord> records = new LinkedHashMap<>();
        for (UpgradeStep step : plan.steps()) {
            records.put(step.id(), StepRecord.pending(step.id()));
        }
        return new PlanState(plan, plan.fingerprint(), records, List.of(), null, Duration.ofSeconds(60));
    }

    /** These steps finished successfully (one attempt each). */
    public PlanState succeeded(String... stepIds) {
        PlanState state = this;
        for (String stepId : stepIds) {
            state = state.record(new StepRecord(known(stepId), StepState.SUCCEEDED, 1, null, null, null, null));
        }
        return state;
    }

    /** Every step before {@code stepId} (excluded) finished successfully. */
    public PlanState succeededBefore(String stepId) {
        known(stepId);
        List<String> before = plan.stepIds().subList(0, plan.stepIds().indexOf(stepId));
        return succeeded(before.toArray(String[]::new));
    }

    /** The step was running at {@code cursor} when its process died (state RUNNING, 1 attempt). */
    public PlanState interruptedAt(String stepId, String cursor) {
        return record(new StepRecord(known(stepId), StepState.RUNNING, 1, cursor, null, null, null));
    }

    /** The step failed at {@code cursor} (null: before any cursor) with {@code error}, after {@code attempts}. */
    public PlanState failedAt(String stepId, String cursor, String error, int attempts) {
        return record(new StepRecord(known(stepId), StepState.FAILED, attempts, cursor, null, null, error));
    }

    /** These steps were marked skipped by an operator. */
    public PlanState skipped(String... stepIds) {
        PlanState state = this;
        for (String stepId : stepIds) {
            state = state.record(new StepRecord(known(stepId), StepState.SKIPPED, 0, null, null, null, null));
        }
        return state;
    }

    /** The step was undone by a rollback. */
    public PlanState compensated(String stepId) {
        return record(new StepRecord(known(stepId), StepState.COMPENSATED, 1, null, null, null, null));
    }

    /** Any record; its times, when null, are filled with the time of writing. */
    public PlanState record(StepRecord record) {
        requireNonNull(record, "record");
        known(record.stepId());
        Map<String, StepRecord> copy = new LinkedHashMap<>(records);
        copy.put(record.stepId(), record);
        return new PlanState(plan, fingerprint, copy, audit, leaseHolder, leaseDuration);
    }

    /**
     * The checkpoint was written by another version of the plan: a run of {@code plan} then fails
     * with {@code FINGERPRINT_MISMATCH} unless the runner adopts changed plans. (Or build the state
     * from the older plan itself: {@code PlanState.of(olderPlan)}.)
     */
    public PlanState fingerprint(String otherFingerprint) {
        return new PlanState(plan, requireNonNull(otherFingerprint, "otherFingerprint"), records, audit, leaseHolder,
                leaseDuration);
    }

    /** An operator's audit entry in the checkpoint. */
    public PlanState audit(AuditEntry entry) {
        List<AuditEntry> more = new ArrayList<>(audit);
        more.add(requireNonNull(entry, "entry"));
        return new PlanState(plan, fingerprint, records, List.copyOf(more), leaseHolder, leaseDuration);
    }

    /** Another run ({@code owner}) holds the plan's lease, for 60 s of the store's clock. */
    public PlanState leaseHeldBy(String owner) {
        return leaseHeldBy(owner, Duration.ofSeconds(60));
    }

    /** Another run ({@code owner}) holds the plan's lease for {@code duration} of the store's clock. */
    public PlanState leaseHeldBy(String owner, Duration duration) {
        return new PlanState(plan, fingerprint, records, audit, requireNonNull(owner, "owner"),
                requireNonNull(duration, "duration"));
    }

    /** The checkpoint this state stores, stamped {@code at}. */
    public Checkpoint checkpoint(Instant at) {
        List<StepRecord> stamped = records.values().stream().map(r -> stamp(r, at)).toList();
        return new Checkpoint(plan.id(), fingerprint, 1, at, stamped, audit);
    }

    /**
     * Writes the state into {@code store} through its public lease API: takes the lease (as
     * {@link #leaseHeldBy the holder}, or as {@value #WRITER}), saves the checkpoint, and releases
     * the lease unless a holder was asked for. Fails with {@code LOCK_HELD} if a lease is held.
     *
     * @return the lease left held, or null
     */
    public Lease writeTo(CheckpointStore store, Instant at) {
        String owner = leaseHolder != null ? leaseHolder : WRITER;
        Lease lease = store.acquireLease(plan.id(), owner, leaseDuration);
        store.save(checkpoint(at), lease);
        if (leaseHolder == null) {
            store.releaseLease(lease);
            return null;
        }
        return lease;
    }

    private static StepRecord stamp(StepRecord r, Instant at) {
        boolean started = r.state() != StepState.PENDING && r.state() != StepState.SKIPPED;
        boolean finished = started && r.state() != StepState.RUNNING;
        return new StepRecord(r.stepId(), r.state(), r.attempts(), r.cursor(),
                r.startedAt() == null && started ? at : r.startedAt(),
                r.finishedAt() == null && finished ? at : r.finishedAt(), r.error());
    }

    private String known(String stepId) {
        return plan.step(stepId).id();
    }

    @Override
    public String toString() {
        return "PlanState[" + plan.id() + ", " + records.values().stream().map(r -> r.stepId() + "=" + r.state()
                + (r.cursor() == null ? "" : "@" + r.cursor())).toList()
                + (fingerprint.equals(plan.fingerprint()) ? "" : ", fingerprint " + fingerprint)
                + (leaseHolder == null ? "" : ", lease held by " + leaseHolder) + "]";
    }
}
