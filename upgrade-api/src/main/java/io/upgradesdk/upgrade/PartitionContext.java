package io.upgradesdk.upgrade;

/**
 * The context of one partition's attempt: a {@link StepContext} whose cursor is the partition's
 * own. {@link #cursor()} and {@link #saveCursor(String)} (and their typed forms) read and write the
 * partition's cursor, fenced by the worker's claim: a worker whose claim was taken over gets
 * {@link UpgradeErrorCode#LEASE_LOST} and stops. {@link #progress} reports the partition's progress;
 * the runner sums the partitions into the step's: the items done by the partitions worked in this
 * run, and their totals once every partition of the step has reported one (the total is unknown
 * before, and in a run that resumes with partitions already done or that joined another).
 */
public interface PartitionContext extends StepContext {

    /** The id of the partition being worked. */
    String partitionId();
}
