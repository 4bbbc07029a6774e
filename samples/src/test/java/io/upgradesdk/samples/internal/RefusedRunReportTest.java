package io.upgradesdk.samples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The report written for a run refused before it started: every step NOT_RUN, the error's code, no secret. */
class RefusedRunReportTest {

    @Test
    void theErrorIsInTheReportWithEverySecretMaskedWholeEvenOneInsideAnother() {
        UpgradePlan plan = UpgradePlan.builder("orders")
                .secret(Secret.of("short", "s3cret"))
                .secret(Secret.of("long", "s3cret-and-more"))
                .step(UpgradeStep.builder("copy").execute(ctx -> { }).build())
                .build();
        UpgradeException refused = new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE,
                "authentication failed for 's3cret-and-more' and 's3cret'");

        UpgradeReport report = PlanRunOptions.notRun(plan, RunOperation.UP, Instant.now(), refused);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.error()).isEqualTo("authentication failed for '****' and '****'");
        assertThat(report.toJson()).doesNotContain("s3cret", "and-more");
        assertThat(report.steps()).singleElement()
                .satisfies(step -> assertThat(step.outcome()).isEqualTo(UpgradeReport.StepOutcome.NOT_RUN));
    }
}
