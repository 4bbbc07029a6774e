package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The context of one step attempt (or of its dry run, which must not save cursors). */
final class StepContextImpl implements StepContext {

    /** What the context calls back into. */
    interface Host {
        String cursor(String stepId);

        void saveCursor(String stepId, String cursor);

        void progress(String stepId, long done, long total, String message);

        /** Whether the runner's stop signal was raised (a dry run is never stopped). */
        default boolean stopRequested() {
            return false;
        }

        /** Ends the attempt with the stop of the run ({@link StopRun}), the saved cursor kept. */
        default RuntimeException stopped(String stepId) {
            return new IllegalStateException("step '" + stepId + "' cannot be stopped here");
        }
    }

    private final String planId;
    private final String stepId;
    private final int attempt;
    private final boolean dryRun;
    private final Host host;
    private final Map<String, Secret> secrets;
    private final Clock clock;

    StepContextImpl(String planId, String stepId, int attempt, boolean dryRun, Host host, Map<String, Secret> secrets,
            Clock clock) {
        this.planId = planId;
        this.stepId = stepId;
        this.attempt = attempt;
        this.dryRun = dryRun;
        this.host = host;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public String planId() {
        return planId;
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public boolean isDryRun() {
        return dryRun;
    }

    @Override
    public Optional<String> cursor() {
        return Optional.ofNullable(host.cursor(stepId));
    }

    @Override
    public void saveCursor(String cursor) {
        if (dryRun) {
            throw savedDuringDryRun(stepId);
        }
        if (cursor == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, "step '" + stepId + "' saved a null cursor;"
                    + " save a value that says where to resume");
        }
        host.saveCursor(stepId, cursor);
        if (host.stopRequested()) {
            throw host.stopped(stepId);
        }
    }

    @Override
    public boolean stopRequested() {
        return !dryRun && host.stopRequested();
    }

    /** The refusal of a cursor saved by a dry run. */
    static UpgradeException savedDuringDryRun(String stepId) {
        return new UpgradeException(UpgradeErrorCode.INVALID_PLAN, "step '" + stepId + "' saved a cursor during a"
                + " dry run; dry runs must not change anything: check ctx.isDryRun() in the step");
    }

    @Override
    public void progress(long done, long total, String message) {
        host.progress(stepId, done, total, message);
    }

    @Override
    public Secret secret(String name) {
        Secret secret = secrets.get(name);
        if (secret == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "step '" + stepId + "' asked for"
                    + " secret '" + name + "', which was not given; known secrets: " + secrets.keySet()
                    + ". Register it with UpgradeRunner.builder().secret(...) or UpgradePlan.builder().secret(...)");
        }
        return secret;
    }

    @Override
    public Clock clock() {
        return clock;
    }
}
