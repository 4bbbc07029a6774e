package io.upgradesdk.upgrade;

/** The recorded state of one step in a checkpoint. */
public enum StepState {
    /** Never started, or reset by a rollback (a step without compensation) and ready to run again. */
    PENDING,
    /** Started and not finished: the run was interrupted or is still going. */
    RUNNING,
    /** Finished successfully. */
    SUCCEEDED,
    /** Failed permanently or ran out of attempts; the next run retries it. */
    FAILED,
    /** Marked skipped by an operator: it will not run. */
    SKIPPED,
    /** Undone by rollback. */
    COMPENSATED;

    /** True when a run must not execute the step again. */
    public boolean isDone() {
        return this == SUCCEEDED || this == SKIPPED;
    }
}
