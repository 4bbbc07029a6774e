package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.PartitionedStep;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run would do now, without a lease and without side effects: each step's action from the
 * stored checkpoint, its dry run's planned actions (redacted), and warnings about what would stop
 * a run (another plan's checkpoint, a held lease, a failing dry run).
 */
public final class PreviewBuilder implements StepContextImpl.Host {

    private final OperationScope scope;
    private final List<String> warnings = new ArrayList<>();
    private Checkpoint checkpoint;

    private PreviewBuilder(OperationScope scope) {
        this.scope = scope;
    }

    public static Preview preview(RunnerSettings settings, UpgradePlan plan) {
        return new PreviewBuilder(new OperationScope(settings, plan)).build();
    }

    private Preview build() {
        UpgradePlan plan = scope.plan();
        checkpoint = scope.store().load(plan.id()).orElseGet(() -> Checkpoint.start(plan, scope.now()));
        warnIfWrittenByAnotherPlan();
        Optional<Lease> held = scope.store().currentLease(plan.id());
        warnIfHeld(held);
        List<Preview.Item> items = plan.steps().stream().map(this::item).toList();
        return new Preview(plan.id(), plan.fingerprint(), items, held, warnings);
    }

    private void warnIfWrittenByAnotherPlan() {
        if (!checkpoint.fingerprint().equals(scope.plan().fingerprint())) {
            warnings.add("the checkpoint was written by a plan with other steps (fingerprint "
                    + checkpoint.fingerprint() + "); a run would be refused unless adoptCheckpointOfChangedPlan(true)");
        }
    }

    private void warnIfHeld(Optional<Lease> held) {
        held.filter(l -> !l.isExpiredAt(scope.now())).ifPresent(l -> warnings.add("the lease is held by '"
                + l.owner() + "' until " + l.expiresAt() + "; a run now would fail with LOCK_HELD"));
    }

    private Preview.Item item(UpgradeStep step) {
        StepRecord record = checkpoint.step(step.id());
        Preview.Action action = switch (record.state()) {
            case SUCCEEDED -> Preview.Action.ALREADY_DONE;
            case SKIPPED -> Preview.Action.SKIPPED;
            default -> record.cursor() != null ? Preview.Action.RESUME : Preview.Action.RUN;
        };
        List<PlannedAction> planned = List.of();
        String dryRunError = null;
        if (!record.state().isDone()) {
            try {
                planned = dryRun(step);
            } catch (Exception e) {
                dryRunError = scope.redactor().describe(e);
                warnings.add("the dry run of step '" + step.id() + "' failed: " + dryRunError);
            }
        }
        if (step instanceof PartitionedStep && !record.state().isDone()) {
            List<PlannedAction> withPartitions = new ArrayList<>();
            partitionsOf(step).ifPresent(withPartitions::add);
            withPartitions.addAll(planned);
            planned = withPartitions;
        }
        return new Preview.Item(step.id(), scope.redactor().redact(step.description()), step.phase(), action,
                record.cursor(), step.isPointOfNoReturn(), planned.stream().map(this::redact).toList(), dryRunError);
    }

    /**
     * A partitioned step's recorded partitions as one planned action: counts by state, then each
     * partition's state, claim owner and cursor (at most {@value #MAX_PARTITIONS_SHOWN}).
     */
    private Optional<PlannedAction> partitionsOf(UpgradeStep step) {
        List<PartitionStatus> partitions = new PartitionClaims(scope.store(), scope.settings().clock(),
                scope.planId(), step.id()).list();
        if (partitions.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> details = new LinkedHashMap<>();
        for (PartitionState state : PartitionState.values()) {
            long count = partitions.stream().filter(p -> p.state() == state).count();
            if (count > 0) {
                details.put(state.name().toLowerCase(java.util.Locale.ROOT), Long.toString(count));
            }
        }
        partitions.stream().limit(MAX_PARTITIONS_SHOWN).forEach(p -> details.put("partition " + p.partitionId(),
                describe(p)));
        return Optional.of(PlannedAction.of("work partitions", step.id(), details));
    }

    private String describe(PartitionStatus partition) {
        StringBuilder text = new StringBuilder(partition.state().name());
        if (partition.state() == PartitionState.RUNNING) {
            text.append(partition.isAbandonedAt(scope.now()) ? " (claim expired: the next worker takes it over)"
                    : " by '" + partition.owner().orElse("?") + "'");
        }
        if (partition.cursor() != null) {
            text.append(", cursor ").append(partition.cursor());
        }
        return text.toString();
    }

    private static final int MAX_PARTITIONS_SHOWN = 100;

    private List<PlannedAction> dryRun(UpgradeStep step) throws Exception {
        return step.dryRun(new StepContextImpl(scope.planId(), step.id(), 1, true, this, scope.secrets(),
                scope.settings().clock()));
    }

    private PlannedAction redact(PlannedAction action) {
        Redactor redactor = scope.redactor();
        Map<String, String> details = new LinkedHashMap<>();
        action.details().forEach((k, v) -> details.put(k, redactor.redact(v)));
        return PlannedAction.of(redactor.redact(action.action()), redactor.redact(action.target()), details);
    }

    // --- StepContextImpl.Host: a dry run reads cursors and reports progress, never saves ------------

    @Override
    public String cursor(String stepId) {
        return checkpoint.step(stepId).cursor();
    }

    @Override
    public void saveCursor(String stepId, String cursor) {
        throw StepContextImpl.savedDuringDryRun(stepId);
    }

    @Override
    public void progress(String stepId, long done, long total, String message) {
        scope.emitProgress(stepId, done, total, message);
    }
}
