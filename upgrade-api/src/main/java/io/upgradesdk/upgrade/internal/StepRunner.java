package io.upgradesdk.upgrade.internal;

import io.github.resilience4j.retry.Retry;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionedStep;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.UpgradeReport.StepReport;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs one step, or its compensation, under its retry policy: records each attempt, the cursors
 * the step saves and the result in the checkpoint, publishes the step's events and returns its
 * report line. A lost lease, an interrupt or a checkpoint that cannot be saved stops the run
 * ({@link StopRun}); a store that breaks its contract is thrown as such.
 */
final class StepRunner implements StepContextImpl.Host {

    private final OperationScope scope;
    private final LeaseKeeper lease;
    private final CheckpointKeeper checkpoints;

    StepRunner(OperationScope scope, LeaseKeeper lease, CheckpointKeeper checkpoints) {
        this.scope = scope;
        this.lease = lease;
        this.checkpoints = checkpoints;
    }

    /** Runs {@code step}; {@code next} is the step that follows in its phase, or null. */
    StepReport execute(UpgradeStep step, UpgradeStep next) {
        Instant begin = scope.now();
        scope.stepRunning(step.id(), begin);
        Attempted result;
        try {
            result = withRetries(step, attempt -> {
                StepRecord started = checkpoints.saveAttemptStarted(step, attempt);
                if (scope.hasListeners()) {
                    scope.restartProgress(step.id());
                    // a first attempt starts when the step does (no second clock read); a retry, after its backoff
                    scope.emit(new UpgradeEvent.StepStarted(attempt == 1 ? begin : scope.now(), scope.planId(),
                            step.id(), step.phase(), attempt, started.cursor()));
                }
                try (StepScopes entered = scope.enterStep(step.id(), null)) {
                    executeBody(step, context(step, attempt));
                }
            });
        } finally {
            scope.stepEnded();
        }
        scope.endProgress(step.id());
        if (result.error() != null) {
            String message = scope.redactor().describe(result.error());
            saveAfter(step, "its failure", () -> checkpoints.saveStep(
                    checkpoints.step(step.id()).finished(StepState.FAILED, scope.now(), message)));
            return failed(step, result, message, begin);
        }
        saveAfter(step, "its success", () -> checkpoints.saveSucceeded(step, next));
        Instant end = scope.now();     // one clock read for the event and the report
        Duration took = Duration.between(begin, end);
        if (scope.hasListeners()) {
            scope.emit(new UpgradeEvent.StepSucceeded(end, scope.planId(), step.id(), result.attempts(), took));
        }
        return new StepReport(step.id(), step.phase(), StepOutcome.SUCCEEDED, result.attempts(), took, null);
    }

    /** Runs the compensation of {@code step}, which must have one. */
    StepReport compensate(UpgradeStep step) {
        Instant begin = scope.now();
        Attempted result = withRetries(step,
                attempt -> {
                    scope.restartProgress(step.id());
                    step.compensation().orElseThrow().compensate(context(step, attempt));
                });
        scope.endProgress(step.id());
        if (result.error() != null) {
            String message = "compensation failed: " + scope.redactor().describe(result.error());
            StepRecord record = checkpoints.step(step.id());
            saveAfter(step, "its failed compensation", () -> checkpoints.saveStep(new StepRecord(record.stepId(),
                    record.state(), record.attempts(), record.cursor(), record.startedAt(), record.finishedAt(),
                    message)));
            return failed(step, result, message, begin);
        }
        saveAfter(step, "its compensation", () -> checkpoints.saveStep(
                checkpoints.step(step.id()).reset(StepState.COMPENSATED, scope.now())));
        resetPartitions(step);
        scope.emit(new UpgradeEvent.StepCompensated(scope.now(), scope.planId(), step.id()));
        return new StepReport(step.id(), step.phase(), StepOutcome.COMPENSATED, result.attempts(), scope.since(begin),
                null);
    }

    /**
     * Rolls back {@code step}, which has no compensation: its effects stay, but its record goes
     * back to {@link StepState#PENDING} so that the next run executes it again, as it does the
     * compensated steps before it.
     */
    StepReport resetWithoutCompensation(UpgradeStep step) {
        saveAfter(step, "its rollback", () -> checkpoints.saveStep(
                checkpoints.step(step.id()).reset(StepState.PENDING, scope.now())));
        resetPartitions(step);
        scope.emit(new UpgradeEvent.StepSkipped(scope.now(), scope.planId(), step.id(),
                "no compensation: its effects stay"));
        return new StepReport(step.id(), step.phase(), StepOutcome.NOT_COMPENSABLE, 0, Duration.ZERO, null);
    }

    // --- StepContextImpl.Host ----------------------------------------------------------------------

    @Override
    public String cursor(String stepId) {
        return checkpoints.step(stepId).cursor();
    }

    @Override
    public void saveCursor(String stepId, String cursor) {
        scope.redactor().requireClean(cursor, "the cursor of step '" + stepId + "'");
        checkpoints.saveStep(checkpoints.step(stepId).withCursor(cursor));
    }

    @Override
    public void progress(String stepId, long done, long total, String message) {
        scope.emitProgress(stepId, done, total, message);
    }

    @Override
    public boolean stopRequested() {
        return scope.stopRequested();
    }

