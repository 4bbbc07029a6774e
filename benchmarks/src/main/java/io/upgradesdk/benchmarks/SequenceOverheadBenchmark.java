package io.upgradesdk.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the sequence machinery costs outside the plans' own work: the same step bodies run as one
 * {@link UpgradeSequence} of {@code PLANS} plans of {@code STEPS} steps each, and as one plan of
 * {@code PLANS × STEPS} steps, on a new store each run (in memory, then the durable file store
 * on {@code DIR}). The difference is what a sequence adds: reading its record and checking the
 * order, one lease, checkpoint and report per plan instead of one in all, and the record of each
 * applied plan. Step bodies are in-memory (each counts and reports its progress once): node
 * restarts and recoveries, which dominate a real rolling sequence, are left out on purpose.
 *
 * <p>The two shapes are interleaved within every round (who goes first alternates), so the drift
 * of a shared machine hits them alike; per shape and round, the mean over {@code RUNS} runs of
 * the wall-clock time and of this thread's CPU time (the runner runs the plans on the calling
 * thread). Printed: the medians over rounds, the median of the per-round difference
 * (sequence − single plan, per run and per plan) and of the per-round ratio, the process's CPU
 * time over the whole measurement against its wall-clock time, and first the store calls of one
 * run of each shape (writes are what a durable store pays a sync for). A plain main, not JMH:
 *
 * <pre>
 * mvn -B -q -Pbench -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.upgradesdk.benchmarks.SequenceOverheadBenchmark [DIR] [ROUNDS] [RUNS] [PLANS] [STEPS]
 * </pre>
 *
 * Defaults: a new directory under the working directory (put it on a real disk, not tmpfs), 31
 * rounds (after 5 warm-up rounds), 10 runs, 3 plans, 20 steps per plan.
 */
public final class SequenceOverheadBenchmark {

    private static final int WARM_UP_ROUNDS = 5;

    private SequenceOverheadBenchmark() {
    }

    /** One way to run the work: a sequence or a single plan, each run on a store from the factory. */
    private interface Shape {
        void runOnce(CheckpointStore store);
    }

    /** Counts the calls a run makes on its store: writes (saves and lease changes) and reads. */
    private static final class CountingStore implements CheckpointStore {
        private final CheckpointStore delegate;
        long writes;
        long reads;

