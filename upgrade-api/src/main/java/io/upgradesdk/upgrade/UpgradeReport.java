package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.ReportJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The result of one runner operation: its outcome and, per step, what happened, how many
 * attempts it took and how long. Serialises to JSON with {@link #toJson()}. Never contains secrets.
 *
 * @param planId      the plan
 * @param fingerprint the plan's fingerprint
 * @param operation   what was asked
 * @param outcome     how it ended
 * @param startedAt   when it started
 * @param finishedAt  when it ended
 * @param steps       per step, in plan order (rollback: in compensation order)
 * @param errorCode   the {@link UpgradeErrorCode} id when the outcome is {@link Outcome#FAILED}
 *                    ({@code UPGRADE_STEP_FAILED}, {@code UPGRADE_LEASE_LOST}, {@code UPGRADE_INTERRUPTED} or
 *                    {@code UPGRADE_STORE_UNAVAILABLE}), else null
 * @param error       the error message (redacted) when failed, else null
 */
public record UpgradeReport(String planId, String fingerprint, Operation operation, Outcome outcome,
        Instant startedAt, Instant finishedAt, List<StepReport> steps, String errorCode, String error) {

    public UpgradeReport {
        requireNonNull(planId, "planId");
        requireNonNull(operation, "operation");
        requireNonNull(outcome, "outcome");
        steps = List.copyOf(steps);
    }

    /** How an operation ended. */
    public enum Outcome {
        /** Everything asked was done (or was already done). */
        SUCCEEDED,
        /**
         * A step failed, the lease was lost, the run was interrupted or the checkpoint could not be
         * saved; the checkpoint says where to resume.
         */
        FAILED,
        /** Stopped before the point of no return because no confirmation was given. */
        AWAITING_CONFIRMATION
    }

    /** What happened to one step in this operation. */
    public enum StepOutcome {
        SUCCEEDED, ALREADY_DONE, SKIPPED, FAILED, NOT_RUN, AWAITING_CONFIRMATION, COMPENSATED, NOT_COMPENSABLE
    }

    /**
     * One step's line in the report.
     *
     * @param stepId   the step
     * @param phase    its phase
     * @param outcome  what happened
     * @param attempts attempts made in this operation
     * @param duration time spent in this operation
     * @param error    the redacted error, or null
     */
    public record StepReport(String stepId, Phase phase, StepOutcome outcome, int attempts, Duration duration,
            String error) {
        public StepReport {
            requireNonNull(stepId, "stepId");
            requireNonNull(outcome, "outcome");
            requireNonNull(duration, "duration");
        }
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCEEDED;
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** The report line of one step, if the operation touched it. */
    public Optional<StepReport> step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst();
    }

    /**
     * Throws when the operation did not succeed: with the recorded code when it failed
     * ({@link UpgradeErrorCode#STEP_FAILED}, {@code LEASE_LOST}, {@code INTERRUPTED} or
     * {@code STORE_UNAVAILABLE}), {@link UpgradeErrorCode#CONFIRMATION_REQUIRED} when it awaits
     * a confirmation. Returns this report otherwise.
     */
    public UpgradeReport throwIfFailed() {
        if (outcome == Outcome.AWAITING_CONFIRMATION) {
            throw new UpgradeException(UpgradeErrorCode.CONFIRMATION_REQUIRED, "plan '" + planId + "' stopped before"
                    + " its point of no return because it was not confirmed; run finish again with a confirmation"
                    + " (e.g. --yes / Confirmation.givenInAdvance()) once you are sure");
        }
        if (outcome == Outcome.FAILED) {
            ErrorCode code = Arrays.stream(UpgradeErrorCode.values()).filter(c -> c.id().equals(errorCode)).findFirst()
                    .orElse(UpgradeErrorCode.STEP_FAILED);
            throw new UpgradeException(code, error);
        }
        return this;
    }

    /** The report as JSON (durations in milliseconds, times in ISO-8601). */
    public String toJson() {
        return ReportJson.write(this);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(operation + " of plan '" + planId + "': " + outcome);
        if (error != null) {
            text.append(" (").append(error).append(')');
        }
        for (StepReport step : steps) {
            text.append(System.lineSeparator()).append("  ").append(step.stepId()).append(": ").append(step.outcome());
            if (step.attempts() > 0) {
                text.append(", ").append(step.attempts()).append(step.attempts() == 1 ? " attempt, " : " attempts, ")
                        .append(step.duration().toMillis()).append(" ms");
            }
            if (step.error() != null) {
                text.append(" - ").append(step.error());
            }
        }
        return text.toString();
    }
}
