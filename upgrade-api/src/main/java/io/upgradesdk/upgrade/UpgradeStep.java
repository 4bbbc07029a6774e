package io.upgradesdk.upgrade;

import java.util.List;
import java.util.Optional;

/**
 * A unit of upgrade work. Steps are idempotent: running one again after a crash, from its last
 * saved cursor, must leave the same result as running it once.
 *
 * <p>Implement this interface for steps with state of their own, or build simple ones with
 * {@link #builder(String)}:
 *
 * <pre>{@code
 * UpgradeStep copy = UpgradeStep.builder("copy-users")
 *     .description("Copy users to the new index")
 *     .execute(ctx -> copier.copyFrom(ctx.cursor().orElse(null), ctx::saveCursor))
 *     .dryRun(ctx -> List.of(PlannedAction.of("copy", "users")))
 *     .build();
 * }</pre>
 */
public interface UpgradeStep {

    /** Stable id, unique within a plan: it keys the step's state in checkpoints. */
    String id();

    /** One line saying what the step does, for previews, events and reports. */
    String description();

    /** The phase the step belongs to; {@link Phase#UP} unless overridden. */
    default Phase phase() {
        return Phase.UP;
    }

    /**
     * Version of the step's logic, part of the plan fingerprint. Bump it when the step's effect
     * changes, so that a checkpoint written by the old logic is detected.
     */
    default int version() {
        return 1;
    }

    /** Does the work. Exceptions are classified by the runner's retry policy. */
    void execute(StepContext context) throws Exception;

    /** What the step would do, without side effects. Empty when the step has nothing to add. */
    default List<PlannedAction> dryRun(StepContext context) throws Exception {
        return List.of();
    }

    /** How to undo the step (UP steps only), used by {@code rollback}. */
    default Optional<Compensation> compensation() {
        return Optional.empty();
    }

    /** True for the single step after which the upgrade cannot be rolled back. */
    default boolean isPointOfNoReturn() {
        return false;
    }

    /** A retry policy for this step instead of the runner's default. */
    default Optional<RetryPolicy> retryPolicy() {
        return Optional.empty();
    }

    /** Starts a builder for a step with the given id. */
    static StepBuilder builder(String id) {
        return new StepBuilder(id);
    }

    /**
     * Starts a builder for a step split into partitions that several workers claim; see
     * {@link PartitionedStep}.
     */
    static PartitionedStepBuilder partitioned(String id) {
        return new PartitionedStepBuilder(id);
    }
}
