package io.upgradesdk.upgrade;

import java.time.Duration;
import java.time.Instant;

/**
 * Everything observable about a run, as immutable typed events. Texts in events never contain
 * secrets: the runner redacts them before publishing.
 *
 * <pre>{@code
 * listener(event -> {
 *     if (event instanceof UpgradeEvent.StepProgress p) bar.update(p.done(), p.total());
 * })
 * }</pre>
 */
public sealed interface UpgradeEvent {

    /** When the event happened (runner clock). */
    Instant time();

    /** The plan concerned. */
    String planId();

    /** A run started: the lease is held and the checkpoint loaded. */
    record PlanStarted(Instant time, String planId, Operation operation, long leaseToken) implements UpgradeEvent {
    }

    /** A run ended, whatever the outcome. */
    record PlanFinished(Instant time, String planId, Operation operation, UpgradeReport.Outcome outcome,
            Duration duration) implements UpgradeEvent {
    }

    /** A step attempt started; {@code resumeCursor} is the cursor it resumes from, or null. */
    record StepStarted(Instant time, String planId, String stepId, Phase phase, int attempt, String resumeCursor)
            implements UpgradeEvent {
    }

    /** A step reported progress; {@code total} is negative when unknown. */
    record StepProgress(Instant time, String planId, String stepId, long done, long total, String message)
            implements UpgradeEvent {
    }

    /** A step failed with a transient error and will be retried after {@code delay}. */
    record StepRetrying(Instant time, String planId, String stepId, int failedAttempt, Duration delay, String error)
            implements UpgradeEvent {
    }

    /** A step finished successfully. */
    record StepSucceeded(Instant time, String planId, String stepId, int attempts, Duration duration)
            implements UpgradeEvent {
    }

    /** A step failed permanently or ran out of attempts; the run stops. */
    record StepFailed(Instant time, String planId, String stepId, int attempts, String errorType, String error)
            implements UpgradeEvent {
    }

    /** A step was not run: already done, marked skipped, or not compensable. */
    record StepSkipped(Instant time, String planId, String stepId, String reason) implements UpgradeEvent {
    }

    /** A step's compensation ran during rollback. */
    record StepCompensated(Instant time, String planId, String stepId) implements UpgradeEvent {
    }

    /** The point of no return was reached and the confirmation asked. */
    record ConfirmationRequested(Instant time, String planId, String stepId, String question) implements UpgradeEvent {
    }

    /** The confirmation answered. */
    record ConfirmationAnswered(Instant time, String planId, String stepId, boolean confirmed) implements UpgradeEvent {
    }
}
