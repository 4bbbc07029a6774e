package io.upgradesdk.upgrade;

import java.util.List;

/**
 * A step split into partitions that several workers claim: threads of the running
 * {@link UpgradeRunner}, and other processes or hosts that {@link UpgradeRunner#join join} the run
 * through the same shared store. Each partition has its own cursor, state and fenced claim (see
 * {@link PartitionClaims}); the step succeeds when every partition is {@link PartitionState#DONE}
 * (or skipped by an operator). Build one with {@link UpgradeStep#partitioned(String)}:
 *
 * <pre>{@code
 * UpgradeStep copy = UpgradeStep.partitioned("copy-users")
 *     .partitions(ctx -> List.of("slice-0", "slice-1", "slice-2", "slice-3"))
 *     .execute(part -> copier.copySlice(part.partitionId(), part.cursor().orElse(null), part::saveCursor))
 *     .workers(4)
 *     .build();
 * }</pre>
 *
 * <p>The runner calls {@link #partitionIds} and {@link #executePartition}, never
 * {@link #execute(StepContext)}.
 */
public interface PartitionedStep extends UpgradeStep {

    /** The partition ids, computed once when the step first starts (see {@link PartitionSource}). */
    List<String> partitionIds(StepContext context) throws Exception;

    /** Works one partition from its cursor (see {@link PartitionAction}). */
    void executePartition(PartitionContext context) throws Exception;

    /**
     * How many worker threads the running runner uses for this step; 0 (the default) sizes them from
     * the partition count and the available processors (at most {@value #MAX_DEFAULT_WORKERS}).
     */
    default int workers() {
        return 0;
    }

    /** The most worker threads a runner starts for a step that does not say how many. */
    int MAX_DEFAULT_WORKERS = 8;

    /** Not called: the runner works the partitions. Fails when a caller runs the step by hand. */
    @Override
    default void execute(StepContext context) {
        throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, "step '" + id() + "' is partitioned: run it with"
                + " UpgradeRunner, which works its partitions, not by calling execute()");
    }
}
