package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.internal.SequenceJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of running an {@link UpgradeSequence}: its outcome and, per plan in sequence order,
 * what happened and the plan's own {@link UpgradeReport} when it ran. Serialises to JSON with
 * {@link #toJson()}. Never contains secrets.
 *
 * @param sequenceId the sequence
 * @param outcome    how it ended: that of the plan that stopped it, or {@code SUCCEEDED}
 * @param startedAt  when it started
 * @param finishedAt when it ended
 * @param plans      one line per plan of the sequence, in order
 */
public record SequenceReport(String sequenceId, Outcome outcome, Instant startedAt, Instant finishedAt,
        List<PlanReport> plans) {

    public SequenceReport {
        requireNonNull(sequenceId, "sequenceId");
        requireNonNull(outcome, "outcome");
        plans = List.copyOf(plans);
    }

    /** What happened to one plan in this run. */
    public enum PlanOutcome {
        /** Applied by an earlier run: not run again. */
        ALREADY_APPLIED,
        /** Run to completion (or found complete) by this run, and recorded as applied. */
        APPLIED,
        /** Failed: the sequence stopped here; the next run resumes this plan from its checkpoint. */
        FAILED,
        /** Stopped before its point of no return for want of a confirmation; the sequence stopped here. */
        AWAITING_CONFIRMATION,
        /** Not reached: an earlier plan stopped the sequence. */
        NOT_RUN
    }

    /**
     * One plan's line.
     *
     * @param planId  the plan's id in the sequence
     * @param outcome what happened
     * @param report  the plan's own report, when it ran in this run
     */
    public record PlanReport(String planId, PlanOutcome outcome, Optional<UpgradeReport> report) {
        public PlanReport {
            requireNonNull(planId, "planId");
            requireNonNull(outcome, "outcome");
            requireNonNull(report, "report");
        }
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCEEDED;
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** The line of one plan; fails with {@link UpgradeErrorCode#UNKNOWN_STEP} when the sequence has none. */
    public PlanReport plan(String planId) {
        return plans.stream().filter(p -> p.planId().equals(planId)).findFirst()
                .orElseThrow(() -> new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP, "sequence '" + sequenceId
                        + "' has no plan '" + planId + "'"));
    }

    /** The plans this run applied, in order. */
    public List<String> appliedPlans() {
        return planIds(PlanOutcome.APPLIED);
    }

    /** The plans found applied by earlier runs, in order. */
    public List<String> alreadyAppliedPlans() {
        return planIds(PlanOutcome.ALREADY_APPLIED);
    }

    /** The plan that stopped the sequence (failed or awaiting confirmation), if one did. */
    public Optional<PlanReport> stoppedAt() {
        return plans.stream().filter(p -> p.outcome() == PlanOutcome.FAILED
                || p.outcome() == PlanOutcome.AWAITING_CONFIRMATION).findFirst();
    }

    /**
     * Throws when the sequence did not complete: the exception of the plan that stopped it (see
     * {@link UpgradeReport#throwIfFailed()}). Returns this report otherwise.
     */
    public SequenceReport throwIfFailed() {
        stoppedAt().flatMap(PlanReport::report).ifPresent(UpgradeReport::throwIfFailed);
        return this;
    }

    /** The report as JSON: the sequence's fields and, per plan, its outcome and its plan report. */
    public String toJson() {
        return SequenceJson.write(this);
    }

    private List<String> planIds(PlanOutcome wanted) {
        return plans.stream().filter(p -> p.outcome() == wanted).map(PlanReport::planId).toList();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("run of sequence '" + sequenceId + "': " + outcome);
        for (PlanReport plan : plans) {
            text.append(System.lineSeparator()).append("  plan ").append(plan.planId()).append(": ")
                    .append(plan.outcome());
            plan.report().ifPresent(r -> text.append(System.lineSeparator())
                    .append(r.toString().indent(4).stripTrailing()));
        }
        return text.toString();
    }
}
