package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import io.upgradesdk.upgrade.internal.PlanRun;
import io.upgradesdk.upgrade.internal.RunnerSettings;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point: runs {@link UpgradePlan}s against a {@link CheckpointStore}. Immutable and
 * thread-safe once built; one runner can run many plans.
 *
 * <pre>{@code
 * UpgradeRunner runner = UpgradeRunner.builder()
 *     .store(new FileCheckpointStore(Path.of("upgrade.checkpoint.json")))
 *     .confirmation(Confirmation.givenInAdvance())
 *     .listener(new Slf4jUpgradeListener())
 *     .build();
 * runner.preview(plan);                 // what would happen; changes nothing
 * runner.up(plan).throwIfFailed();      // non-destructive phase
 * runner.finish(plan).throwIfFailed();  // destructive phase, point of no return confirmed
 * }</pre>
 *
 * <p>Every operation that changes state first takes the plan's lease (failing fast with
 * {@link UpgradeErrorCode#LOCK_HELD}, or waiting up to {@link Builder#lockWait}), renews it while
 * running and releases it at the end. A checkpoint is saved after every step and whenever a step
 * saves a cursor; a rerun skips completed steps and resumes the interrupted one from its cursor.
 */
public final class UpgradeRunner {

    private final RunnerSettings settings;

    private UpgradeRunner(RunnerSettings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What a run would do now: changes nothing, takes no lease, calls only the steps' dry runs. */
    public Preview preview(UpgradePlan plan) {
        return PlanRun.preview(settings, plan);
    }

    /** Runs the UP steps not yet done. */
    public UpgradeReport up(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, Operation.UP);
    }

    /**
     * Runs the FINISH steps not yet done; fails with {@link UpgradeErrorCode#PHASE_ORDER} unless
     * every UP step is done. Stops before the point of no return unless confirmed.
     */
    public UpgradeReport finish(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, Operation.FINISH);
    }

    /** Runs both phases under one lease: UP, then FINISH. */
    public UpgradeReport run(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, Operation.RUN);
    }

    /**
     * Runs the compensations of started UP steps in reverse order. Fails with
     * {@link UpgradeErrorCode#ROLLBACK_REFUSED} once the point of no return or any FINISH step
     * has started.
     */
    public UpgradeReport rollback(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, Operation.ROLLBACK);
    }

    /** The plan's state as stored; takes no lease. */
    public PlanStatus status(UpgradePlan plan) {
        return PlanRun.status(settings, plan);
    }

    /**
     * Removes the plan's lease whoever holds it, for an operator who knows the holder is dead;
     * the previous holder's later writes are refused. Recorded in the audit trail.
     */
    public PlanStatus forceReleaseLock(UpgradePlan plan, OperatorNote note) {
        return PlanRun.recover(settings, plan, Operation.FORCE_RELEASE_LOCK, null, note);
    }

    /** Records a step as done without running it (the operator did it by hand). Audited. */
    public PlanStatus markDone(UpgradePlan plan, String stepId, OperatorNote note) {
        return PlanRun.recover(settings, plan, Operation.MARK_DONE, plan.step(stepId).id(), note);
    }

    /** Records a step as skipped: runs will not execute it. Audited. */
    public PlanStatus markSkipped(UpgradePlan plan, String stepId, OperatorNote note) {
        return PlanRun.recover(settings, plan, Operation.MARK_SKIPPED, plan.step(stepId).id(), note);
    }

    /** The owner name this runner writes into leases. */
    public String owner() {
        return settings.owner();
    }

    /** Validating builder for {@link UpgradeRunner}. Only {@link #store} is required. */
    public static final class Builder {

        private CheckpointStore store;
        private String owner;
        private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
        private Confirmation confirmation = Confirmation.deny();
        private final List<UpgradeListener> listeners = new ArrayList<>();
        private final Map<String, Secret> secrets = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private Duration leaseDuration = Duration.ofSeconds(60);
        private Duration lockWait = Duration.ZERO;
        private boolean heartbeat = true;
        private boolean adoptChangedPlan;

        private Builder() {
        }

        /** Where checkpoints and the lease live. Required. */
        public Builder store(CheckpointStore store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        /** The name written into the lease; defaults to {@code user@host/pid}. */
        public Builder owner(String owner) {
            Check.argument(owner != null && !owner.isBlank(), "owner must not be blank");
            this.owner = owner;
            return this;
        }

        /** The retry policy of steps that do not declare their own. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Who answers before the point of no return; {@link Confirmation#deny()} by default. */
        public Builder confirmation(Confirmation confirmation) {
            this.confirmation = requireNonNull(confirmation, "confirmation");
            return this;
        }

        public Builder listener(UpgradeListener listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        /** A secret steps can read by name; its value is redacted from every output. */
        public Builder secret(Secret secret) {
            requireNonNull(secret, "secret");
            Check.argument(!secrets.containsKey(secret.name()), "secret '%s' was given twice", secret.name());
            secrets.put(secret.name(), secret);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** What waits between retries and lock polls; tests pass {@code d -> {}}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** How long a lease lasts without renewal (renewed every third of it). Default 60 s. */
        public Builder leaseDuration(Duration leaseDuration) {
            Check.argument(leaseDuration != null && leaseDuration.toMillis() >= 100,
                    "leaseDuration must be at least 100 ms, was %s", leaseDuration);
            this.leaseDuration = leaseDuration;
            return this;
        }

        /** How long to wait for a lease held by another run; zero (the default) fails fast. */
        public Builder lockWait(Duration lockWait) {
            Check.argument(lockWait != null && !lockWait.isNegative(), "lockWait must be zero or positive, was %s",
                    lockWait);
            this.lockWait = lockWait;
            return this;
        }

        /**
         * Whether a background thread renews the lease during long steps (default true). Without
         * it, the lease is renewed only when the runner writes a checkpoint.
         */
        public Builder heartbeat(boolean heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        /**
         * Accepts a checkpoint written by a plan with a different fingerprint (steps added,
         * removed or re-versioned): records of steps still in the plan are kept. Off by default,
         * when such a checkpoint fails with {@link UpgradeErrorCode#FINGERPRINT_MISMATCH}.
         */
        public Builder adoptCheckpointOfChangedPlan(boolean adopt) {
            this.adoptChangedPlan = adopt;
            return this;
        }

        public UpgradeRunner build() {
            Check.argument(store != null, "UpgradeRunner needs a checkpoint store: call store(new"
                    + " FileCheckpointStore(path)) for a durable one or store(new InMemoryCheckpointStore())");
            return new UpgradeRunner(new RunnerSettings(store, owner == null ? defaultOwner() : owner, retryPolicy,
                    confirmation, List.copyOf(listeners), Map.copyOf(secrets), clock, sleeper, leaseDuration,
                    lockWait, heartbeat, adoptChangedPlan));
        }

        private static String defaultOwner() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = System.getenv().getOrDefault("HOSTNAME", "unknown-host");
            }
            return System.getProperty("user.name", "user") + "@" + host + "/" + ProcessHandle.current().pid();
        }
    }

    @Override
    public String toString() {
        return "UpgradeRunner[owner=" + settings.owner() + ", store=" + settings.store().getClass().getSimpleName() + "]";
    }

}
