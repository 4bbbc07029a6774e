package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.util.List;

/**
 * Builds a {@link PartitionedStep} from lambdas; see {@link UpgradeStep#partitioned(String)}. A
 * compensation undoes the whole step on rollback; the partitions' records are reset after it.
 */
public final class PartitionedStepBuilder extends CommonStepBuilder<PartitionedStepBuilder> {

    private PartitionSource source;
    private PartitionAction action;
    private int workers;

    PartitionedStepBuilder(String id) {
        super(id);
    }

    @Override
    PartitionedStepBuilder self() {
        return this;
    }

    /** Where the partition ids come from; computed once, when the step first starts. Required. */
    public PartitionedStepBuilder partitions(PartitionSource source) {
        this.source = requireNonNull(source, "source");
        return this;
    }

    /** What a worker does with one partition. Required. */
    public PartitionedStepBuilder execute(PartitionAction action) {
        this.action = requireNonNull(action, "action");
        return this;
    }

    /** Worker threads in the running runner; 0 (the default) sizes them from partitions and processors. */
    public PartitionedStepBuilder workers(int workers) {
        Check.argument(workers >= 0 && workers <= 256, "workers must be between 0 (automatic) and 256, was %s",
                workers);
        this.workers = workers;
        return this;
    }

    /** Builds the step; fails with {@link UpgradeErrorCode#INVALID_PLAN} when incomplete. */
    public PartitionedStep build() {
        Check.plan(source != null, "partitioned step '%s' has no partitions: call partitions(ctx -> ...) before"
                + " build()", id);
        Check.plan(action != null, "partitioned step '%s' has no action: call execute(part -> ...) before build()", id);
        return new BuiltPartitionedStep(options(), source, action, workers);
    }

    private record BuiltPartitionedStep(Options options, PartitionSource source, PartitionAction action, int workers)
            implements PartitionedStep, Built {

        @Override
        public List<String> partitionIds(StepContext context) throws Exception {
            return source.partitionIds(context);
        }

        @Override
        public void executePartition(PartitionContext context) throws Exception {
            action.execute(context);
        }

        @Override
        public String toString() {
            return describe("PartitionedStep");
        }
    }
}
