package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.OperatorNote;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.RecoveryOperation;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * An operator's corrections of a plan's stored state (mark a step done or skipped, force-release
 * the lease), each written under the plan's lease with an audit entry, and the plan's status.
 * Everything that goes wrong here is thrown: a recovery operation has no report.
 */
public final class RecoveryOperations {

    private RecoveryOperations() {
    }

    /** The plan's state as stored; takes no lease. */
    public static PlanStatus status(RunnerSettings settings, UpgradePlan plan) {
        OperationScope scope = new OperationScope(settings, plan);
        Checkpoint checkpoint = scope.store().load(plan.id()).orElseGet(() -> Checkpoint.start(plan, scope.now()));
        List<StepRecord> records = plan.steps().stream().map(s -> checkpoint.step(s.id())).toList();
        return new PlanStatus(plan.id(), checkpoint.fingerprint().equals(plan.fingerprint()), records,
                scope.store().currentLease(plan.id()), checkpoint.audit(), plan);
    }

    public static PlanStatus markDone(RunnerSettings settings, UpgradePlan plan, String stepId, OperatorNote note) {
        return markFinished(settings, plan, RecoveryOperation.MARK_DONE, StepState.SUCCEEDED, stepId, note);
    }

    public static PlanStatus markSkipped(RunnerSettings settings, UpgradePlan plan, String stepId, OperatorNote note) {
        return markFinished(settings, plan, RecoveryOperation.MARK_SKIPPED, StepState.SKIPPED, stepId, note);
    }

    /** Removes whoever's lease, then records that in the audit trail under a lease of its own. */
    public static PlanStatus forceReleaseLock(RunnerSettings settings, UpgradePlan plan, OperatorNote note) {
        OperationScope scope = new OperationScope(settings, plan);
        Optional<Lease> previous = scope.store().currentLease(plan.id());
        scope.store().forceReleaseLease(plan.id());
        String released = previous.map(l -> " (lease of '" + l.owner() + "', token " + l.token() + ", released)")
                .orElse(" (no lease was held)");
        recordCorrection(scope, RecoveryOperation.FORCE_RELEASE_LOCK, null, note, released, false,
                (checkpoint, now) -> checkpoint);
        return status(settings, plan);
    }

    private static PlanStatus markFinished(RunnerSettings settings, UpgradePlan plan, RecoveryOperation operation,
            StepState state, String stepId, OperatorNote note) {
        OperationScope scope = new OperationScope(settings, plan);
        recordCorrection(scope, operation, stepId, note, "", true,
                (checkpoint, now) -> checkpoint.withStep(checkpoint.step(stepId).finished(state, now, null), now));
        return status(settings, plan);
    }

    /**
     * Under the plan's lease: applies {@code correction} to the stored checkpoint and saves it with
     * an audit entry of who did what and why ({@code detail} added to the reason; redacted).
     */
    private static void recordCorrection(OperationScope scope, RecoveryOperation operation, String stepId,
            OperatorNote note, String detail, boolean checkFingerprint,
            BiFunction<Checkpoint, Instant, Checkpoint> correction) {
        try (LeaseKeeper lease = LeaseKeeper.acquire(scope)) {
            CheckpointKeeper checkpoints = CheckpointKeeper.load(scope, lease, checkFingerprint);
            Instant now = scope.now();
            Checkpoint corrected = correction.apply(checkpoints.current(), now);
            checkpoints.save(corrected.withAudit(new AuditEntry(now, note.operator(), operation.name(), stepId,
                    scope.redactor().redact(note.reason() + detail))));
        } catch (StopRun stop) {
            throw stop.toException();
        }
    }
}
