package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans for successive versions, applied in order, as versioned migrations are: each plan runs
 * once, with its own phases, point of no return and checkpoint (under its id, in the runner's
 * store), and the store keeps a record of the plans the sequence applied.
 *
 * <pre>{@code
 * UpgradeSequence sequence = UpgradeSequence.builder("search-cluster")
 *     .plan("7.17-to-8.19", rollingTo819)
 *     .plan("8.19-to-9.2", rollingTo92)
 *     .build();
 * runner.preview(sequence);               // what would run; changes nothing
 * runner.run(sequence).throwIfFailed();   // the pending plans, in order, both phases each
 * runner.status(sequence);                // every plan: applied, in progress or pending
 * }</pre>
 *
 * <p>Rules: a plan id is the key of the plan's checkpoint and lease, so keep it stable once the
 * sequence has run; add new plans at the end only (a plan inserted before an applied one is
 * refused with {@link UpgradeErrorCode#SEQUENCE_OUT_OF_ORDER}); an applied plan is never run again.
 */
public final class UpgradeSequence {

    /** The prefix of the id under which a sequence's record is stored, before the sequence id. */
    public static final String RECORD_PREFIX = "sequence:";

    private final String id;
    private final List<UpgradePlan> plans;

    private UpgradeSequence(String id, List<UpgradePlan> plans) {
        this.id = id;
        this.plans = List.copyOf(plans);
    }

    /** Starts a sequence with the given id (its record's key in a store, with {@link #RECORD_PREFIX}). */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    public String id() {
        return id;
    }

    /** The plans in the order they are applied, each under its id in this sequence. */
    public List<UpgradePlan> plans() {
        return plans;
    }

    public List<String> planIds() {
        return plans.stream().map(UpgradePlan::id).toList();
    }

    /** The plan with this id; fails with {@link UpgradeErrorCode#UNKNOWN_STEP} when none. */
    public UpgradePlan plan(String planId) {
        return plans.stream().filter(p -> p.id().equals(planId)).findFirst()
                .orElseThrow(() -> new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP, "sequence '" + id
                        + "' has no plan '" + planId + "'; its plans are " + planIds()));
    }

    /** The id under which the store keeps the record of applied plans: {@code sequence:<id>}. */
    public String recordId() {
        return RECORD_PREFIX + id;
    }

    @Override
    public String toString() {
        return "UpgradeSequence[" + id + ", plans " + planIds() + "]";
    }

    /** Validating builder for {@link UpgradeSequence}; errors name the offending plan. */
    public static final class Builder {

        private final String id;
        private final Map<String, UpgradePlan> plans = new LinkedHashMap<>();

        private Builder(String id) {
            this.id = Check.planId(id);
            Check.plan(id.length() + RECORD_PREFIX.length() <= 200, "sequence id '%s' is too long: keep it to %s"
                    + " characters", id, 200 - RECORD_PREFIX.length());
        }

        /** Appends the plan under its own id. */
        public Builder plan(UpgradePlan plan) {
            requireNonNull(plan, "plan");
            return plan(plan.id(), plan);
        }

        /**
         * Appends the plan under {@code planId} (e.g. {@code "7.17-to-8.19"}): its checkpoint and
         * lease are kept under that id, whatever id the plan was built with. Pass {@code plan.id()}
         * to keep a checkpoint the plan already has.
         */
        public Builder plan(String planId, UpgradePlan plan) {
            requireNonNull(plan, "plan");
            Check.planId(planId);
            Check.plan(!planId.startsWith(RECORD_PREFIX), "plan id '%s' starts with '%s', which is kept for"
                    + " sequence records: choose another id", planId, RECORD_PREFIX);
            Check.plan(!plans.containsKey(planId), "sequence '%s' has two plans with the id '%s': plan ids must be"
                    + " unique (name each version step, e.g. '7.17-to-8.19')", id, planId);
            plans.put(planId, planId.equals(plan.id()) ? plan : renamed(planId, plan));
            return this;
        }

        /** Fails with {@link UpgradeErrorCode#INVALID_PLAN} when the sequence has no plan. */
        public UpgradeSequence build() {
            Check.plan(!plans.isEmpty(), "sequence '%s' has no plans: add at least one with plan(...)", id);
            return new UpgradeSequence(id, new ArrayList<>(plans.values()));
        }

        private static UpgradePlan renamed(String planId, UpgradePlan plan) {
            UpgradePlan.Builder copy = UpgradePlan.builder(planId).steps(plan.steps());
            plan.secrets().forEach(copy::secret);
            return copy.build();
        }
    }
}
