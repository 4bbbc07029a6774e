package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.ErrorCode;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractObjectAssert;

/** Assertions on an {@link UpgradeReport}; failure messages quote the whole report. */
public final class UpgradeReportAssert extends AbstractObjectAssert<UpgradeReportAssert, UpgradeReport> {

    UpgradeReportAssert(UpgradeReport actual) {
        super(actual, UpgradeReportAssert.class);
    }

    public UpgradeReportAssert hasOutcome(Outcome outcome) {
        isNotNull();
        if (actual.outcome() != outcome) {
            failWithMessage("expected outcome %s but the report says:%n%s", outcome, actual);
        }
        return this;
    }

    public UpgradeReportAssert succeeded() {
        return hasOutcome(Outcome.SUCCEEDED);
    }

    public UpgradeReportAssert failed() {
        return hasOutcome(Outcome.FAILED);
    }

    /** Stopped before the point of no return for want of a confirmation. */
    public UpgradeReportAssert awaitsConfirmation() {
        return hasOutcome(Outcome.AWAITING_CONFIRMATION);
    }

    public UpgradeReportAssert hasErrorCode(ErrorCode code) {
        isNotNull();
        if (!Objects.equals(actual.errorCode(), code.id())) {
            failWithMessage("expected error code %s but the report says:%n%s%n(error code %s)", code.id(), actual,
                    actual.errorCode());
        }
        return this;
    }

    public UpgradeReportAssert errorContains(String text) {
        isNotNull();
        if (actual.error() == null || !actual.error().contains(text)) {
            failWithMessage("expected the report's error to contain '%s' but it is: %s", text, actual.error());
        }
        return this;
    }

    /** The step outcomes, in report order. */
    public UpgradeReportAssert hasStepOutcomes(StepOutcome... outcomes) {
        isNotNull();
        List<StepOutcome> seen = actual.steps().stream().map(UpgradeReport.StepReport::outcome).toList();
        if (!seen.equals(Arrays.asList(outcomes))) {
            failWithMessage("expected step outcomes %s but got %s in:%n%s", Arrays.asList(outcomes), seen, actual);
        }
        return this;
    }

    /** Assertions on one step's line; fails when the operation did not touch the step. */
    public StepReportAssert step(String stepId) {
        isNotNull();
        UpgradeReport.StepReport step = actual.step(stepId).orElse(null);
        if (step == null) {
            failWithMessage("the report has no line for step '%s':%n%s", stepId, actual);
        }
        return new StepReportAssert(step, this);
    }
}
