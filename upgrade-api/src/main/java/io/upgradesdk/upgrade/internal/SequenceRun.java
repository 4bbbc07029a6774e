package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceReport.PlanOutcome;
import io.upgradesdk.upgrade.SequenceReport.PlanReport;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeSequence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a sequence: refuses a sequence out of order with its record, then runs each plan not
 * recorded as applied (both phases, as {@code runner.run(plan)}), records it applied when it
 * completes, and stops at the first plan that fails or awaits a confirmation.
 */
public final class SequenceRun {

    private static final Logger LOG = LoggerFactory.getLogger(SequenceRun.class);

    private SequenceRun() {
    }

    public static SequenceReport execute(RunnerSettings settings, UpgradeSequence sequence) {
        Instant startedAt = settings.clock().instant();
        SequenceLedger ledger = SequenceLedger.read(settings, sequence);
        ledger.requireInOrder();
        List<PlanReport> lines = new ArrayList<>();
        Outcome outcome = Outcome.SUCCEEDED;
        for (UpgradePlan plan : sequence.plans()) {
            if (outcome != Outcome.SUCCEEDED) {
                lines.add(new PlanReport(plan.id(), PlanOutcome.NOT_RUN, Optional.empty()));
            } else if (ledger.isApplied(plan.id())) {
                lines.add(new PlanReport(plan.id(), PlanOutcome.ALREADY_APPLIED, Optional.empty()));
            } else {
                UpgradeReport report = PlanRun.execute(settings, plan, RunOperation.RUN);
                outcome = report.outcome();
                lines.add(new PlanReport(plan.id(), outcomeOf(report), Optional.of(report)));
                if (report.isSuccess()) {
                    ledger.recordApplied(plan, report);
                    LOG.info("sequence '{}': plan '{}' applied", sequence.id(), plan.id());
                } else {
                    LOG.info("sequence '{}' stopped at plan '{}': {}", sequence.id(), plan.id(), outcome);
                }
            }
        }
        return new SequenceReport(sequence.id(), outcome, startedAt, settings.clock().instant(), lines);
    }

    private static PlanOutcome outcomeOf(UpgradeReport report) {
        return switch (report.outcome()) {
            case SUCCEEDED -> PlanOutcome.APPLIED;
            case FAILED -> PlanOutcome.FAILED;
            case AWAITING_CONFIRMATION -> PlanOutcome.AWAITING_CONFIRMATION;
        };
    }
}
