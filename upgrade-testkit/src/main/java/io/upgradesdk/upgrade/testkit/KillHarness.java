package io.upgradesdk.upgrade.testkit;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.testkit.internal.ChildRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

/**
 * Proves a plan's steps exactly-once the hard way: runs the plan in a child JVM, kills it with
 * {@code SIGKILL} at a random (or chosen) point, reruns it to completion in a fresh JVM, and
 * checks the trial's durable effects; many times over.
 *
 * <pre>{@code
 * KillHarness.Report report = KillHarness.forPlan(OrdersKillablePlan.class)
 *     .workDir(tempDir).trials(20).seed(42)
 *     .run(work -> EffectLedger.at(work.resolve("effects")).assertEachAppliedOnce(expected));
 * }</pre>
 *
 * <p>Each child tells the harness when a checkpoint write has landed. A kill point is "after the
 * Nth write, plus a random delay of up to {@link Builder#maxDelay}"; N is drawn from the writes
 * a clean run makes (measured once, in a calibration run that the check must also accept), and
 * N = 0 means a random delay after the run started. The rerun force-releases the dead run's
 * lease (audited, as an operator who knows the holder is dead would) and must succeed; then
 * {@code check} runs on the trial's folder. The first failing trial stops the harness with an
 * {@link AssertionError} naming the trial, its kill points and the seed.
 */
public final class KillHarness {

    private final Builder settings;

    private KillHarness(Builder settings) {
        this.settings = settings;
    }

    /** A harness for {@code planClass} (public, with a public no-argument constructor). */
    public static Builder forPlan(Class<? extends KillablePlan> planClass) {
        return new Builder(requireNonNull(planClass, "planClass"));
    }

    /**
     * A harness for a sequence ({@code sequenceClass} public, with a public no-argument
     * constructor): each run runs the whole sequence, kills land in any of its plans.
     */
    public static Builder forSequence(Class<? extends KillableSequence> sequenceClass) {
        return new Builder(requireNonNull(sequenceClass, "sequenceClass"));
    }

    /** What the test asserts on a trial's folder after its final run, e.g. with an {@link EffectLedger}. */
    @FunctionalInterface
    public interface TrialCheck {
        void check(Path work) throws Exception;
    }

    /**
     * One kill.
     *
     * @param trial      the trial
     * @param run        the run of the trial (1 = the first)
     * @param afterSave  the write count the harness waited for (0: the run's start)
     * @param savesSeen  the writes the child had reported when the kill was sent
     * @param delay      the extra random delay before the kill
     * @param landed     false when the child had already finished (no kill happened)
     */
    public record Kill(int trial, int run, int afterSave, int savesSeen, Duration delay, boolean landed) {
    }

    /**
     * The outcome of {@link Builder#run}.
     *
     * @param seed          the seed (rerun with it to repeat the same kill points)
     * @param savesPerRun   the writes of a clean run (calibration)
     * @param kills         every kill attempted
     */
    public record Report(long seed, int savesPerRun, List<Kill> kills) {

        /** Kills that hit a live child. */
        public long killsLanded() {
            return kills.stream().filter(Kill::landed).count();
        }

        /** Distinct write counts the landed kills came after. */
        public int distinctKillPoints() {
            return new TreeSet<>(kills.stream().filter(Kill::landed).map(Kill::savesSeen).toList()).size();
        }

        @Override
        public String toString() {
            return "kill harness (seed " + seed + "): " + kills.stream().mapToInt(Kill::trial).distinct().count()
                    + " trials, " + killsLanded() + " kills landed at " + distinctKillPoints()
                    + " distinct points of " + savesPerRun + " checkpoint writes";
        }
    }

    /** Settings of a harness run; {@link #workDir} is required. */
    public static final class Builder {
        private final Class<? extends KillablePlan> planClass;
        private Path workDir;
        private int trials = 20;
        private long seed = System.nanoTime();
        private int maxKillsPerTrial = 1;
        private Duration maxDelay = Duration.ofMillis(10);
        private Integer fixedKillPoint;
        private boolean bothPhases = true;
        private Duration runTimeout = Duration.ofSeconds(60);

        private Builder(Class<? extends KillablePlan> planClass) {
            this.planClass = planClass;
        }

        /** Where trial folders are made (a JUnit {@code @TempDir}). Required. */
        public Builder workDir(Path workDir) {
            this.workDir = requireNonNull(workDir, "workDir");
            return this;
        }

