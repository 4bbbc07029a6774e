package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.util.List;
import java.util.Optional;

/** Builds a {@link PartitionedStep} from lambdas; see {@link UpgradeStep#partitioned(String)}. */
public final class PartitionedStepBuilder {

    private final String id;
    private String description;
    private Phase phase = Phase.UP;
    private int version = 1;
    private PartitionSource source;
    private PartitionAction action;
    private int workers;
    private DryRun dryRun;
    private Compensation compensation;
    private boolean pointOfNoReturn;
    private RetryPolicy retryPolicy;

    PartitionedStepBuilder(String id) {
        this.id = Check.stepId(id);
    }

    public PartitionedStepBuilder description(String description) {
        this.description = requireNonNull(description, "description");
        return this;
    }

    public PartitionedStepBuilder phase(Phase phase) {
        this.phase = requireNonNull(phase, "phase");
        return this;
    }

    public PartitionedStepBuilder version(int version) {
        Check.argument(version >= 1, "step version must be at least 1, was %s", version);
        this.version = version;
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

    public PartitionedStepBuilder dryRun(DryRun dryRun) {
        this.dryRun = requireNonNull(dryRun, "dryRun");
        return this;
    }

    /** Undoes the whole step on rollback; the partitions' records are reset after it. */
    public PartitionedStepBuilder compensation(Compensation compensation) {
        this.compensation = requireNonNull(compensation, "compensation");
        return this;
    }

    /** Marks this step as the point of no return: it runs only after an explicit confirmation. */
    public PartitionedStepBuilder pointOfNoReturn() {
        this.pointOfNoReturn = true;
        return this;
    }

    /** The retry policy of each partition's attempts, instead of the runner's default. */
    public PartitionedStepBuilder retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /** Builds the step; fails with {@link UpgradeErrorCode#INVALID_PLAN} when incomplete. */
    public PartitionedStep build() {
        Check.plan(source != null, "partitioned step '%s' has no partitions: call partitions(ctx -> ...) before"
                + " build()", id);
        Check.plan(action != null, "partitioned step '%s' has no action: call execute(part -> ...) before build()", id);
        Check.plan(compensation == null || phase == Phase.UP,
                "step '%s' is a FINISH step with a compensation: only UP steps can be compensated; remove it", id);
        return new BuiltPartitionedStep(id, description == null ? id : description, phase, version, source, action,
                workers, dryRun, compensation, pointOfNoReturn, retryPolicy);
    }

    private record BuiltPartitionedStep(String id, String description, Phase phase, int version,
            PartitionSource source, PartitionAction action, int workers, DryRun dryRunAction,
            Compensation compensationAction, boolean pointOfNoReturn, RetryPolicy policy) implements PartitionedStep {

        @Override
        public List<String> partitionIds(StepContext context) throws Exception {
            return source.partitionIds(context);
        }

        @Override
        public void executePartition(PartitionContext context) throws Exception {
            action.execute(context);
        }

        @Override
        public List<PlannedAction> dryRun(StepContext context) throws Exception {
            return dryRunAction == null ? List.of() : dryRunAction.describe(context);
        }

        @Override
        public Optional<Compensation> compensation() {
            return Optional.ofNullable(compensationAction);
        }

        @Override
        public boolean isPointOfNoReturn() {
            return pointOfNoReturn;
        }

        @Override
        public Optional<RetryPolicy> retryPolicy() {
            return Optional.ofNullable(policy);
        }

        @Override
        public String toString() {
            return "PartitionedStep[" + id + ", " + phase + (pointOfNoReturn ? ", point of no return" : "") + "]";
        }
    }
}
