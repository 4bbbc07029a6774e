package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.util.List;
import java.util.Optional;

/** Builds an {@link UpgradeStep} from lambdas; see {@link UpgradeStep#builder(String)}. */
public final class StepBuilder extends CommonStepBuilder<StepBuilder> {

    private StepAction action;

    StepBuilder(String id) {
        super(id);
    }

    @Override
    StepBuilder self() {
        return this;
    }

    public StepBuilder execute(StepAction action) {
        this.action = requireNonNull(action, "action");
        return this;
    }

    /** Builds the step; fails with {@link UpgradeErrorCode#INVALID_PLAN} when incomplete. */
    public UpgradeStep build() {
        Check.plan(action != null, "step '%s' has no action: call execute(ctx -> ...) before build()", id);
        checkOptions();
        return new BuiltStep(id, descriptionOrId(), phase, version, action, dryRun,
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
