package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;

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

    /** Refuses option combinations no step may have. */
    void checkOptions() {
        Check.plan(compensation == null || phase == Phase.UP,
                "step '%s' is a FINISH step with a compensation: only UP steps can be compensated; remove it", id);
    }

    String descriptionOrId() {
        return description == null ? id : description;
    }
}