        CountingStore(CheckpointStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<Checkpoint> load(String planId) {
            reads++;
            return delegate.load(planId);
        }

        @Override
        public void save(Checkpoint checkpoint, Lease lease) {
            writes++;
            delegate.save(checkpoint, lease);
        }

        @Override
        public Lease acquireLease(String planId, String owner, Duration duration) {
            writes++;
            return delegate.acquireLease(planId, owner, duration);
        }

        @Override
        public Lease renewLease(Lease lease, Duration duration) {
            writes++;
            return delegate.renewLease(lease, duration);
        }

        @Override
        public void releaseLease(Lease lease) {
            writes++;
            delegate.releaseLease(lease);
        }

        @Override
        public Optional<Lease> currentLease(String planId) {
            reads++;
            return delegate.currentLease(planId);
        }

        @Override
        public void forceReleaseLease(String planId) {
            writes++;
            delegate.forceReleaseLease(planId);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** Mean wall-clock and thread CPU µs of one run, in one round. */
    private record Sample(double wallMicros, double cpuMicros) {
    }

    public static void main(String[] args) throws IOException {
        Path base = args.length > 0 ? Path.of(args[0]) : Path.of("").toAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 31;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int plans = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        Path directory = Files.createTempDirectory(base, "sequence-bench");
        System.out.printf(Locale.ROOT, "Sequence of %d plans x %d steps against one plan of %d steps, %d rounds x %d"
                + " runs per shape (after %d warm-up rounds), %s, %d CPUs, file store on %s (%s)%n", plans, steps,
                plans * steps, rounds, runs, WARM_UP_ROUNDS, Runtime.version(),
                Runtime.getRuntime().availableProcessors(), directory, Files.getFileStore(directory).type());

        AtomicLong sink = new AtomicLong();
        UpgradeSequence.Builder sequenceBuilder = UpgradeSequence.builder("bench-sequence");
        for (int p = 0; p < plans; p++) {
            sequenceBuilder.plan(plan("bench-plan-" + p, steps, sink));
        }
        UpgradeSequence sequence = sequenceBuilder.build();
        UpgradePlan single = plan("bench-single", plans * steps, sink);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("single plan", store -> requireSuccess(runner(store).run(single)));
        shapes.put("sequence", store -> requireSuccess(runner(store).run(sequence)));

        Path checkpoint = directory.resolve("checkpoint.json");
        Map<String, Supplier<CheckpointStore>> stores = new LinkedHashMap<>();
        stores.put("memory", InMemoryCheckpointStore::new);
        stores.put("file", () -> {
            try {
                Files.deleteIfExists(checkpoint);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new FileCheckpointStore(checkpoint);
        });
        shapes.forEach((name, shape) -> {
            CountingStore counting = new CountingStore(new InMemoryCheckpointStore());
            shape.runOnce(counting);
            System.out.printf(Locale.ROOT, "%-12s store calls per run: %d writes (saves, lease changes), %d reads%n",
                    name, counting.writes, counting.reads);
        });
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (Map.Entry<String, Supplier<CheckpointStore>> store : stores.entrySet()) {
            long cpuBefore = os.getProcessCpuTime();
            long wallBefore = System.nanoTime();
            Map<String, List<Sample>> samples = measure(shapes, store.getValue(), rounds, runs);
            double processCpu = (os.getProcessCpuTime() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
            print(store.getKey(), samples, plans, processCpu);
        }
    }

    private static Map<String, List<Sample>> measure(Map<String, Shape> shapes, Supplier<CheckpointStore> stores,
            int rounds, int runs) {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        shapes.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        List<String> order = new ArrayList<>(shapes.keySet());
        for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
            for (int i = 0; i < order.size(); i++) {
                String name = order.get((i + round) % order.size());    // alternate who goes first
                Sample sample = sample(shapes.get(name), stores, runs);
                if (round >= WARM_UP_ROUNDS) {
                    samples.get(name).add(sample);
                }
            }
        }
        return samples;
    }

    /** Mean wall-clock and thread CPU µs of {@code runs} runs, each on a new store. */
    private static Sample sample(Shape shape, Supplier<CheckpointStore> stores, int runs) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long wall = 0;
        long cpu = 0;
        for (int run = 0; run < runs; run++) {
            try (CheckpointStore store = stores.get()) {
                long wallStart = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                shape.runOnce(store);
                cpu += threads.getCurrentThreadCpuTime() - cpuStart;
                wall += System.nanoTime() - wallStart;
            }
        }
        return new Sample(wall / 1000.0 / runs, cpu / 1000.0 / runs);
    }

    private static void print(String store, Map<String, List<Sample>> samples, int plans, double processCpu) {
        List<Sample> single = samples.get("single plan");
        List<Sample> sequence = samples.get("sequence");
        List<Double> wallAdded = new ArrayList<>();
        List<Double> cpuAdded = new ArrayList<>();
        List<Double> wallRatio = new ArrayList<>();
        for (int round = 0; round < single.size(); round++) {
            wallAdded.add(sequence.get(round).wallMicros() - single.get(round).wallMicros());
            cpuAdded.add(sequence.get(round).cpuMicros() - single.get(round).cpuMicros());
            wallRatio.add(sequence.get(round).wallMicros() / single.get(round).wallMicros());
        }
        System.out.printf(Locale.ROOT, "%n[%s store] process CPU %.2f cores over the measurement%n", store, processCpu);
        System.out.printf(Locale.ROOT, "%-12s %16s %20s %16s%n", "shape", "median wall us", "wall p25..p75 us",
                "median CPU us");
        samples.forEach((name, values) -> System.out.printf(Locale.ROOT, "%-12s %16.0f %20s %16.0f%n", name,
                quantile(values.stream().map(Sample::wallMicros).toList(), 0.5),
                String.format(Locale.ROOT, "%.0f..%.0f", quantile(values.stream().map(Sample::wallMicros).toList(),
                        0.25), quantile(values.stream().map(Sample::wallMicros).toList(), 0.75)),
                quantile(values.stream().map(Sample::cpuMicros).toList(), 0.5)));
        System.out.printf(Locale.ROOT, "sequence adds: wall %.0f us per run (p25..p75 %.0f..%.0f), %.0f us per plan;"
                + " CPU %.0f us per run, %.0f us per plan; ratio %.3fx (p25..p75 %.3f..%.3f)%n",
                quantile(wallAdded, 0.5), quantile(wallAdded, 0.25), quantile(wallAdded, 0.75),
                quantile(wallAdded, 0.5) / plans, quantile(cpuAdded, 0.5), quantile(cpuAdded, 0.5) / plans,
                quantile(wallRatio, 0.5), quantile(wallRatio, 0.25), quantile(wallRatio, 0.75));
    }

    private static UpgradeRunner runner(CheckpointStore store) {
        return UpgradeRunner.builder().store(store).owner("bench").heartbeat(false).build();
    }

    private static UpgradePlan plan(String id, int steps, AtomicLong sink) {
        UpgradePlan.Builder builder = UpgradePlan.builder(id);
        for (int i = 0; i < steps; i++) {
            builder.step(UpgradeStep.builder("step-" + i).execute(ctx -> {
                long done = sink.incrementAndGet();
                ctx.progress(done, done, "step done");
            }).build());
        }
        return builder.build();
    }

    private static void requireSuccess(UpgradeReport report) {
        if (!report.isSuccess()) {
            throw new IllegalStateException(report.toString());
        }
    }

    private static void requireSuccess(SequenceReport report) {
        if (!report.isSuccess() || report.appliedPlans().isEmpty()) {
            throw new IllegalStateException(report.toString());
        }
    }

    private static double quantile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = (int) Math.ceil(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }
}
