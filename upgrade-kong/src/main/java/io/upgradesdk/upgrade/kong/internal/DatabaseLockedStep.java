package io.upgradesdk.upgrade.kong.internal;

import io.upgradesdk.upgrade.Compensation;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A step of a Kong plan run under the {@link PlanDatabaseLock}: the lock is taken before the step
 * (or its compensation) changes anything, kept from step to step through the phase, and released
 * when the phase's last step succeeds (where an {@code up} run ends, or a {@code run} moves on to
 * FINISH and takes it again), when a step fails (the run stops; a retry takes it again), after a
 * compensation, and by PostgreSQL when the process ends. A second run on the same database, with
 * whatever checkpoint store, so fails with {@code KONG_PLAN_LOCK_HELD} before its first change.
 * Dry runs take no lock.
 */
final class DatabaseLockedStep implements UpgradeStep {

    private final UpgradeStep step;
    private final PlanDatabaseLock lock;
    private final boolean lastOfItsPhase;

    private DatabaseLockedStep(UpgradeStep step, PlanDatabaseLock lock, boolean lastOfItsPhase) {
        this.step = step;
        this.lock = lock;
        this.lastOfItsPhase = lastOfItsPhase;
    }

    /** The {@code steps} of one plan, in order, each under {@code lock}. */
    static List<UpgradeStep> wrap(List<UpgradeStep> steps, PlanDatabaseLock lock) {
        List<UpgradeStep> wrapped = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Phase phase = steps.get(i).phase();
            boolean last = i == steps.size() - 1 || steps.get(i + 1).phase() != phase;
            wrapped.add(new DatabaseLockedStep(steps.get(i), lock, last));
        }
        return wrapped;
    }

    @Override
    public void execute(StepContext context) throws Exception {
        lock.acquire();
        boolean succeeded = false;
        try {
            step.execute(context);
            succeeded = true;
        } finally {
            if (!succeeded || lastOfItsPhase) {
                lock.release();
            }
        }
    }

    @Override
    public Optional<Compensation> compensation() {
        return step.compensation().map(undo -> context -> {
            lock.acquire();
            try {
                undo.compensate(context);
            } finally {
                lock.release();
            }
        });
    }

    @Override
    public String id() {
        return step.id();
    }

    @Override
    public String description() {
        return step.description();
    }

    @Override
    public Phase phase() {
        return step.phase();
    }

    @Override
    public int version() {
        return step.version();
    }

    @Override
    public List<PlannedAction> dryRun(StepContext context) throws Exception {
        return step.dryRun(context);
    }

    @Override
    public boolean isPointOfNoReturn() {
        return step.isPointOfNoReturn();
    }

    @Override
    public Optional<RetryPolicy> retryPolicy() {
        return step.retryPolicy();
    }

    @Override
    public String toString() {
        return step.toString();
    }
}
