package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.SequencePreview;
import io.upgradesdk.upgrade.SequencePreview.PlanPreview;
import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.SequenceStatus.PlanProgress;
import io.upgradesdk.upgrade.SequenceStatus.State;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The read-only views of a sequence, from its record and its plans' checkpoints: status and preview. */
public final class SequenceViews {

    private SequenceViews() {
    }

    /** Every plan applied, in progress or pending, with its own status; takes no lease. */
    public static SequenceStatus status(RunnerSettings settings, UpgradeSequence sequence) {
        SequenceLedger ledger = SequenceLedger.read(settings, sequence);
        List<PlanProgress> plans = new ArrayList<>();
        for (UpgradePlan plan : sequence.plans()) {
            PlanStatus status = RecoveryOperations.status(settings, plan);
            Optional<StepRecord> applied = ledger.applied(plan.id());
            State state = applied.isPresent() ? State.APPLIED : started(status) ? State.IN_PROGRESS : State.PENDING;
            plans.add(new PlanProgress(plan.id(), state, applied.map(StepRecord::finishedAt), status));
        }
        return new SequenceStatus(sequence.id(), plans, ledger.orderProblems());
    }

    /** Applied plans skipped, each pending plan's own preview; changes nothing, calls only dry runs. */
    public static SequencePreview preview(RunnerSettings settings, UpgradeSequence sequence) {
        SequenceLedger ledger = SequenceLedger.read(settings, sequence);
        List<PlanPreview> plans = new ArrayList<>();
        for (UpgradePlan plan : sequence.plans()) {
            boolean applied = ledger.isApplied(plan.id());
            plans.add(new PlanPreview(plan.id(), applied,
                    applied ? Optional.empty() : Optional.of(PreviewBuilder.preview(settings, plan))));
        }
        return new SequencePreview(sequence.id(), plans, ledger.orderProblems());
    }

    private static boolean started(PlanStatus status) {
        return status.lease().isPresent()
                || status.steps().stream().anyMatch(s -> s.attempts() > 0 || s.state() != StepState.PENDING);
    }
}
