package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.UpgradeReport.StepReport;
import org.assertj.core.api.AbstractObjectAssert;

/** Assertions on one step's line of a report. */
public final class StepReportAssert extends AbstractObjectAssert<StepReportAssert, StepReport> {

    private final UpgradeReportAssert report;

    StepReportAssert(StepReport actual, UpgradeReportAssert report) {
        super(actual, StepReportAssert.class);
        this.report = report;
    }

    public StepReportAssert hasOutcome(StepOutcome outcome) {
        isNotNull();
        if (actual.outcome() != outcome) {
            failWithMessage("expected step '%s' to be %s but it was %s (%d attempts%s)", actual.stepId(), outcome,
                    actual.outcome(), actual.attempts(), actual.error() == null ? "" : ", error: " + actual.error());
        }
        return this;
    }

    public StepReportAssert succeeded() {
        return hasOutcome(StepOutcome.SUCCEEDED);
    }

    public StepReportAssert failed() {
        return hasOutcome(StepOutcome.FAILED);
    }

    /** Attempts made in this operation. */
    public StepReportAssert hasAttempts(int attempts) {
        isNotNull();
        if (actual.attempts() != attempts) {
            failWithMessage("expected step '%s' to take %d attempts but it took %d", actual.stepId(), attempts,
                    actual.attempts());
        }
        return this;
    }

    /** Succeeded, and took exactly {@code attempts} attempts in this operation. */
    public StepReportAssert succeededAfterAttempts(int attempts) {
        return succeeded().hasAttempts(attempts);
    }

    public StepReportAssert errorContains(String text) {
        isNotNull();
        if (actual.error() == null || !actual.error().contains(text)) {
            failWithMessage("expected the error of step '%s' to contain '%s' but it is: %s", actual.stepId(), text,
                    actual.error());
        }
        return this;
    }

    /** Back to the whole report. */
    public UpgradeReportAssert and() {
        return report;
    }

    /** Another step's line of the same report. */
    public StepReportAssert step(String stepId) {
        return report.step(stepId);
    }
}