        /** How many trials (default 20). */
        public Builder trials(int trials) {
            if (trials < 1) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                        "trials must be at least 1, was " + trials);
            }
            this.trials = trials;
            return this;
        }

        /** The random seed, to repeat a failing series (default: time-based, printed in reports). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Each trial kills 1 to {@code max} runs in a row before the final run (default 1). */
        public Builder maxKillsPerTrial(int max) {
            if (max < 1) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                        "maxKillsPerTrial must be at least 1, was " + max);
            }
            this.maxKillsPerTrial = max;
            return this;
        }

        /** The random extra delay after the chosen write, before the kill (default up to 10 ms). */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        /** Kill after this write count every time instead of a random one. */
        public Builder killAfterSave(int save) {
            if (save < 0) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                        "killAfterSave must be zero or positive, was " + save);
            }
            this.fixedKillPoint = save;
            return this;
        }

        /** Run only the UP phase (default: both phases, the point of no return confirmed). */
        public Builder upOnly() {
            this.bothPhases = false;
            return this;
        }

        /** How long one child run may take (default 60 s). */
        public Builder runTimeout(Duration runTimeout) {
            this.runTimeout = requireNonNull(runTimeout, "runTimeout");
            return this;
        }

        /** Runs the trials; fails with an {@link AssertionError} at the first trial that fails. */
        public Report run(TrialCheck check) throws Exception {
            requireNonNull(check, "check");
            if (workDir == null) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                        "KillHarness needs a workDir: call workDir(tempDir)");
            }
            return new KillHarness(this).runTrials(check);
        }
    }

    // --- running ---------------------------------------------------------------------------------

    private Report runTrials(TrialCheck check) throws Exception {
        Random random = new Random(settings.seed);
        int savesPerRun = calibrate(check);
        List<Kill> kills = new ArrayList<>();
        for (int trial = 1; trial <= settings.trials; trial++) {
            Path work = prepare("trial-" + trial);
            List<Kill> trialKills = new ArrayList<>();
            int killsThisTrial = 1 + random.nextInt(settings.maxKillsPerTrial);
            for (int run = 1; run <= killsThisTrial; run++) {
                int afterSave = settings.fixedKillPoint != null ? settings.fixedKillPoint : random.nextInt(savesPerRun);
                Duration delay = Duration.ofNanos((long) (random.nextDouble() * settings.maxDelay.toNanos()));
                Kill kill = killOneRun(trial, run, work, run > 1, afterSave, delay);
                trialKills.add(kill);
                if (!kill.landed()) {
                    break;
                }
            }
            kills.addAll(trialKills);
            finishAndCheck(work, "trial " + trial + " of seed " + settings.seed + ", kills " + trialKills, check,
                    trialKills.stream().anyMatch(Kill::landed));
        }
        return new Report(settings.seed, savesPerRun, List.copyOf(kills));
    }

    /** A clean run: how many writes it makes; the check must accept it. */
    private int calibrate(TrialCheck check) throws Exception {
        Path work = prepare("calibration");
        ChildRun child = start(work, false);
        int saves = 0;
        String signal;
        while (!(signal = child.next(settings.runTimeout)).startsWith("DONE") && !signal.equals("EOF")) {
            saves = signal.startsWith("SAVED ") ? Integer.parseInt(signal.substring(6)) : saves;
        }
        requireSucceeded(child, signal, "the calibration run (no kill)");
        runCheck(check, work, "the calibration run (no kill): the check fails even without a kill");
        if (saves == 0) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN,
                    "the plan's clean run wrote no checkpoint; nothing to kill between");
        }
        return saves;
    }

    private Path prepare(String name) throws Exception {
        Path work = Files.createDirectories(settings.workDir.resolve(name));
        settings.planClass.getDeclaredConstructor().newInstance().prepare(work);
        return work;
    }

    private Kill killOneRun(int trial, int run, Path work, boolean takeover, int afterSave, Duration delay)
            throws Exception {
        ChildRun child = start(work, takeover);
        String signal = child.next(settings.runTimeout);
        while (!signal.startsWith("DONE") && !signal.equals("EOF") && !reached(signal, afterSave)) {
            signal = child.next(settings.runTimeout);
        }
        if (signal.startsWith("DONE") || signal.equals("EOF")) {
            child.await(settings.runTimeout);
            return new Kill(trial, run, afterSave, child.savesSeen(), delay, false);
        }
        LockSupport.parkNanos(delay.toNanos());
        int seen = child.savesSeen();
        boolean landed = child.kill();
        return new Kill(trial, run, afterSave, seen, delay, landed);
    }

    private static boolean reached(String signal, int afterSave) {
        return afterSave == 0 ? signal.equals("STARTED")
                : signal.startsWith("SAVED ") && Integer.parseInt(signal.substring(6)) >= afterSave;
    }

    private void finishAndCheck(Path work, String trial, TrialCheck check, boolean killed) throws Exception {
        ChildRun child = start(work, killed);
        String signal;
        while (!(signal = child.next(settings.runTimeout)).startsWith("DONE") && !signal.equals("EOF")) {
            // wait for the end
        }
        requireSucceeded(child, signal, "the final run of " + trial);
        runCheck(check, work, trial);
    }

    private void requireSucceeded(ChildRun child, String signal, String what) throws Exception {
        int exit = child.await(settings.runTimeout);
        if (exit != 0 || !signal.equals("DONE SUCCEEDED -")) {
            throw new AssertionError(what + " did not succeed (" + signal + ", exit " + exit + "); its log:\n"
                    + child.logText());
        }
    }

    private static void runCheck(TrialCheck check, Path work, String what) throws Exception {
        try {
            check.check(work);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage() + " (folder " + work + ")", e);
        }
    }

    private ChildRun start(Path work, boolean takeover) throws Exception {
        Path log = work.resolve("child-" + System.nanoTime() + ".log");
        return ChildRun.start(settings.planClass.getName(), work, settings.bothPhases ? "RUN" : "UP", takeover, log);
    }
}
