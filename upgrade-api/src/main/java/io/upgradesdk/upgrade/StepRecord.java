package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a checkpoint holds about one step.
 *
 * @param stepId     the step's id
 * @param state      its state
 * @param attempts   attempts made over all runs
 * @param cursor     the last cursor the step saved, or {@code null}
 * @param startedAt  when the latest attempt started, or {@code null}
 * @param finishedAt when it reached its state, or {@code null}
 * @param error      the last error message (secrets redacted), or {@code null}
 */
public record StepRecord(String stepId, StepState state, int attempts, String cursor, Instant startedAt,
        Instant finishedAt, String error) {

    public StepRecord {
        requireNonNull(stepId, "stepId");
        requireNonNull(state, "state");
    }

    public static StepRecord pending(String stepId) {
        return new StepRecord(stepId, StepState.PENDING, 0, null, null, null, null);
    }

    public StepRecord started(Instant at) {
        return new StepRecord(stepId, StepState.RUNNING, attempts, cursor, at, null, null);
    }

    public StepRecord attempted() {
        return new StepRecord(stepId, state, attempts + 1, cursor, startedAt, finishedAt, error);
    }

    public StepRecord withCursor(String newCursor) {
        return new StepRecord(stepId, state, attempts, newCursor, startedAt, finishedAt, error);
    }

    public StepRecord finished(StepState newState, Instant at, String newError) {
        return new StepRecord(stepId, newState, attempts, newState == StepState.SUCCEEDED ? null : cursor,
                startedAt, at, newError);
    }

    /** Back to a clean start (after compensation): the cursor is dropped. */
    public StepRecord reset(StepState newState, Instant at) {
        return new StepRecord(stepId, newState, attempts, null, startedAt, at, null);
    }
}
