package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.Assertions;

/**
 * The bookkeeping of seeded SIGKILL trials run by {@link KillHarness} (the fault suite): the
 * settings ({@code -Dfault.trials}, {@code -Dfault.seed} to replay), a trail each child JVM writes
 * (which step it was in when it died), and the figures (trials, kills per step, duration) printed
 * and written to {@code target/fault-suite/<plan>.md}.
 *
 * <pre>{@code
 * KillTrials trials = new KillTrials("reindex");
 * KillHarness.Report report = KillHarness.forPlan(MyKillablePlan.class)
 *     .trials(KillTrials.trials(20)).seed(trials.seed())
 *     .run(work -> { trials.afterTrial(work); assertExactCounts(work); });
 * trials.report(report);
 * }</pre>
 *
 * The child JVM calls {@link #recordSteps} on its runner builder and reads the servers' addresses
 * with {@link #settings}; the test writes them with {@link #writeSettings}, including the keys
 * {@code planId} and {@code steps} that {@link #afterTrial} uses to check the checkpoint.
 */
public final class KillTrials {

    private static final String TRAIL = "trail.log";
    private final String plan;
    private final Map<String, List<String>> runsByTrial = new ConcurrentHashMap<>();
    private final long started = System.nanoTime();

    /** A series for the plan named {@code plan} (the name of its figures file). */
    public KillTrials(String plan) {
        this.plan = plan;
    }

    /** How many trials: {@code -Dfault.trials}, else {@code defaultTrials}. */
    public static int trials(int defaultTrials) {
        return Integer.getInteger("fault.trials", defaultTrials);
    }

    /** The seed: {@code -Dfault.seed} to replay a series, else a fresh one; printed either way. */
    public long seed() {
        long seed = Long.getLong("fault.seed", System.nanoTime());
        System.out.println("[fault-suite] " + plan + ": seed " + seed + " (replay with -Dfault.seed=" + seed + ")");
        return seed;
    }

    // --- in the child JVM ------------------------------------------------------------------------

    /** Makes the child's runner append its step events to the trial's trail. */
    public static void recordSteps(UpgradeRunner.Builder runner, Path work) {
        String pid = Long.toString(ProcessHandle.current().pid());
        runner.listener(event -> {
            String line = null;
            if (event instanceof UpgradeEvent.StepStarted s) {
                line = "S " + s.stepId();
            } else if (event instanceof UpgradeEvent.StepSucceeded s) {
                line = "D " + s.stepId();
            }
            if (line != null) {
                append(work.resolve(TRAIL), pid + " " + line + "\n");
            }
        });
        append(work.resolve(TRAIL), pid + " R\n");
    }

    private static void append(Path file, String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Server addresses and names a trial's children read (written by {@code prepare}). */
    public static void writeSettings(Path work, Map<String, String> settings) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        try (var out = Files.newOutputStream(work.resolve("trial.properties"))) {
            p.store(out, "fault-suite trial");
        }
    }

    /** The settings a trial's test wrote with {@link #writeSettings}. */
    public static Properties settings(Path work) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(work.resolve("trial.properties"))) {
            p.load(in);
        }
        return p;
    }

    // --- in the test JVM -------------------------------------------------------------------------

    /**
     * Remembers where each run of the trial stopped (from its trail) and asserts the checkpoint is
     * readable with every step SUCCEEDED. Call from the harness check.
     */
    public void afterTrial(Path work) throws Exception {
        int steps = Integer.parseInt(settings(work).getProperty("steps"));
        Map<String, String> lastByPid = new LinkedHashMap<>();
        Path trail = work.resolve(TRAIL);
        if (Files.exists(trail)) {
            for (String line : Files.readAllLines(trail)) {
                String[] parts = line.split(" ", 3);
                if (parts.length < 2) {
                    continue; // a line torn by the kill
                }
                String where = switch (parts[1]) {
                    case "R" -> "(before the first step)";
                    case "S" -> parts.length == 3 ? parts[2] : "?";
                    case "D" -> parts.length == 3 ? "after " + parts[2] + " (before the next step)" : "?";
                    default -> "?";
                };
                lastByPid.put(parts[0], where);
            }
        }
        runsByTrial.put(work.getFileName().toString(), new ArrayList<>(lastByPid.values()));
        Path dir = Files.createDirectories(Path.of("target", "fault-suite"));
        append(dir.resolve(plan + ".progress"), Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s "
                + work.getFileName() + ": runs ended in " + lastByPid.values() + "\n");
        try (CheckpointStore store = new FileCheckpointStore(work.resolve("checkpoint.json"))) {
            var checkpoint = store.load(planIdOf(work)).orElseThrow(() -> new AssertionError("no checkpoint in " + work));
            Assertions.assertThat(checkpoint.steps()).hasSize(steps)
                    .allSatisfy(s -> Assertions.assertThat(s.state()).as(s.stepId())
                            .isEqualTo(StepState.SUCCEEDED));
        }
    }

    private static String planIdOf(Path work) throws IOException {
        return settings(work).getProperty("planId");
    }

    /** Prints and writes the figures of a finished series. */
    public String report(KillHarness.Report report) throws IOException {
        Map<String, Integer> perStep = new TreeMap<>();
        int landed = 0;
        for (KillHarness.Kill kill : report.kills()) {
            if (!kill.landed()) {
                continue;
            }
            landed++;
            List<String> runs = runsByTrial.getOrDefault("trial-" + kill.trial(), List.of());
            String where = kill.run() - 1 < runs.size() ? runs.get(kill.run() - 1) : "(before the first step)";
            perStep.merge(where, 1, Integer::sum);
        }
        long trials = report.kills().stream().mapToInt(KillHarness.Kill::trial).distinct().count();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        StringBuilder md = new StringBuilder();
        md.append("### ").append(plan).append("\n\n");
        md.append("seed ").append(report.seed()).append(", ").append(trials).append(" trials, ")
                .append(report.kills().size()).append(" kills sent, ").append(landed).append(" landed (")
                .append(report.distinctKillPoints()).append(" distinct points of ").append(report.savesPerRun())
                .append(" checkpoint writes), 0 failures, ").append(took.toSeconds()).append(" s\n\n");
        md.append("| step the run was in when killed | kills |\n| --- | ---: |\n");
        perStep.forEach((step, n) -> md.append("| ").append(step).append(" | ").append(n).append(" |\n"));
        Path dir = Files.createDirectories(Path.of("target", "fault-suite"));
        Files.writeString(dir.resolve(plan + ".md"), md.toString());
        System.out.println("[fault-suite] " + report + "\n" + md);
        return md.toString();
    }
}
