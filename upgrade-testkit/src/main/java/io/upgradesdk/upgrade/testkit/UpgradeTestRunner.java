package io.upgradesdk.upgrade.testkit;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.PartitionedStep;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.SequencePreview;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An {@link UpgradeRunner} set up for tests, from {@link UpgradeTestKit#runner()}: an in-memory
 * store on a {@link MutableClock}, a sleeper that advances that clock instead of waiting (and
 * renews the partition claims of live workers as it does, so several workers run
 * deterministically), a {@link RecordingListener}, confirmations answered as the test says, no
 * heartbeat thread, and every checkpoint write recorded.
 *
 * <pre>{@code
 * UpgradeTestRunner t = UpgradeTestKit.runner().confirming().build();
 * assertThat(t.up(plan)).succeeded().step("copy-orders").succeededAfterAttempts(2);
 * assertThat(t.cursorsSaved("copy-orders")).containsExactly("100", "200", "250");
 * }</pre>
 *
 * <p>Operations throw and report exactly as {@link UpgradeRunner}'s do. Not thread-safe: one
 * test drives it.
 */
public final class UpgradeTestRunner {

    private final UpgradeRunner runner;
    private final ObservedStore observed;
    private final MutableClock clock;
    private final AdvancingSleeper sleeper;
    private final RecordingListener events;
    private final AnsweringConfirmation confirmation;

    private UpgradeTestRunner(Builder b) {
        this.clock = b.clock;
        this.events = new RecordingListener();
        this.confirmation = new AnsweringConfirmation(b.confirm);
        CheckpointStore store = b.storeFactory.apply(clock);
        this.observed = new ObservedStore(requireNonNull(b.storeWrapper.apply(store), "the store wrapper returned null"));
        this.sleeper = new AdvancingSleeper(duration -> observed.advanceKeepingClaimsAlive(clock, duration));
        UpgradeRunner.Builder runnerBuilder = UpgradeRunner.builder()
                .store(observed)
                .owner(b.owner)
                .clock(clock)
                .sleeper(sleeper)
                .heartbeat(false)
                .confirmation(confirmation)
                .retryPolicy(b.retryPolicy)
                .leaseDuration(b.leaseDuration)
                .listener(events);
        b.listeners.forEach(runnerBuilder::listener);
        b.secrets.forEach(runnerBuilder::secret);
        b.customizers.forEach(c -> c.accept(runnerBuilder));
        this.runner = runnerBuilder.build();
    }

    static Builder builder() {
        return new Builder();
    }

    // --- the runner's operations --------------------------------------------------------------

    /** {@link UpgradeRunner#up}. */
    public UpgradeReport up(UpgradePlan plan) {
        return runner.up(plan);
    }

    /** {@link UpgradeRunner#finish}. */
    public UpgradeReport finish(UpgradePlan plan) {
        return runner.finish(plan);
    }

    /** {@link UpgradeRunner#run}: both phases. */
    public UpgradeReport run(UpgradePlan plan) {
        return runner.run(plan);
    }

    /** {@link UpgradeRunner#rollback}. */
    public UpgradeReport rollback(UpgradePlan plan) {
        return runner.rollback(plan);
    }

    /** {@link UpgradeRunner#preview}. */
    public Preview preview(UpgradePlan plan) {
        return runner.preview(plan);
    }

    /** {@link UpgradeRunner#status}. */
    public PlanStatus status(UpgradePlan plan) {
        return runner.status(plan);
    }

    /** {@link UpgradeRunner#run(UpgradeSequence)}: the sequence's pending plans, in order. */
    public SequenceReport run(UpgradeSequence sequence) {
        return runner.run(sequence);
    }

    /** {@link UpgradeRunner#preview(UpgradeSequence)}. */
    public SequencePreview preview(UpgradeSequence sequence) {
        return runner.preview(sequence);
    }

    /** {@link UpgradeRunner#status(UpgradeSequence)}. */
    public SequenceStatus status(UpgradeSequence sequence) {
        return runner.status(sequence);
    }

    /** The runner itself, for operations the preset does not wrap (markDone, forceReleaseLock, ...). */
    public UpgradeRunner runner() {
        return runner;
    }

    // --- what the test controls ---------------------------------------------------------------

    /** The store as the test gave it (or the in-memory one): set states or verify a spy on it. */
    public CheckpointStore store() {
        return observed.target();
    }

    /** The clock the runner and the in-memory store follow. */
    public MutableClock clock() {
        return clock;
    }

    /** From now on, answer the point-of-no-return question with {@code yes}. */
    public UpgradeTestRunner answerConfirmations(boolean yes) {
        confirmation.answer = yes;
        return this;
    }

    /** Writes a plan state into the store, as if earlier runs had left it (see {@link PlanState}). */
    public UpgradeTestRunner given(PlanState state) {
        state.writeTo(store(), clock.instant());
        return this;
    }

    /**
     * Moves the clock past the expiry of the lease held on the plan, and of every claim held on a
     * partition of its partitioned steps, as time passing after a killed run; does nothing when no
     * lease is held.
     */
    public UpgradeTestRunner letLeaseExpire(UpgradePlan plan) {
        List<String> keys = new ArrayList<>();
        keys.add(plan.id());
        for (UpgradeStep step : plan.steps()) {
            if (step instanceof PartitionedStep) {
                new PartitionClaims(store(), clock, plan.id(), step.id()).partitionIds()
                        .forEach(p -> keys.add(PartitionClaims.partitionKey(plan.id(), step.id(), p)));
            }
        }
        for (String key : keys) {
            store().currentLease(key).filter(l -> !l.isExpiredAt(clock.instant()))
                    .ifPresent(l -> clock.set(l.expiresAt().plusMillis(1)));
        }
        return this;
    }

    /** The recorded partitions of a partitioned step of the plan, as {@link UpgradeRunner#partitions} reads them. */
    public List<PartitionStatus> partitions(UpgradePlan plan, String stepId) {
        return runner.partitions(plan, stepId);
    }

    /**
     * Moves the clock past the expiry of every lease held on the sequence's plans and record, as
     * time passing after a run killed mid-sequence.
     */
    public UpgradeTestRunner letLeasesExpire(UpgradeSequence sequence) {
        sequence.plans().forEach(this::letLeaseExpire);
        store().currentLease(sequence.recordId()).filter(l -> !l.isExpiredAt(clock.instant()))
                .ifPresent(l -> clock.set(l.expiresAt().plusMillis(1)));
        return this;
    }

    /**
     * The next operation dies at {@code point} as a killed process would (see {@link CrashPoint});
     * the returned handle runs it and says what the crash left behind.
     */
    public CrashingRun crashAt(CrashPoint point) {
        return new CrashingRun(requireNonNull(point, "point"));
    }

    /** Forgets recorded events, waits, confirmations asked and checkpoint writes (not the store's content). */
    public UpgradeTestRunner clearRecordings() {
        events.clear();
        sleeper.clear();
        observed.clear();
        confirmation.clear();
        return this;
    }

    // --- what the test reads -------------------------------------------------------------------

    /** Every event so far. */
    public RecordingListener events() {
        return events;
    }

    /** Every wait the runner asked for (retry backoffs, lock polls), oldest first. */
    public List<Duration> waits() {
        return sleeper.waits();
    }

    /** The questions asked before points of no return, oldest first. */
    public List<Confirmation.ConfirmationRequest> confirmationsAsked() {
        return confirmation.asked();
    }

    /** The plan's stored checkpoint; fails the test when there is none. */
    public Checkpoint checkpoint(UpgradePlan plan) {
        return store().load(plan.id()).orElseThrow(() -> new AssertionError("plan '" + plan.id()
                + "' has no checkpoint in the store"));
    }

    /** Every checkpoint the runner wrote (that landed), oldest first. */
    public List<Checkpoint> checkpointsWritten() {
        return observed.saved();
    }

    /**
     * The cursors the step saved, in order, across the recorded runs: each write in which only
     * that step's cursor changed (see {@link CrashPoint}). A cursor saved twice in a row with the
     * same value counts once.
     */
    public List<String> cursorsSaved(String stepId) {
        List<String> cursors = new ArrayList<>();
        Checkpoint previous = null;
        for (Checkpoint next : observed.saved()) {
            if (previous != null && !previous.planId().equals(next.planId())) {
                previous = null;
            }
            if (CrashPoint.isCursorSave(previous, next, stepId)) {
                String cursor = next.step(stepId).cursor();
                if (cursors.isEmpty() || previous == null || !Objects.equals(previous.step(stepId).cursor(), cursor)) {
                    cursors.add(cursor);
                }
            }
            previous = next;
        }
        return cursors;
    }

    /** The recorded events and the last checkpoint written, for a failing test's message. */
    public String describe() {
        List<Checkpoint> written = observed.saved();
        return "events:" + System.lineSeparator() + events + "last checkpoint written: "
                + (written.isEmpty() ? "none" : written.get(written.size() - 1).toJson());
    }

    @Override
    public String toString() {
        return "UpgradeTestRunner[" + runner + ", clock " + clock.instant() + "]";
    }

    // --- crashes -------------------------------------------------------------------------------

    /** Runs one operation that dies at a crash point; see {@link UpgradeTestRunner#crashAt}. */
    public final class CrashingRun {

        private final CrashPoint point;

        private CrashingRun(CrashPoint point) {
            this.point = point;
        }

        public CrashedRun up(UpgradePlan plan) {
            return crash(plan, runner::up);
        }

        public CrashedRun finish(UpgradePlan plan) {
            return crash(plan, runner::finish);
        }

        public CrashedRun run(UpgradePlan plan) {
            return crash(plan, runner::run);
        }

        public CrashedRun rollback(UpgradePlan plan) {
            return crash(plan, runner::rollback);
        }

        /**
         * Runs the sequence and dies at the point (use {@link CrashPoint#inPlan} to aim at one
         * plan); returns the sequence's status as the crash left it.
         */
        public CrashedSequenceRun run(UpgradeSequence sequence) {
            observed.arm(point);
            SequenceReport report;
            try {
                report = runner.run(sequence);
            } catch (SimulatedCrash crash) {
                observed.disarm();
                return new CrashedSequenceRun(crash, runner.status(sequence));
            } finally {
                observed.disarm();
            }
            throw new AssertionError("the sequence never reached the crash point (" + point + "); it ended: " + report);
        }

        private CrashedRun crash(UpgradePlan plan, Function<UpgradePlan, UpgradeReport> operation) {
            observed.arm(point);
            UpgradeReport report;
            try {
                report = operation.apply(plan);
            } catch (SimulatedCrash crash) {
                return new CrashedRun(crash, store().load(plan.id()), store().currentLease(plan.id()));
            } finally {
                observed.disarm();
            }
            throw new AssertionError("the run never reached the crash point (" + point + "); it ended: " + report);
        }
    }

    /**
     * What a crashed run left in the store: the checkpoint as last written and the lease still
     * held, as after {@code kill -9}. Rerun after {@link #letLeaseExpire} (or
     * {@code runner().forceReleaseLock(...)}): until then a new run fails with {@code LOCK_HELD}.
     *
     * @param crash      the crash, with its point
     * @param checkpoint the stored checkpoint, if any write landed
     * @param lease      the lease left held
     */
    public record CrashedRun(SimulatedCrash crash, Optional<Checkpoint> checkpoint, Optional<Lease> lease) {
    }

    /**
     * What a sequence run that crashed left in the store, as after {@code kill -9}: the plans
     * applied so far, the interrupted plan in progress with its lease still held. Rerun after
     * {@link #letLeasesExpire(UpgradeSequence)}.
     *
     * @param crash  the crash, with its point
     * @param status the sequence's status right after the crash
     */
    public record CrashedSequenceRun(SimulatedCrash crash, SequenceStatus status) {
    }

    /** Answers as the test said last; records the questions. */
    private static final class AnsweringConfirmation implements Confirmation {
        private volatile boolean answer;
        private final List<ConfirmationRequest> asked = new ArrayList<>();

        AnsweringConfirmation(boolean answer) {
            this.answer = answer;
        }

        @Override
        public synchronized boolean confirm(ConfirmationRequest request) {
            asked.add(request);
            return answer;
        }

        synchronized List<ConfirmationRequest> asked() {
            return List.copyOf(asked);
        }

        synchronized void clear() {
            asked.clear();
        }
    }

    /**
     * Builds an {@link UpgradeTestRunner}; every setting has a test-friendly default, so
     * {@code UpgradeTestKit.runner().build()} is a complete runner.
     */
    public static final class Builder {

        private MutableClock clock = MutableClock.atEpochOfTests();
        private Function<MutableClock, CheckpointStore> storeFactory = InMemoryCheckpointStore::new;
        private UnaryOperator<CheckpointStore> storeWrapper = UnaryOperator.identity();
        private boolean confirm;
        private String owner = "test-host";
        private RetryPolicy retryPolicy = RetryPolicy.from(RetryPolicy.ofDefaults()).jitter(0).build();
        private Duration leaseDuration = Duration.ofSeconds(60);
        private final List<UpgradeListener> listeners = new ArrayList<>();
        private final List<Secret> secrets = new ArrayList<>();
        private final List<Consumer<UpgradeRunner.Builder>> customizers = new ArrayList<>();

        private Builder() {
        }

        /** The point of no return is confirmed. */
        public Builder confirming() {
            this.confirm = true;
            return this;
        }

        /** The point of no return is denied (the default, as in production). */
        public Builder denying() {
            this.confirm = false;
            return this;
        }

        /** Another store instead of the in-memory one (a file store in a temp dir, a Mockito mock). */
        public Builder store(CheckpointStore store) {
            requireNonNull(store, "store");
            this.storeFactory = c -> store;
            return this;
        }

        /**
         * Wraps the store the runner uses, e.g. {@code wrapStore(Mockito::spy)} to verify calls or
         * make one fail; {@link UpgradeTestRunner#store()} then returns the wrapper.
         */
        public Builder wrapStore(UnaryOperator<CheckpointStore> wrapper) {
            this.storeWrapper = requireNonNull(wrapper, "wrapper");
            return this;
        }

        /** The clock; default {@link MutableClock#atEpochOfTests()}. */
        public Builder clock(MutableClock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** The lease owner name; default {@code test-host}. */
        public Builder owner(String owner) {
            this.owner = requireNonNull(owner, "owner");
            return this;
        }

        /** Default: the SDK's default policy (3 attempts, 500 ms doubling) without jitter. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Default 60 s. */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration");
            return this;
        }

        /** A listener besides the recording one. */
        public Builder listener(UpgradeListener listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        public Builder secret(Secret secret) {
            secrets.add(requireNonNull(secret, "secret"));
            return this;
        }

        /** Any other runner setting: {@code configure(b -> b.adoptCheckpointOfChangedPlan(true))}. */
        public Builder configure(Consumer<UpgradeRunner.Builder> customizer) {
            customizers.add(requireNonNull(customizer, "customizer"));
            return this;
        }

        public UpgradeTestRunner build() {
            return new UpgradeTestRunner(this);
        }
    }
}
