package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sequence's record of applied plans, kept in the runner's store as an ordinary checkpoint under
 * {@link UpgradeSequence#recordId()}: one record per plan, in sequence order, {@code SUCCEEDED}
 * once applied (with the applying run's times, and the plan's fingerprint in the cursor field).
 * Written under the record's own lease with the runner's fenced, retried writes; no store change.
 */
final class SequenceLedger {

    private final RunnerSettings settings;
    private final UpgradeSequence sequence;
    /** Applied plans by id, in the order the record lists them. */
    private final Map<String, StepRecord> applied;

    private SequenceLedger(RunnerSettings settings, UpgradeSequence sequence, Map<String, StepRecord> applied) {
        this.settings = settings;
        this.sequence = sequence;
        this.applied = applied;
    }

    /** Reads the sequence's record (empty when the sequence never applied a plan); takes no lease. */
    static SequenceLedger read(RunnerSettings settings, UpgradeSequence sequence) {
        OperationScope scope = new OperationScope(settings, recordPlan(sequence));
        Optional<Checkpoint> record = scope.store().load(sequence.recordId());
        Map<String, StepRecord> applied = new LinkedHashMap<>();
        record.ifPresent(r -> r.steps().stream().filter(s -> s.state() == StepState.SUCCEEDED)
                .forEach(s -> applied.put(s.stepId(), s)));
        return new SequenceLedger(settings, sequence, applied);
    }

    boolean isApplied(String planId) {
        return applied.containsKey(planId);
    }

    /** The applied plan's record (its time is {@code finishedAt}), if the sequence applied it. */
    Optional<StepRecord> applied(String planId) {
        return Optional.ofNullable(applied.get(planId));
    }

    /**
     * What a run must refuse: a plan not applied that comes before an applied one (inserted), an
     * applied plan that is no longer in the sequence (removed). Each message names the plan and the fix.
     */
    List<String> orderProblems() {
        List<String> problems = new ArrayList<>();
        List<String> planIds = sequence.planIds();
        applied.keySet().stream().filter(id -> !planIds.contains(id)).forEach(id -> problems.add("plan '" + id
                + "' was applied by sequence '" + sequence.id() + "' on " + applied.get(id).finishedAt() + " but is"
                + " no longer in it: put it back in its place (an applied plan is never run again)"));
        int lastApplied = -1;
        for (int i = 0; i < planIds.size(); i++) {
            if (isApplied(planIds.get(i))) {
                lastApplied = i;
            }
        }
        for (int i = 0; i < lastApplied; i++) {
            String planId = planIds.get(i);
            if (!isApplied(planId)) {
                String later = planIds.get(lastApplied);
                problems.add("plan '" + planId + "' comes before plan '" + later + "', which sequence '"
                        + sequence.id() + "' already applied on " + applied.get(later).finishedAt() + ": a plan"
                        + " cannot be inserted before an applied one. Move '" + planId + "' after '" + later
                        + "' (new plans go at the end of the sequence)");
            }
        }
        return problems;
    }

    /** Throws {@code SEQUENCE_OUT_OF_ORDER} naming every problem; nothing was run. */
    void requireInOrder() {
        List<String> problems = orderProblems();
        if (!problems.isEmpty()) {
            throw new UpgradeException(UpgradeErrorCode.SEQUENCE_OUT_OF_ORDER, "sequence '" + sequence.id()
                    + "' refused, nothing was run: " + String.join("; ", problems));
        }
    }

    /** Records the plan as applied by the run {@code report} describes; fenced under the record's lease. */
    void recordApplied(UpgradePlan plan, UpgradeReport report) {
        OperationScope scope = new OperationScope(settings, recordPlan(sequence));
        try (LeaseKeeper lease = LeaseKeeper.acquire(scope)) {
            CheckpointKeeper record = CheckpointKeeper.load(scope, lease, false);
            StepRecord entry = new StepRecord(plan.id(), StepState.SUCCEEDED, 1, plan.fingerprint(),
                    report.startedAt(), report.finishedAt(), null);
            record.saveStep(entry);
            applied.put(plan.id(), entry);
        } catch (StopRun stop) {
            throw stop.toException();
        }
    }

    /** The record seen as a plan: one no-op step per plan of the sequence (never run). */
    private static UpgradePlan recordPlan(UpgradeSequence sequence) {
        UpgradePlan.Builder record = UpgradePlan.builder(sequence.recordId());
        for (String planId : sequence.planIds()) {
            record.step(UpgradeStep.builder(planId).description("plan '" + planId + "' applied").execute(ctx -> {
                throw new IllegalStateException("a sequence record's entries are never run");
            }).build());
        }
        return record.build();
    }
}
