package io.upgradesdk.upgrade;

/** The recorded state of one partition of a {@link PartitionedStep}. */
public enum PartitionState {
    /** Never claimed, or reset: the next worker that looks claims it. */
    PENDING,
    /** Claimed by a worker; taken over by another once the claim's lease has expired. */
    RUNNING,
    /** Worked to the end. */
    DONE,
    /** Failed permanently or ran out of attempts; the step's next run works it again from its cursor. */
    FAILED,
    /** Marked skipped by an operator: no worker claims it. */
    SKIPPED;

    /** True when no worker must work the partition again. */
    public boolean isDone() {
        return this == DONE || this == SKIPPED;
    }
}
