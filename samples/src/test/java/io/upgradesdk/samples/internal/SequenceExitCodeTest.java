package io.upgradesdk.samples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceReport.PlanOutcome;
import io.upgradesdk.upgrade.SequenceReport.PlanReport;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A sequence exits as the plan that stopped it would: a job tells a failure, a signal and a pending
 * confirmation apart.
 */
class SequenceExitCodeTest {

    private static final Instant T = Instant.parse("2026-11-30T05:00:00Z");

    private static SequenceReport stoppedBy(Outcome outcome, String errorCode) {
        UpgradeReport hop = new UpgradeReport("es-rolling/9.2.4", "f", RunOperation.RUN, outcome, T, T, List.of(),
                errorCode, errorCode == null ? null : "stopped here");
        return new SequenceReport("es-rolling", outcome, T, T, List.of(
                new PlanReport("es-rolling/8.19.21", PlanOutcome.ALREADY_APPLIED, Optional.empty()),
                new PlanReport("es-rolling/9.2.4", outcome == Outcome.AWAITING_CONFIRMATION
                        ? PlanOutcome.AWAITING_CONFIRMATION : PlanOutcome.FAILED, Optional.of(hop))));
    }

    @Test
    void eachStopMapsToThePlanExitCode() {
        assertThat(PlanRunOptions.exitCode(new SequenceReport("es-rolling", Outcome.SUCCEEDED, T, T, List.of(
                new PlanReport("es-rolling/8.19.21", PlanOutcome.APPLIED, Optional.empty())))))
                .isEqualTo(ExitCode.SUCCESS);
        assertThat(PlanRunOptions.exitCode(stoppedBy(Outcome.FAILED, "ES_PREFLIGHT_FAILED"))).isEqualTo(ExitCode.FAILURE);
        assertThat(PlanRunOptions.exitCode(stoppedBy(Outcome.FAILED, UpgradeErrorCode.STOPPED.id())))
                .isEqualTo(ExitCode.STOPPED);
        assertThat(PlanRunOptions.exitCode(stoppedBy(Outcome.AWAITING_CONFIRMATION, null)))
                .isEqualTo(ExitCode.AWAITING_CONFIRMATION);
    }
}
