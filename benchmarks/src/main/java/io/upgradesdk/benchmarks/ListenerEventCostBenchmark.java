package io.upgradesdk.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.Slf4jUpgradeListener;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * A listener's own CPU per step, without the runner: the events of a run of the 1,000-step plan of
 * {@link ListenerOverheadBenchmark} (plan start, then per step its start, one progress report and
 * its success, then plan end, timed as a run of quick steps), built beforehand and handed to each
 * listener, the configurations interleaved in every round. Per configuration: the median over
 * rounds of the mean ns per step (three events) over {@code RUNS} runs, thread CPU time. This
 * isolates what {@link ListenerOverheadBenchmark} shows as a ratio, where the runner's own cost and
 * its drift blur differences of a few tens of ns. A plain main:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.upgradesdk.benchmarks.ListenerEventCostBenchmark [ROUNDS] [RUNS]
 * </pre>
 *
 * Configurations as in {@link ListenerOverheadBenchmark}: {@code no-op}, {@code slf4j-info-file},
 * {@code slf4j-info-buffered}, {@code slf4j-warn}, {@code micrometer}, {@code micrometer-per-plan}.
 */
public final class ListenerEventCostBenchmark {

    private static final int STEPS = RunnerOverheadBenchmark.STEPS;
    private static final int WARM_UP_ROUNDS = 20;
    private static final String PLAN = "bench";

    private ListenerEventCostBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path directory = Files.createTempDirectory("listener-event-bench");
        Path simpleLog = directory.resolve("slf4j-simple.log");
        ListenerOverheadBenchmark.configureSlf4jSimple(simpleLog);
        try (RunnerOverheadBenchmark.FileLogger logger = new RunnerOverheadBenchmark.FileLogger(
                directory.resolve("events.log"))) {
            Map<String, Supplier<UpgradeListener>> configurations = new LinkedHashMap<>();
            configurations.put("no-op", () -> event -> { });
            configurations.put("slf4j-info-file", Slf4jUpgradeListener::new);
            configurations.put("slf4j-info-buffered", () -> new Slf4jUpgradeListener(logger));
            configurations.put("slf4j-warn", () -> new Slf4jUpgradeListener(
                    LoggerFactory.getLogger(ListenerOverheadBenchmark.WARN_LOGGER)));
            MicrometerUpgradeListener kept = MicrometerUpgradeListener.of(new SimpleMeterRegistry());
            configurations.put("micrometer", () -> kept);
            MicrometerUpgradeListener perPlan = MicrometerUpgradeListener.builder(new SimpleMeterRegistry())
                    .perStep(false).build();
            configurations.put("micrometer-per-plan", () -> perPlan);
            print(measure(configurations, rounds, runs), rounds, runs);
        } finally {
            Files.deleteIfExists(simpleLog);
            Files.deleteIfExists(directory.resolve("events.log"));
            Files.deleteIfExists(directory);
        }
    }

    private static Map<String, List<Double>> measure(Map<String, Supplier<UpgradeListener>> configurations,
            int rounds, int runs) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String[] stepIds = new String[STEPS];
        for (int i = 0; i < STEPS; i++) {
            stepIds[i] = "step-" + i;
        }
        Map<String, List<Double>> nanos = new LinkedHashMap<>();
        configurations.keySet().forEach(name -> nanos.put(name, new ArrayList<>()));
        List<String> order = new ArrayList<>(configurations.keySet());
        for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
            for (int i = 0; i < order.size(); i++) {
                String name = order.get((i + round) % order.size());    // rotate who goes first
                long took = 0;
                for (int run = 0; run < runs; run++) {
                    UpgradeEvent[] events = run(stepIds);
                    UpgradeListener listener = configurations.get(name).get();
                    long start = threads.getCurrentThreadCpuTime();
                    for (UpgradeEvent event : events) {
                        listener.onEvent(event);
                    }
                    took += threads.getCurrentThreadCpuTime() - start;
                }
                if (round >= WARM_UP_ROUNDS) {
                    nanos.get(name).add((double) took / runs / STEPS);
                }
            }
        }
        return nanos;
    }

    /** The events of one run of quick steps, as the runner publishes them (0.3 µs between events). */
    private static UpgradeEvent[] run(String[] stepIds) {
        List<UpgradeEvent> events = new ArrayList<>(3 * STEPS + 2);
        Instant start = Clock.systemUTC().instant();
        events.add(new UpgradeEvent.PlanStarted(start, PLAN, RunOperation.RUN, 1));
        long nanos = 0;
        for (int i = 0; i < STEPS; i++) {
            Instant begin = start.plusNanos(nanos += 300);
            events.add(new UpgradeEvent.StepStarted(begin, PLAN, stepIds[i], Phase.UP, 1, null));
            events.add(new UpgradeEvent.StepProgress(start.plusNanos(nanos += 300), PLAN, stepIds[i], i + 1, i + 1,
                    "step done", -1, Duration.ZERO));
            Instant end = start.plusNanos(nanos += 300);
            events.add(new UpgradeEvent.StepSucceeded(end, PLAN, stepIds[i], 1, Duration.between(begin, end)));
        }
        events.add(new UpgradeEvent.PlanFinished(start.plusNanos(nanos), PLAN, RunOperation.RUN,
                UpgradeReport.Outcome.SUCCEEDED, Duration.ofNanos(nanos)));
        return events.toArray(new UpgradeEvent[0]);
    }

    private static void print(Map<String, List<Double>> nanos, int rounds, int runs) {
        System.out.printf(Locale.ROOT, "Listener's own cost, events of a %d-step run, %d rounds x %d runs per"
                + " configuration (after %d warm-up rounds), thread CPU, %s, %d CPUs%n", STEPS, rounds, runs,
                WARM_UP_ROUNDS, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-22s %16s %16s%n", "listener", "median ns/step", "p25..p75 ns/step");
        nanos.forEach((name, values) -> System.out.printf(Locale.ROOT, "%-22s %16.1f %16s%n", name,
                ListenerOverheadBenchmark.quantile(values, 0.5), String.format(Locale.ROOT, "%.1f..%.1f",
                        ListenerOverheadBenchmark.quantile(values, 0.25),
                        ListenerOverheadBenchmark.quantile(values, 0.75))));
    }
}