    @Override
    public RuntimeException stopped(String stepId) {
        return scope.stopped("in step '" + stepId + "' after it saved its cursor");
    }

    // --- sub-steps -------------------------------------------------------------------------------

    /** A plain step runs its body; a partitioned one has its partitions worked by N threads. */
    private void executeBody(UpgradeStep step, StepContextImpl context) throws Exception {
        if (step instanceof PartitionedStep partitioned) {
            PartitionWorkers.untilAllFinished(scope, partitioned, () -> lease.stopReason().isPresent())
                    .runStep(context);
        } else {
            step.execute(context);
        }
    }

    /** After a partitioned step was rolled back: its partitions are forgotten, so its next run starts over. */
    private void resetPartitions(UpgradeStep step) {
        if (step instanceof PartitionedStep) {
            new PartitionClaims(scope.store(), scope.settings().clock(), scope.planId(), step.id())
                    .resetAll(scope.settings().owner(), scope.settings().leaseDuration());
        }
    }

    /** What a body run under a retry policy came to: attempts made, and the final error or null. */
    private record Attempted(int attempts, Exception error) {
    }

    /** One attempt of a step's body. */
    @FunctionalInterface
    private interface AttemptBody {
        void run(int attempt) throws Exception;
    }

    /**
     * Runs {@code body} until it succeeds, the error is permanent or the attempts are used up,
     * waiting the policy's backoff between attempts. A lost lease or an interrupt stops at once.
     */
    private Attempted withRetries(UpgradeStep step, AttemptBody body) {
        Retry.AsyncContext<Void> decision = scope.attemptsFor(step.retryPolicy().orElse(scope.settings().retryPolicy()))
                .start();
        for (int attempt = 1; ; attempt++) {
            try {
                body.run(attempt);
                decision.onComplete();
                return new Attempted(attempt, null);
            } catch (Exception e) {
                stopIfTheRunCannotGoOn(e);
                if (scope.stopRequested() && endedByTheStop(e)) {
                    throw scope.stopped("in step '" + step.id() + "', whose work stopped on the request");
                }
                long delay = decision.onError(e);
                if (delay < 0) {
                    return new Attempted(attempt, e);
                }
                if (scope.stopRequested()) {
                    throw scope.stopped("in step '" + step.id() + "' before its retry " + (attempt + 1));
                }
                scope.emit(new UpgradeEvent.StepRetrying(scope.now(), scope.planId(), step.id(), attempt,
                        Duration.ofMillis(delay), scope.redactor().describe(e)));
                scope.sleep(Duration.ofMillis(delay));
            }
        }
    }

    /** A failed attempt ends the run, not just the step, when the lease is lost, the thread interrupted or the store broken. */
    private void stopIfTheRunCannotGoOn(Exception error) {
        if (error instanceof StopRun stop) {
            throw stop;
        }
        lease.stopReason().ifPresent(this::stopFor);
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StopRun stop) {
                throw stop; // a stop wrapped by the step's own error handling
            }
            if (t instanceof UpgradeException e) {
                stopFor(e);
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new StopRun(UpgradeErrorCode.INTERRUPTED, "the run was interrupted; run again to resume");
            }
        }
    }

    /**
     * Whether the attempt ended because the run was asked to stop: a {@code STOPPED} error in its
     * cause chain (a {@code ProcessRunner} with a stop condition, or the step's own).
     */
    private static boolean endedByTheStop(Exception error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UpgradeException e && e.code() == UpgradeErrorCode.STOPPED) {
                return true;
            }
        }
        return false;
    }

    private void stopFor(UpgradeException e) {
        if (e.code() == UpgradeErrorCode.LEASE_LOST) {
            throw new StopRun(UpgradeErrorCode.LEASE_LOST, scope.redactor().redact(e.getMessage()));
        }
        if (e.code() == UpgradeErrorCode.STORE_CONTRACT_BROKEN) {
            throw e;
        }
    }

    /**
     * Saves what a step came to. A lost lease or a broken store goes up as it is; any other store
     * failure, once retried, stops the run with STORE_UNAVAILABLE, which the run reports.
     */
    private void saveAfter(UpgradeStep step, String what, Runnable save) {
        try {
            save.run();
        } catch (UpgradeException e) {
            if (e.code() == UpgradeErrorCode.LEASE_LOST || e.code() == UpgradeErrorCode.STORE_CONTRACT_BROKEN) {
                throw e;
            }
            throw new StopRun(UpgradeErrorCode.STORE_UNAVAILABLE, "the checkpoint of plan '" + scope.planId()
                    + "' could not be saved after step '" + step.id() + "' recording " + what + " ("
                    + e.code().id() + ": " + scope.redactor().redact(e.getMessage()) + "). Run again once the store"
                    + " answers: steps not recorded as done run again from their last saved cursor");
        }
    }

    private StepReport failed(UpgradeStep step, Attempted result, String message, Instant begin) {
        scope.emit(new UpgradeEvent.StepFailed(scope.now(), scope.planId(), step.id(), result.attempts(),
                result.error().getClass().getName(), message));
        return new StepReport(step.id(), step.phase(), StepOutcome.FAILED, result.attempts(), scope.since(begin),
                message);
    }

    private StepContextImpl context(UpgradeStep step, int attempt) {
        return new StepContextImpl(scope.planId(), step.id(), attempt, false, this, scope.secrets(),
                scope.settings().clock());
    }
}
