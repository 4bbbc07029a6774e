package io.upgradesdk.upgrade.internal;

import io.github.resilience4j.retry.Retry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint of one operation: loaded once under the lease, then replaced by fenced writes
 * that renew the lease when due and retry transient store failures. Records a step's success and
 * the next step's start in one write, so a step costs one durable write, not two.
 */
final class CheckpointKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointKeeper.class);

    private final OperationScope scope;
    private final LeaseKeeper lease;
    private Checkpoint checkpoint;
    /** The step the last save already marked as started, or null. */
    private String preStarted;
    /** The record {@link #saveSucceeded} saved for {@link #preStarted}, handed back at that step's start. */
    private StepRecord preStartedRecord;

    private CheckpointKeeper(OperationScope scope, LeaseKeeper lease, Checkpoint checkpoint) {
        this.scope = scope;
        this.lease = lease;
        this.checkpoint = checkpoint;
    }

    /**
     * Loads the plan's checkpoint (a fresh one when none is stored). With {@code checkFingerprint},
     * a checkpoint written by a plan with other steps is refused with FINGERPRINT_MISMATCH unless the
     * runner adopts changed plans.
     */
    static CheckpointKeeper load(OperationScope scope, LeaseKeeper lease, boolean checkFingerprint) {
        return new CheckpointKeeper(scope, lease, loadOrStart(scope, checkFingerprint));
    }

    Checkpoint current() {
        return checkpoint;
    }

    StepRecord step(String stepId) {
        return checkpoint.step(stepId);
    }

    /**
     * Records the start of an attempt, unless the previous step's success already did (first attempt
     * only); returns the step's record as saved (its cursor is where the attempt resumes from).
     */
    StepRecord saveAttemptStarted(UpgradeStep step, int attempt) {
        StepRecord started;
        if (attempt > 1 || !step.id().equals(preStarted)) {
            started = checkpoint.step(step.id()).started(scope.now()).attempted();
            saveStep(started);
        } else {
            started = preStartedRecord;
        }
        preStarted = null;
        preStartedRecord = null;
        return started;
    }

    /**
     * Records the step's success and, in the same write, marks {@code next} started when it will run
     * right away. The point of no return is never marked before its confirmation.
     */
    void saveSucceeded(UpgradeStep step, UpgradeStep next) {
        Instant now = scope.now();
        Checkpoint after = checkpoint.withStep(checkpoint.step(step.id()).finished(StepState.SUCCEEDED, now, null), now);
        boolean startNext = next != null && !next.isPointOfNoReturn() && !after.step(next.id()).state().isDone();
        StepRecord nextStarted = null;
        if (startNext) {
            nextStarted = after.step(next.id()).started(now).attempted();
            after = after.withStep(nextStarted, now);
        }
        save(after);
        preStarted = startNext ? next.id() : null;
        preStartedRecord = nextStarted;
    }

    void saveStep(StepRecord record) {
        save(checkpoint.withStep(record, scope.now()));
    }

    /** Fenced write of the next checkpoint; transient store failures are retried under the runner's policy. */
    void save(Checkpoint next) {
        Retry.AsyncContext<Void> decision = scope.attemptsFor(scope.settings().retryPolicy()).start();
        while (true) {
            lease.requireWritable();
            try {
                lease.renewIfDue();
                scope.store().save(next, lease.current());
                checkpoint = next;
                return;
            } catch (UpgradeException e) {
                long wait = retryDelay(decision, e);
                LOG.warn("saving the checkpoint of plan '{}' failed, retrying in {} ms: {}", scope.planId(), wait,
                        scope.redactor().redact(e.getMessage()));
                scope.sleep(Duration.ofMillis(wait));
            }
        }
    }

    // --- sub-steps -------------------------------------------------------------------------------

    /** How long to wait before the next try; throws {@code e} when the write must not be retried. */
    private long retryDelay(Retry.AsyncContext<Void> decision, UpgradeException e) {
        if (e.code() == UpgradeErrorCode.LEASE_LOST) {
            lease.lost(e);
            throw e;
        }
        if (e.code() == UpgradeErrorCode.STORE_CONTRACT_BROKEN) {
            throw e;
        }
        long wait = decision.onError(e);
        if (wait < 0) {
            throw e;
        }
        return wait;
    }

    private static Checkpoint loadOrStart(OperationScope scope, boolean checkFingerprint) {
        UpgradePlan plan = scope.plan();
        Optional<Checkpoint> stored = scope.store().load(plan.id());
        if (stored.isEmpty()) {
            return Checkpoint.start(plan, scope.now());
        }
        Checkpoint found = stored.get();
        if (!plan.id().equals(found.planId())) {
            throw new UpgradeException(UpgradeErrorCode.CHECKPOINT_UNREADABLE, "the checkpoint stored for plan '"
                    + plan.id() + "' in " + scope.store() + " belongs to plan '" + found.planId() + "' (copied or"
                    + " edited by hand); nothing was run. Restore the checkpoint of plan '" + plan.id() + "', or"
                    + " remove this entry to start the plan over");
        }
        if (!checkFingerprint || found.fingerprint().equals(plan.fingerprint())) {
            return found;
        }
        if (!scope.settings().adoptChangedPlan()) {
            throw new UpgradeException(UpgradeErrorCode.FINGERPRINT_MISMATCH, "the checkpoint of plan '" + plan.id()
                    + "' was written by a plan with other steps (fingerprint " + found.fingerprint() + ", this plan has "
                    + plan.fingerprint() + "); nothing was run. If the plan was changed on purpose, build the runner"
                    + " with adoptCheckpointOfChangedPlan(true); otherwise use the plan that wrote it or another plan id");
        }
        return found.withFingerprint(plan.fingerprint(), scope.now());
    }
}
