package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.util.List;
import java.util.Optional;

/** Builds an {@link UpgradeStep} from lambdas; see {@link UpgradeStep#builder(String)}. */
public final class StepBuilder {

    private final String id;
    private String description;
    private Phase phase = Phase.UP;
    private int version = 1;
    private StepAction action;
    private DryRun dryRun;
    private Compensation compensation;
    private boolean pointOfNoReturn;
    private RetryPolicy retryPolicy;

    StepBuilder(String id) {
        this.id = Check.stepId(id);
    }

    public StepBuilder description(String description) {
        this.description = requireNonNull(description, "description");
        return this;
    }

    public StepBuilder phase(Phase phase) {
        this.phase = requireNonNull(phase, "phase");
        return this;
    }

    public StepBuilder version(int version) {
        Check.argument(version >= 1, "step version must be at least 1, was %s", version);
        this.version = version;
        return this;
    }

    public StepBuilder execute(StepAction action) {
        this.action = requireNonNull(action, "action");
        return this;
    }

    public StepBuilder dryRun(DryRun dryRun) {
        this.dryRun = requireNonNull(dryRun, "dryRun");
        return this;
    }

    public StepBuilder compensation(Compensation compensation) {
        this.compensation = requireNonNull(compensation, "compensation");
        return this;
    }

    /** Marks this step as the point of no return: it runs only after an explicit confirmation. */
    public StepBuilder pointOfNoReturn() {
        this.pointOfNoReturn = true;
        return this;
    }

    public StepBuilder retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /** Builds the step; fails with {@link UpgradeErrorCode#INVALID_PLAN} when incomplete. */
    public UpgradeStep build() {
        Check.plan(action != null, "step '%s' has no action: call execute(ctx -> ...) before build()", id);
        Check.plan(compensation == null || phase == Phase.UP,
                "step '%s' is a FINISH step with a compensation: only UP steps can be compensated; remove it", id);
        return new BuiltStep(id, description == null ? id : description, phase, version, action, dryRun,
                compensation, pointOfNoReturn, retryPolicy);
    }

    private record BuiltStep(String id, String description, Phase phase, int version, StepAction action,
            DryRun dryRunAction, Compensation compensationAction, boolean pointOfNoReturn, RetryPolicy policy)
            implements UpgradeStep {

        @Override
        public void execute(StepContext context) throws Exception {
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
            return "UpgradeStep[" + id + ", " + phase + (pointOfNoReturn ? ", point of no return" : "") + "]";
        }
    }
}
