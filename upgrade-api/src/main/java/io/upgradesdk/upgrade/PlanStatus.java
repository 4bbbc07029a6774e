package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Where a plan stands according to its store: each step's record, the lease, the audit trail.
 *
 * @param planId              the plan
 * @param fingerprintMatches  false when the stored checkpoint was written by a plan with other steps
 * @param steps               one record per plan step, in plan order (pending when never run)
 * @param lease               the recorded lease, if any
 * @param audit               recovery actions taken by operators
 */
public record PlanStatus(String planId, boolean fingerprintMatches, List<StepRecord> steps, Optional<Lease> lease,
        List<AuditEntry> audit, UpgradePlan plan) {

    public PlanStatus {
        requireNonNull(planId, "planId");
        steps = List.copyOf(steps);
        audit = List.copyOf(audit);
    }

    public StepRecord step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst()
                .orElseThrow(() -> new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP, "no step '" + stepId
                        + "' in plan '" + planId + "'"));
    }

    /** True when every UP step is done: {@code finish} may run. */
    public boolean isUpComplete() {
        return phaseDone(Phase.UP);
    }

    /** True when every step is done. */
    public boolean isComplete() {
        return steps.stream().allMatch(s -> s.state().isDone());
    }

    /** True once the point-of-no-return step has started: rollback is no longer possible. */
    public boolean isPastPointOfNoReturn() {
        return plan.pointOfNoReturn().map(s -> step(s.id()).attempts() > 0 || step(s.id()).state().isDone())
                .orElse(false);
    }

    private boolean phaseDone(Phase phase) {
        return plan.steps(phase).stream().allMatch(s -> step(s.id()).state().isDone());
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Status of plan '" + planId + "'"
                + (fingerprintMatches ? "" : " (checkpoint written by a different plan!)") + ":");
        for (StepRecord step : steps) {
            text.append(System.lineSeparator()).append(String.format("  %-11s %s", step.state(), step.stepId()));
            if (step.cursor() != null) {
                text.append(" (cursor ").append(step.cursor()).append(')');
            }
            if (step.error() != null) {
                text.append(" - ").append(step.error());
            }
        }
        lease.ifPresent(l -> text.append(System.lineSeparator()).append("  lease: '").append(l.owner())
                .append("', token ").append(l.token()).append(", expires ").append(l.expiresAt()));
        for (AuditEntry entry : audit) {
            text.append(System.lineSeparator()).append("  audit: ").append(entry.at()).append(' ').append(entry.by())
                    .append(' ').append(entry.action()).append(entry.stepId() == null ? "" : " " + entry.stepId())
                    .append(": ").append(entry.reason());
        }
        return text.toString();
    }
}
