package io.upgradesdk.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Slf4jUpgradeListener;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * What a listener adds to the runner's cost, as a ratio with a median: the 1,000-step in-memory
 * plan of {@link RunnerOverheadBenchmark} (each step reports its progress once) run without a
 * listener and with each listener, the configurations interleaved within every round so that the
 * drift of a shared machine hits them alike. Per round and configuration: the mean time per step
 * over {@code RUNS} runs; per listener: the median over rounds of its per-round ratio to the
 * round's no-listener figure. A plain main, not JMH:
 *
 * <pre>
 * mvn -B -q -Pbench -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.upgradesdk.benchmarks.ListenerOverheadBenchmark [ROUNDS] [RUNS] [cpu|wall] [ONLY|all] [STEPS]
 * </pre>
 *
 * {@code STEPS} (default 1,000, the runner benchmark's plan) sets the plan's size: the runner's own
 * cost per step barely grows with it (a checkpoint save copies one chunk of 32 step records and the
 * array of chunks), nor does a listener's. In a small plan the costs of each run (the lease, the plan's
 * start and end, and with {@code slf4j-info-file} their two INFO lines) weigh more per step: give
 * it more {@code RUNS}.
 *
 * {@code ONLY}, a comma-separated list of configurations, runs only those (and {@code none}): with
 * one listener, the runner's call to it sees a single listener class, as in an application with one
 * listener, where the JIT can inline it; with all of them (the default), that call site sees
 * several classes, as in an application with several listeners.
 *
 * Times are the running thread's CPU time by default (on a shared machine, wall-clock time mostly
 * measures the other processes), {@code wall} for wall-clock time. Configurations:
 * <ul>
 *   <li>{@code none}: no listener (the runner then builds no progress events);</li>
 *   <li>{@code no-op}: a listener that does nothing: the runner's own cost of building and
 *       publishing events;</li>
 *   <li>{@code slf4j-info-file}: the SLF4J listener at INFO through slf4j-simple (the samples
 *       CLI's binding) writing to a file, with a date-time per line: slf4j-simple writes each
 *       line straight to the file (no buffer), as an appender that flushes every line does
 *       (logback's default);</li>
 *   <li>{@code slf4j-info-buffered}: the same lines formatted by a logger that writes them to a
 *       buffered file (flushed at the end): the least an appender can cost;</li>
 *   <li>{@code slf4j-warn}: the SLF4J listener with INFO and DEBUG off: its own cost when it
 *       writes nothing;</li>
 *   <li>{@code micrometer}: the Micrometer listener on one registry kept across runs, as in a
 *       host that runs plans repeatedly;</li>
 *   <li>{@code micrometer-per-plan}: the same with {@code perStep(false)} (one set of meters per
 *       plan);</li>
 *   <li>{@code micrometer-first-run}: a new registry and listener for every run: each run pays the
 *       registration of its meters per step, as the first run in a process does;</li>
 *   <li>{@code none+clock-read}: no listener, each step body also reading the system clock once
 *       ({@code Clock.systemUTC().instant()}, the runner's default clock): not a listener but a
 *       yardstick, what the one clock read a progress event needs for its time costs here.</li>
 * </ul>
 */
public final class ListenerOverheadBenchmark {

    private static final int WARM_UP_ROUNDS = 5;

    private ListenerOverheadBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 31;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean wallClock = args.length > 2 && "wall".equals(args[2]);
        List<String> only = args.length > 3 && !args[3].equals("all") ? List.of(args[3].split(",")) : List.of();
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : RunnerOverheadBenchmark.STEPS;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        LongSupplier clock = wallClock ? System::nanoTime : threads::getCurrentThreadCpuTime;
        Path directory = Files.createTempDirectory("listener-bench");
        Path simpleLog = directory.resolve("slf4j-simple.log");
        configureSlf4jSimple(simpleLog);
        try (RunnerOverheadBenchmark.FileLogger logger = new RunnerOverheadBenchmark.FileLogger(
                directory.resolve("events.log"))) {
            MicrometerUpgradeListener kept = MicrometerUpgradeListener.of(new SimpleMeterRegistry());
            Map<String, Supplier<UpgradeListener>> configurations = new LinkedHashMap<>();
            configurations.put("none", () -> null);
            configurations.put("no-op", () -> event -> { });
            configurations.put("slf4j-info-file", Slf4jUpgradeListener::new);
            configurations.put("slf4j-info-buffered", () -> new Slf4jUpgradeListener(logger));
            configurations.put("slf4j-warn", () -> new Slf4jUpgradeListener(LoggerFactory.getLogger(WARN_LOGGER)));
            configurations.put("micrometer", () -> kept);
            MicrometerUpgradeListener perPlan = MicrometerUpgradeListener.builder(new SimpleMeterRegistry())
                    .perStep(false).build();
            configurations.put("micrometer-per-plan", () -> perPlan);
            configurations.put("micrometer-first-run", () -> MicrometerUpgradeListener.of(new SimpleMeterRegistry()));
            configurations.put(CLOCK_READ, () -> null);
            if (!only.isEmpty()) {
                configurations.keySet().removeIf(name -> !name.equals("none") && !only.contains(name));
            }
            measure(configurations, steps, rounds, runs, clock);
            System.out.printf(Locale.ROOT, "(%s time; slf4j-info-file wrote %d lines to %s)%n",
                    wallClock ? "wall-clock" : "thread CPU", lines(simpleLog), simpleLog);
        } finally {
            Files.deleteIfExists(simpleLog);
            Files.deleteIfExists(directory.resolve("events.log"));
            Files.deleteIfExists(directory);
        }
    }

    static final String WARN_LOGGER = "io.upgradesdk.upgrade.events.warn";
    /** The configuration whose steps read the clock once more (the only one run on {@link #plan(int, boolean) plan(steps, true)}). */
    private static final String CLOCK_READ = "none+clock-read";

    /**
     * slf4j-simple, as a host would configure it for a job's log file: INFO and up, a date-time on
     * every line, written to {@code file}; the {@link #WARN_LOGGER} at WARN.
     */
    static void configureSlf4jSimple(Path file) {
        System.setProperty("org.slf4j.simpleLogger.logFile", file.toString());
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.log." + WARN_LOGGER, "warn");
        if (LoggerFactory.getILoggerFactory().getClass().getName().contains("NOP")) {
            throw new IllegalStateException("slf4j-simple is not on the class path: the INFO lines would go nowhere");
        }
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;       // slf4j-simple not run (left out by ONLY)
        }
        try (var stream = Files.lines(file)) {
            return stream.count();
        }
    }

    private static void measure(Map<String, Supplier<UpgradeListener>> configurations, int steps, int rounds, int runs,
            LongSupplier clock) {
        UpgradePlan plan = plan(steps, false);
        UpgradePlan clockReadingPlan = plan(steps, true);
        Map<String, List<Double>> micros = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        configurations.keySet().forEach(name -> {
            micros.put(name, new ArrayList<>());
            ratios.put(name, new ArrayList<>());
        });
        List<String> order = new ArrayList<>(configurations.keySet());
        for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (int i = 0; i < order.size(); i++) {
                String name = order.get((i + round) % order.size());    // rotate who goes first
                thisRound.put(name, microsPerStep(CLOCK_READ.equals(name) ? clockReadingPlan : plan,
                        configurations.get(name), runs, clock));
            }
            if (round >= WARM_UP_ROUNDS) {
                thisRound.forEach((name, value) -> {
                    micros.get(name).add(value);
                    ratios.get(name).add(value / thisRound.get("none"));
                });
            }
        }
        print(micros, ratios, steps, rounds, runs);
    }

    private static void print(Map<String, List<Double>> micros, Map<String, List<Double>> ratios, int steps, int rounds,
            int runs) {
        System.out.printf(Locale.ROOT, "Listener overhead, %d-step in-memory plan, %d rounds x %d runs per"
                + " configuration (after %d warm-up rounds), %s, %d CPUs%n", steps, rounds, runs,
                WARM_UP_ROUNDS, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-22s %15s %18s %16s %18s%n", "listener", "median us/step", "min..max us/step",
                "median ratio", "ratio p25..p75");
        micros.forEach((name, values) -> {
            List<Double> ratio = ratios.get(name);
            System.out.printf(Locale.ROOT, "%-22s %15.2f %18s %15.3fx %18s%n", name, quantile(values, 0.5),
                    String.format(Locale.ROOT, "%.2f..%.2f", quantile(values, 0), quantile(values, 1)),
                    quantile(ratio, 0.5), String.format(Locale.ROOT, "%.3f..%.3f", quantile(ratio, 0.25),
                            quantile(ratio, 0.75)));
        });
    }

    /**
     * Mean µs per step over {@code runs} runs, each on a new in-memory store and runner: the CPU
     * time of this thread (the runner runs the plan on it), so time spent descheduled on a shared
     * machine does not count; {@code wall} for wall-clock time instead.
     */
    private static double microsPerStep(UpgradePlan plan, Supplier<UpgradeListener> listener, int runs,
            LongSupplier clock) {
        long took = 0;
        for (int run = 0; run < runs; run++) {
            UpgradeRunner.Builder builder = UpgradeRunner.builder().store(new InMemoryCheckpointStore())
                    .owner("bench").heartbeat(false);
            UpgradeListener chosen = listener.get();
            if (chosen != null) {
                builder.listener(chosen);
            }
            UpgradeRunner runner = builder.build();
            long start = clock.getAsLong();
            UpgradeReport report = runner.run(plan);
            took += clock.getAsLong() - start;
            if (!report.isSuccess()) {
                throw new IllegalStateException(report.toString());
            }
        }
        return took / 1000.0 / runs / plan.steps().size();
    }

    /** The plan: each step reports its progress once; with {@code readClock}, it also reads the system clock. */
    private static UpgradePlan plan(int steps, boolean readClock) {
        AtomicLong sink = new AtomicLong();
        Clock system = Clock.systemUTC();
        UpgradePlan.Builder builder = UpgradePlan.builder("bench");
        for (int i = 0; i < steps; i++) {
            builder.step(UpgradeStep.builder("step-" + i).execute(ctx -> {
                long done = sink.incrementAndGet() + (readClock ? system.instant().getNano() & 1 : 0);
                ctx.progress(done, done, "step done");
            }).build());
        }
        return builder.build();
    }

    static double quantile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = (int) Math.ceil(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }
}
