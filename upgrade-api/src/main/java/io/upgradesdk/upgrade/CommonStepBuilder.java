package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.util.List;
import java.util.Optional;

/**
 * The options every step builder shares (description, phase, version, dry run, compensation, point
 * of no return, retry policy); {@link StepBuilder} and {@link PartitionedStepBuilder} add what
 * their steps do.
 *
 * @param <B> the public builder, returned by every option so calls chain
 */
abstract class CommonStepBuilder<B extends CommonStepBuilder<B>> {

    final String id;
    String description;
    Phase phase = Phase.UP;
    int version = 1;
    DryRun dryRun;
    Compensation compensation;
    boolean pointOfNoReturn;
    RetryPolicy retryPolicy;

    CommonStepBuilder(String id) {
        this.id = Check.stepId(id);
    }

    abstract B self();

    /** What the step does, for previews and reports (default: its id). */
    public B description(String description) {
        this.description = requireNonNull(description, "description");
        return self();
    }

    /** The phase the step runs in (default {@link Phase#UP}). */
    public B phase(Phase phase) {
        this.phase = requireNonNull(phase, "phase");
        return self();
    }

    /** The step's version: raise it when its behaviour changes (default 1). */
    public B version(int version) {
        Check.argument(version >= 1, "step version must be at least 1, was %s", version);
        this.version = version;
        return self();
    }

    /** What the step would do, for a preview. */
    public B dryRun(DryRun dryRun) {
        this.dryRun = requireNonNull(dryRun, "dryRun");
        return self();
    }

    /** Undoes the step on rollback (UP steps only). */
    public B compensation(Compensation compensation) {
        this.compensation = requireNonNull(compensation, "compensation");
        return self();
    }

    /** Marks this step as the point of no return: it runs only after an explicit confirmation. */
    public B pointOfNoReturn() {
        this.pointOfNoReturn = true;
        return self();
    }

    /** The retry policy of the step's attempts, instead of the runner's default. */
    public B retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
        return self();
    }

    /**
     * The options as set, for the built step; refuses combinations no step may have.
     *
     * @throws UpgradeException {@code INVALID_PLAN} for a compensated FINISH step
     */
    Options options() {
        Check.plan(compensation == null || phase == Phase.UP,
                "step '%s' is a FINISH step with a compensation: only UP steps can be compensated; remove it", id);
        return new Options(id, description == null ? id : description, phase, version, dryRun, compensation,
                pointOfNoReturn, retryPolicy);
    }

    /** The shared options of a built step; the nullable ones are absent when not set. */
    record Options(String id, String description, Phase phase, int version, DryRun dryRun, Compensation compensation,
            boolean pointOfNoReturn, RetryPolicy retryPolicy) {
    }

    /** A built step: every {@link UpgradeStep} method but what it does comes from its {@link Options}. */
    interface Built extends UpgradeStep {

        Options options();

        @Override
        default String id() {
            return options().id();
        }

        @Override
        default String description() {
            return options().description();
        }

        @Override
        default Phase phase() {
            return options().phase();
        }

        @Override
        default int version() {
            return options().version();
        }

        @Override
        default List<PlannedAction> dryRun(StepContext context) throws Exception {
            DryRun dryRun = options().dryRun();
            return dryRun == null ? List.of() : dryRun.describe(context);
        }

        @Override
        default Optional<Compensation> compensation() {
            return Optional.ofNullable(options().compensation());
        }

        @Override
        default boolean isPointOfNoReturn() {
            return options().pointOfNoReturn();
        }

        @Override
        default Optional<RetryPolicy> retryPolicy() {
            return Optional.ofNullable(options().retryPolicy());
        }

        /** {@code <kind>[<id>, <phase>(, point of no return)]}. */
        default String describe(String kind) {
            return kind + "[" + id() + ", " + phase() + (isPointOfNoReturn() ? ", point of no return" : "") + "]";
        }
    }
}
