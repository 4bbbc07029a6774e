package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a sequence stands according to its store: per plan, whether it was applied, is in
 * progress or pending, with the plan's own {@link PlanStatus} (its step states and lease).
 *
 * @param sequenceId the sequence
 * @param plans      one line per plan of the sequence, in order
 * @param problems   what a run would refuse ({@link UpgradeErrorCode#SEQUENCE_OUT_OF_ORDER}), with the fix
 */
public record SequenceStatus(String sequenceId, List<PlanProgress> plans, List<String> problems) {

    public SequenceStatus {
        requireNonNull(sequenceId, "sequenceId");
        plans = List.copyOf(plans);
        problems = List.copyOf(problems);
    }

    /** Where one plan of the sequence stands. */
    public enum State {
        /** Recorded as applied by the sequence: never run again. */
        APPLIED,
        /** Started (a step attempted or done, or its lease held) and not recorded as applied. */
        IN_PROGRESS,
        /** Not started. */
        PENDING
    }

    /**
     * One plan's line.
     *
     * @param planId    the plan's id in the sequence
     * @param state     applied, in progress or pending
     * @param appliedAt when the sequence recorded it applied, if it did
     * @param status    the plan's own status: step records, lease, audit trail
     */
    public record PlanProgress(String planId, State state, Optional<Instant> appliedAt, PlanStatus status) {
        public PlanProgress {
            requireNonNull(planId, "planId");
            requireNonNull(state, "state");
            requireNonNull(appliedAt, "appliedAt");
            requireNonNull(status, "status");
        }
    }

    /** The line of one plan; fails with {@link UpgradeErrorCode#UNKNOWN_STEP} when the sequence has none. */
    public PlanProgress plan(String planId) {
        return plans.stream().filter(p -> p.planId().equals(planId)).findFirst()
                .orElseThrow(() -> new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP, "sequence '" + sequenceId
                        + "' has no plan '" + planId + "'"));
    }

    /** True when every plan is applied. */
    public boolean isComplete() {
        return plans.stream().allMatch(p -> p.state() == State.APPLIED);
    }

    /** The plans in the given state, in order. */
    public List<String> plansIn(State state) {
        return plans.stream().filter(p -> p.state() == state).map(PlanProgress::planId).toList();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Status of sequence '" + sequenceId + "':");
        for (PlanProgress plan : plans) {
            text.append(System.lineSeparator()).append(String.format("  %-11s plan %s", plan.state(), plan.planId()));
            plan.appliedAt().ifPresent(at -> text.append(" (applied ").append(at).append(')'));
            if (plan.state() != State.PENDING) {
                text.append(System.lineSeparator()).append(plan.status().toString().indent(4).stripTrailing());
            }
        }
        for (String problem : problems) {
            text.append(System.lineSeparator()).append("  PROBLEM: ").append(problem);
        }
        return text.toString();
    }
}
