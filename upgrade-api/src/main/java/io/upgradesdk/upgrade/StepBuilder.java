package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;

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
        return new BuiltStep(options(), action);
    }

    private record BuiltStep(Options options, StepAction action) implements Built {

        @Override
        public void execute(StepContext context) throws Exception {
            action.execute(context);
        }

        @Override
        public String toString() {
            return describe("UpgradeStep");
        }
    }
}
