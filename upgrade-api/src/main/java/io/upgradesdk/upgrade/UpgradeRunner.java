package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import io.upgradesdk.upgrade.internal.PartitionOperations;
import io.upgradesdk.upgrade.internal.PlanRun;
import io.upgradesdk.upgrade.internal.PreviewBuilder;
import io.upgradesdk.upgrade.internal.RecoveryOperations;
import io.upgradesdk.upgrade.internal.RunnerSettings;
import io.upgradesdk.upgrade.internal.SequenceRun;
import io.upgradesdk.upgrade.internal.SequenceViews;
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
 * The heartbeat's {@link Builder#scheduler scheduler} can be the host's; the host then closes it.
 *
 * <h2>Thrown or reported</h2>
 * <p><b>What stops an operation before it starts is thrown</b>, as an {@link UpgradeException},
 * and changes nothing (a lease taken is released): a refusal ({@link UpgradeErrorCode#LOCK_HELD},
 * {@link UpgradeErrorCode#FINGERPRINT_MISMATCH}, {@link UpgradeErrorCode#PHASE_ORDER},
 * {@link UpgradeErrorCode#ROLLBACK_REFUSED}), an interrupt while waiting for the lock
 * ({@link UpgradeErrorCode#INTERRUPTED}) or the store's own failure to read or lock (for example
 * {@link UpgradeErrorCode#STORE_UNAVAILABLE}, {@link UpgradeErrorCode#CHECKPOINT_UNREADABLE}, or a
 * store module's code). <b>Once a run has started</b> (its {@link UpgradeEvent.PlanStarted} event),
 * <b>how it ended is reported</b> in the returned {@link UpgradeReport} and its
 * {@link UpgradeEvent.PlanFinished} event: a step failure ({@link UpgradeErrorCode#STEP_FAILED}), a lost
 * lease ({@link UpgradeErrorCode#LEASE_LOST}), an interrupt ({@link UpgradeErrorCode#INTERRUPTED}), a
 * {@link StopSignal} raised ({@link UpgradeErrorCode#STOPPED}), a
 * checkpoint that could not be saved after a step ({@link UpgradeErrorCode#STORE_UNAVAILABLE}), or a
 * missing confirmation (outcome {@code AWAITING_CONFIRMATION}); {@link UpgradeReport#throwIfFailed()}
 * turns any of them into the exception of that code ({@link UpgradeErrorCode#CONFIRMATION_REQUIRED}
 * for the last). One exception to the rule: a store that breaks its contract is a defect, not an
 * outcome, and is thrown whenever it is found ({@link UpgradeErrorCode#STORE_CONTRACT_BROKEN}, after
 * the {@code PlanFinished} event if the run had started); so is an exception thrown by the host's own
 * {@link Confirmation}. Operations that return a {@link Preview} or a {@link PlanStatus} have no
 * report: everything that goes wrong there is thrown. Each method lists its codes.
 */
public final class UpgradeRunner {

    private final RunnerSettings settings;

    private UpgradeRunner(RunnerSettings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a run would do now: changes nothing, takes no lease, calls only the steps' dry runs.
     *
     * <p>Thrown: the store's read failures, {@code STORE_CONTRACT_BROKEN}. Reported as the preview's
     * warnings: a failing dry run, a held lease, a checkpoint of a changed plan.
     */
    public Preview preview(UpgradePlan plan) {
        return PreviewBuilder.preview(settings, plan);
    }

    /**
     * Runs the UP steps not yet done.
     *
     * <p>Thrown: {@code LOCK_HELD}, {@code INTERRUPTED} (while waiting for the lock),
     * {@code FINGERPRINT_MISMATCH}, the store's read and lock failures, {@code STORE_CONTRACT_BROKEN}.
     * Reported: {@code STEP_FAILED}, {@code LEASE_LOST}, {@code INTERRUPTED}, {@code STOPPED}, {@code STORE_UNAVAILABLE}, and outcome {@code AWAITING_CONFIRMATION} before an unconfirmed point of no return.
     */
    public UpgradeReport up(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, RunOperation.UP);
    }

    /**
     * Runs the FINISH steps not yet done; fails with {@link UpgradeErrorCode#PHASE_ORDER} unless
     * every UP step is done. Stops before the point of no return unless confirmed.
     *
     * <p>Thrown: {@code LOCK_HELD}, {@code INTERRUPTED} (while waiting for the lock),
     * {@code FINGERPRINT_MISMATCH}, {@code PHASE_ORDER}, the store's read and lock failures, {@code STORE_CONTRACT_BROKEN}.
     * Reported: {@code STEP_FAILED}, {@code LEASE_LOST}, {@code INTERRUPTED}, {@code STOPPED}, {@code STORE_UNAVAILABLE}, and outcome {@code AWAITING_CONFIRMATION}.
     */
    public UpgradeReport finish(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, RunOperation.FINISH);
    }

    /**
     * Runs both phases under one lease: UP, then FINISH.
     *
     * <p>Thrown: {@code LOCK_HELD}, {@code INTERRUPTED} (while waiting for the lock),
     * {@code FINGERPRINT_MISMATCH}, the store's read and lock failures, {@code STORE_CONTRACT_BROKEN}.
     * Reported: {@code STEP_FAILED}, {@code LEASE_LOST}, {@code INTERRUPTED}, {@code STOPPED}, {@code STORE_UNAVAILABLE}, and outcome {@code AWAITING_CONFIRMATION}.
     */
    public UpgradeReport run(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, RunOperation.RUN);
    }

    /**
     * Runs the sequence's pending plans in order, each as {@link #run(UpgradePlan)} does (both
     * phases under the plan's own lease, with its own checkpoint and point of no return), and
     * records each completed plan as applied in the sequence's record. Plans recorded as applied
     * are never run again; an interrupted plan resumes at its interrupted step. The first plan that
     * fails or awaits a confirmation stops the sequence, with that outcome; the next run resumes there.
     *
     * <p>Thrown: {@code SEQUENCE_OUT_OF_ORDER} (a plan inserted before an applied one, or an
     * applied plan removed; nothing runs), and whatever {@link #run(UpgradePlan)} throws for the plan
     * being started (the plans completed before it stay recorded as applied).
     * Reported per plan: as {@link #run(UpgradePlan)}.
     */
    public SequenceReport run(UpgradeSequence sequence) {
        return SequenceRun.execute(settings, sequence);
    }

    /**
     * What running the sequence would do now: the applied plans skipped, each pending plan's
     * {@link #preview(UpgradePlan)}; a sequence out of order is a warning. Changes nothing.
     *
     * <p>Thrown: the store's read failures, {@code STORE_CONTRACT_BROKEN}.
     */
    public SequencePreview preview(UpgradeSequence sequence) {
        return SequenceViews.preview(settings, sequence);
    }

    /**
     * The sequence as stored: each plan applied, in progress or pending, with its
     * {@link #status(UpgradePlan) status}; takes no lease.
     *
     * <p>Thrown: the store's read failures, {@code STORE_CONTRACT_BROKEN}.
     */
    public SequenceStatus status(UpgradeSequence sequence) {
        return SequenceViews.status(settings, sequence);
    }

    /**
     * Runs the compensations of started UP steps in reverse order. Fails with
     * {@link UpgradeErrorCode#ROLLBACK_REFUSED} once the point of no return or any FINISH step
     * has started. Asks no confirmation.
     *
     * <p>Every UP step that ran is reset, compensation or not: a compensated one becomes
     * {@link StepState#COMPENSATED}, one without a compensation (its effects stay, reported as
     * {@code NOT_COMPENSABLE}) goes back to {@link StepState#PENDING}. The next {@code up} so runs
     * the whole UP phase again in order, instead of redoing the compensated steps and skipping
     * the later ones as done.
     *
     * <p>Thrown: {@code LOCK_HELD}, {@code INTERRUPTED} (while waiting for the lock),
     * {@code FINGERPRINT_MISMATCH}, {@code ROLLBACK_REFUSED}, the store's read and lock failures, {@code STORE_CONTRACT_BROKEN}.
     * Reported: {@code STEP_FAILED}, {@code LEASE_LOST}, {@code INTERRUPTED}, {@code STOPPED}, {@code STORE_UNAVAILABLE} (a compensation that failed: {@code STEP_FAILED}).
     */
    public UpgradeReport rollback(UpgradePlan plan) {
        return PlanRun.execute(settings, plan, RunOperation.ROLLBACK);
    }

    /**
     * The plan's state as stored; takes no lease.
     *
     * <p>Thrown: the store's read failures, {@code STORE_CONTRACT_BROKEN}.
     */
    public PlanStatus status(UpgradePlan plan) {
        return RecoveryOperations.status(settings, plan);
    }

    /**
     * Removes the plan's lease whoever holds it, for an operator who knows the holder is dead;
     * the previous holder's later writes are refused. Recorded in the audit trail.
     *
     * <p>Thrown (no report): {@code LOCK_HELD} when another run took the lease meanwhile,
     * {@code INTERRUPTED}, {@code LEASE_LOST}, the store's failures, {@code STORE_CONTRACT_BROKEN}.
     */
    public PlanStatus forceReleaseLock(UpgradePlan plan, OperatorNote note) {
        return RecoveryOperations.forceReleaseLock(settings, plan, note);
    }

    /**
     * Records a step as done without running it (the operator did it by hand). Audited.
     *
     * <p>Thrown (no report): {@code UNKNOWN_STEP}, {@code LOCK_HELD}, {@code INTERRUPTED},
     * {@code FINGERPRINT_MISMATCH}, {@code LEASE_LOST}, the store's failures, {@code STORE_CONTRACT_BROKEN}.
     */
    public PlanStatus markDone(UpgradePlan plan, String stepId, OperatorNote note) {
        return RecoveryOperations.markDone(settings, plan, plan.step(stepId).id(), note);
    }

    /**
     * Records a step as skipped: runs will not execute it. Audited.
     *
     * <p>Thrown (no report): as {@link #markDone}.
     */
    public PlanStatus markSkipped(UpgradePlan plan, String stepId, OperatorNote note) {
        return RecoveryOperations.markSkipped(settings, plan, plan.step(stepId).id(), note);
    }

    /**
     * Joins a run of {@code plan} started elsewhere (another process or host on the same shared
     * store) as extra workers: works the free or abandoned partitions of the plan's running
     * {@link PartitionedStep} with {@code workers} threads (0: the step's own setting), without
     * taking the plan's lease, and returns when no partition is left to claim. Nothing is done when
     * no partitioned step is running. The run that holds the plan's lease still decides when the
     * step is complete.
     *
     * <p>Thrown: {@code FINGERPRINT_MISMATCH} when the run uses a plan with other steps,
     * {@code INTERRUPTED}, the store's failures, {@code STORE_CONTRACT_BROKEN}.
     */
    public JoinReport join(UpgradePlan plan, int workers) {
        Check.argument(workers >= 0 && workers <= 256, "workers must be between 0 (the step's setting) and 256, was %s",
                workers);
        return PartitionOperations.join(settings, plan, workers);
    }

    /** {@link #join(UpgradePlan, int)} with the step's own number of workers. */
    public JoinReport join(UpgradePlan plan) {
        return join(plan, 0);
    }

    /**
     * The recorded partitions of a {@link PartitionedStep} of the plan (state, attempts, cursor,
     * claim owner); empty before the step first started. Takes no lease.
     *
     * <p>Thrown: {@code UNKNOWN_STEP} for a step that is missing or not partitioned, the store's failures.
     */
    public List<PartitionStatus> partitions(UpgradePlan plan, String stepId) {
        return PartitionOperations.partitions(settings, plan, stepId);
    }

    /**
     * Records one partition as done without working it (the operator did it by hand). Audited in
     * the partition's record.
     *
     * <p>Thrown: {@code UNKNOWN_STEP} (a missing step or partition), {@code LOCK_HELD} while a live
     * worker holds the partition, the store's failures.
     */
    public PartitionStatus markPartitionDone(UpgradePlan plan, String stepId, String partitionId, OperatorNote note) {
        return PartitionOperations.correct(settings, plan, stepId, partitionId, PartitionState.DONE, note);
    }

    /** Records one partition as skipped: no worker works it. Audited; thrown as {@link #markPartitionDone}. */
    public PartitionStatus markPartitionSkipped(UpgradePlan plan, String stepId, String partitionId,
            OperatorNote note) {
        return PartitionOperations.correct(settings, plan, stepId, partitionId, PartitionState.SKIPPED, note);
    }

    /**
     * Sets one partition back to pending with no cursor: the next worker works it from the start.
     * Audited; thrown as {@link #markPartitionDone}.
     */
    public PartitionStatus resetPartition(UpgradePlan plan, String stepId, String partitionId, OperatorNote note) {
        return PartitionOperations.correct(settings, plan, stepId, partitionId, PartitionState.PENDING, note);
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
        private Scheduler scheduler;
        private boolean adoptChangedPlan;
        private StopSignal stopSignal;

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
         * The host's scheduler for the lease heartbeat, e.g. {@code Scheduler.using(executor)}; the
         * host keeps it and closes it (the runner only cancels its own tasks). By default each run
         * starts a daemon thread of its own and stops it when the run ends. Tests hand in a
         * scheduler driven by their clock, so that moving the clock runs the due renewals.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
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

        /**
         * A signal that stops runs at their next safe point (between steps, or right after a step
         * saved its cursor), ending them with {@link UpgradeErrorCode#STOPPED} and releasing the
         * lease. By default nothing stops a run but its end, a lost lease or an interrupt.
         */
        public Builder stopSignal(StopSignal stopSignal) {
            this.stopSignal = requireNonNull(stopSignal, "stopSignal");
            return this;
        }

        public UpgradeRunner build() {
            Check.argument(store != null, "UpgradeRunner needs a checkpoint store: call store(new"
                    + " FileCheckpointStore(path)) for a durable one or store(new InMemoryCheckpointStore())");
            return new UpgradeRunner(new RunnerSettings(store, owner == null ? defaultOwner() : owner, retryPolicy,
                    confirmation, List.copyOf(listeners), Map.copyOf(secrets), clock, sleeper, leaseDuration,
                    lockWait, heartbeat, scheduler, adoptChangedPlan,
                    stopSignal == null ? new StopSignal() : stopSignal));
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
