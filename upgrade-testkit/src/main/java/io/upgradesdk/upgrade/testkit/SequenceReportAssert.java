package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceReport.PlanOutcome;
import io.upgradesdk.upgrade.SequenceReport.PlanReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * Assertions on a {@link SequenceReport}; failure messages quote the whole report.
 *
 * <pre>{@code
 * assertThat(t.run(sequence)).succeeded().appliedPlans("a", "b").alreadyAppliedPlans();
 * assertThat(t.run(sequence)).awaitsConfirmation().stoppedAt("b").plan("b").step("switch").awaitsConfirmation();
 * }</pre>
 */
public final class SequenceReportAssert extends AbstractObjectAssert<SequenceReportAssert, SequenceReport> {

    SequenceReportAssert(SequenceReport actual) {
        super(actual, SequenceReportAssert.class);
    }

    public SequenceReportAssert hasOutcome(Outcome outcome) {
        isNotNull();
        if (actual.outcome() != outcome) {
            failWithMessage("expected outcome %s but the report says:%n%s", outcome, actual);
        }
        return this;
    }

    public SequenceReportAssert succeeded() {
        return hasOutcome(Outcome.SUCCEEDED);
    }

    public SequenceReportAssert failed() {
        return hasOutcome(Outcome.FAILED);
    }

    /** A plan stopped the sequence before its point of no return for want of a confirmation. */
    public SequenceReportAssert awaitsConfirmation() {
        return hasOutcome(Outcome.AWAITING_CONFIRMATION);
    }

    /** Exactly these plans were applied by this run, in this order. */
    public SequenceReportAssert appliedPlans(String... planIds) {
        return hasPlans("applied by this run", actual.appliedPlans(), planIds);
    }

    /** Exactly these plans were found applied by earlier runs and not run again. */
    public SequenceReportAssert alreadyAppliedPlans(String... planIds) {
        return hasPlans("already applied", actual.alreadyAppliedPlans(), planIds);
    }

    /** Exactly these plans were not reached because an earlier one stopped the sequence. */
    public SequenceReportAssert notRunPlans(String... planIds) {
        List<String> notRun = actual.plans().stream().filter(p -> p.outcome() == PlanOutcome.NOT_RUN)
                .map(PlanReport::planId).toList();
        return hasPlans("not run", notRun, planIds);
    }

    /** The sequence stopped at this plan (it failed or awaits a confirmation). */
    public SequenceReportAssert stoppedAt(String planId) {
        isNotNull();
        String stopped = actual.stoppedAt().map(PlanReport::planId).orElse(null);
        if (!planId.equals(stopped)) {
            failWithMessage("expected the sequence to stop at plan '%s' but it stopped at %s:%n%s", planId,
                    stopped == null ? "no plan" : "'" + stopped + "'", actual);
        }
        return this;
    }

    /** Assertions on the report of a plan this run ran; fails when the plan did not run. */
    public UpgradeReportAssert plan(String planId) {
        isNotNull();
        PlanReport plan = actual.plans().stream().filter(p -> p.planId().equals(planId)).findFirst().orElse(null);
        if (plan == null || plan.report().isEmpty()) {
            failWithMessage("plan '%s' did not run in this sequence run:%n%s", planId, actual);
        }
        return new UpgradeReportAssert(plan.report().orElseThrow());
    }

    private SequenceReportAssert hasPlans(String what, List<String> seen, String... expected) {
        isNotNull();
        if (!seen.equals(Arrays.asList(expected))) {
            failWithMessage("expected plans %s %s but got %s in:%n%s", what, Arrays.asList(expected), seen, actual);
        }
        return this;
    }
}
