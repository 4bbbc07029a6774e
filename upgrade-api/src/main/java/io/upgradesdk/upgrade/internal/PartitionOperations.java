package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.JoinReport;
import io.upgradesdk.upgrade.OperatorNote;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.PartitionedStep;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.List;
import java.util.Optional;

/**
 * The runner's operations on partitions: a process joining a running partitioned step (no plan
 * lease taken), the partitions' status, and an operator's corrections of one partition.
 */
public final class PartitionOperations {

    private PartitionOperations() {
    }

    /**
     * Works the free or abandoned partitions of the plan's running partitioned step with
     * {@code workers} threads (0: the step's own setting), until none is left to claim.
     */
    public static JoinReport join(RunnerSettings settings, UpgradePlan plan, int workers) {
        OperationScope scope = new OperationScope(settings, plan);
        Optional<Checkpoint> checkpoint = scope.store().load(plan.id());
        if (checkpoint.isPresent() && !checkpoint.get().fingerprint().equals(plan.fingerprint())) {
            throw new UpgradeException(UpgradeErrorCode.FINGERPRINT_MISMATCH, "join of plan '" + plan.id()
                    + "' refused: the running plan has other steps (fingerprint " + checkpoint.get().fingerprint()
                    + ", this one " + plan.fingerprint() + "). Join with the same plan the run uses");
        }
        Optional<PartitionedStep> running = plan.steps().stream()
                .filter(s -> s instanceof PartitionedStep)
                .filter(s -> checkpoint.map(c -> c.step(s.id()).state() == StepState.RUNNING).orElse(false))
                .map(PartitionedStep.class::cast).findFirst();
        if (running.isEmpty()) {
            return new JoinReport(plan.id(), Optional.empty(), 0, 0, List.of());
        }
        PartitionWorkers joined = PartitionWorkers.whileAnyIsFree(scope, running.get());
        List<String> ids = joined.claims().partitionIds();
        if (!ids.isEmpty()) {
            joined.work(PartitionWorkers.workerCount(workers > 0 ? workers : running.get().workers(), ids.size()));
        }
        return new JoinReport(plan.id(), Optional.of(running.get().id()), joined.completed(), joined.failed(),
                joined.claims().list());
    }

    /** The recorded partitions of a partitioned step of the plan; empty before the step first started. */
    public static List<PartitionStatus> partitions(RunnerSettings settings, UpgradePlan plan, String stepId) {
        partitionedStep(plan, stepId);
        return claims(settings, plan, stepId).list();
    }

    /** Sets one partition DONE, SKIPPED or PENDING (worked again from the start), with an audit entry. */
    public static PartitionStatus correct(RunnerSettings settings, UpgradePlan plan, String stepId, String partitionId,
            PartitionState state, OperatorNote note) {
        partitionedStep(plan, stepId);
        OperationScope scope = new OperationScope(settings, plan);
        AuditEntry audit = new AuditEntry(scope.now(), note.operator(), "PARTITION_" + state.name(), stepId,
                scope.redactor().redact("partition " + partitionId + ": " + note.reason()));
        return claims(settings, plan, stepId).correct(partitionId, state, audit, settings.leaseDuration());
    }

    private static PartitionClaims claims(RunnerSettings settings, UpgradePlan plan, String stepId) {
        return new PartitionClaims(new ContractCheckedStore(settings.store()), settings.clock(), plan.id(), stepId);
    }

    private static PartitionedStep partitionedStep(UpgradePlan plan, String stepId) {
        UpgradeStep step = plan.steps().stream().filter(s -> s.id().equals(stepId)).findFirst()
                .orElseThrow(() -> new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP, "plan '" + plan.id()
                        + "' has no step '" + stepId + "'"));
        if (!(step instanceof PartitionedStep partitioned)) {
            throw new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP, "step '" + stepId + "' of plan '" + plan.id()
                    + "' is not partitioned: it has no partitions to show or correct");
        }
        return partitioned;
    }
}
