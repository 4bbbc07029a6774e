package io.upgradesdk.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Slf4jUpgradeListener;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.Marker;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The runner's own cost per step: a 1,000-step plan of no-op steps run with the in-memory store
 * and with the durable file store (fsync included) on the temp directory's disk and on tmpfs
 * ({@code /dev/shm}, where fsync is almost free: the runner and store cost without the disk's),
 * against the same 1,000 step bodies called in a bare loop. Results are per step
 * ({@code OperationsPerInvocation = 1000}). Each step reports its progress once; {@code listener}
 * is {@code none}, {@code no-op}: a listener that does nothing (what the runner spends building and
 * publishing the events, the floor under every listener), {@code slf4j-info}: the {@link Slf4jUpgradeListener} with a logger at INFO
 * that formats every line and writes it to a buffered file, as an appender does (the cost of INFO
 * progress logging), or {@code micrometer}: the {@link MicrometerUpgradeListener} on a
 * {@code SimpleMeterRegistry} kept across runs. {@link ListenerOverheadBenchmark} prints the ratios
 * with a median over many rounds.
 *
 * <pre>
 * mvn -Pbench -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RunnerOverhead
 * java -jar benchmarks/target/benchmarks.jar 'RunnerOverheadBenchmark.runner' -p store=memory -p listener=none,no-op,slf4j-info
 * </pre>
 *
 * <p>Its {@link #main disk mode} (a plain main, not JMH) sets the file store against the disk's
 * own limit in one run: the cost per step of plans of 100, 1,000 and 5,000 steps with the file
 * store, each run followed by a bare loop of small in-place writes each followed by a data-only
 * sync ({@code FileChannel.force(false)}, {@code fdatasync}) on the same disk, and their ratio
 * (syncs' worth per step, each run against the syncs timed next to it):
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.upgradesdk.benchmarks.RunnerOverheadBenchmark [DIR] [ROUNDS]
 * </pre>
 *
 * {@code DIR} must be on the disk to measure (not tmpfs; default: a new directory under the
 * working directory), {@code ROUNDS} the measured rounds (default 7, after one warm-up round of
 * the two smaller plans).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class RunnerOverheadBenchmark {

    static final int STEPS = 1000;

    @Param({"memory", "file", "file-tmpfs"})
    public String store;

    @Param({"none", "no-op", "slf4j-info", "micrometer"})
    public String listener;

    private final AtomicLong sink = new AtomicLong();
    private UpgradePlan plan;
    private Path directory;
    private CheckpointStore checkpointStore;
    private UpgradeRunner runner;
    private FileLogger logger;
    private MicrometerUpgradeListener metrics;

    @Setup(Level.Trial)
    public void plan() throws IOException {
        UpgradePlan.Builder builder = UpgradePlan.builder("bench");
        for (int i = 0; i < STEPS; i++) {
            builder.step(UpgradeStep.builder("step-" + i).execute(this::work).build());
        }
        plan = builder.build();
        directory = "file-tmpfs".equals(store)
                ? Files.createTempDirectory(Path.of("/dev/shm"), "upgrade-bench")
                : Files.createTempDirectory("upgrade-bench");
        logger = "slf4j-info".equals(listener) ? new FileLogger(directory.resolve("events.log")) : null;
        metrics = "micrometer".equals(listener) ? MicrometerUpgradeListener.of(new SimpleMeterRegistry()) : null;
    }

    @TearDown(Level.Trial)
    public void closeLog() throws IOException {
        if (logger != null) {
            logger.close();
        }
    }

    @Setup(Level.Invocation)
    public void freshStore() throws IOException {
        Path file = directory.resolve("checkpoint.json");
        Files.deleteIfExists(file);
        checkpointStore = store.startsWith("file") ? new FileCheckpointStore(file) : new InMemoryCheckpointStore();
        UpgradeRunner.Builder builder = UpgradeRunner.builder().store(checkpointStore).owner("bench").heartbeat(false);
        if (logger != null) {
            builder.listener(new Slf4jUpgradeListener(logger));
        }
        if (metrics != null) {
            builder.listener(metrics);
        }
        if ("no-op".equals(listener)) {
            builder.listener(event -> { });
        }
        runner = builder.build();
    }

    @TearDown(Level.Invocation)
    public void closeStore() {
        checkpointStore.close();
    }

    private void work(StepContext context) {
        long done = sink.incrementAndGet();
        if (context != null) {
            context.progress(done, done, "step done");
        }
    }

    /** An SLF4J logger at INFO writing formatted lines to a buffered file, like a file appender. */
    static final class FileLogger extends LegacyAbstractLogger implements java.io.Closeable {
        private final transient java.io.Writer out;

        FileLogger(Path file) throws IOException {
            this.name = "io.upgradesdk.upgrade.events";
            this.out = Files.newBufferedWriter(file);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String pattern,
                Object[] arguments, Throwable throwable) {
            try {
                out.write(java.time.Instant.now() + " " + level + " " + name + " - "
                        + MessageFormatter.basicArrayFormat(pattern, arguments) + System.lineSeparator());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    /** The plan run by the runner: step bodies plus everything the runner adds. */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    @Warmup(iterations = 3, batchSize = 1)
    @Measurement(iterations = 5, batchSize = 1)
    public UpgradeReport runner() {
        UpgradeReport report = runner.run(plan);
        if (!report.isSuccess()) {
            throw new IllegalStateException(report.toString());
        }
        return report;
    }

    /** The same step bodies called in a plain loop: the baseline the runner's overhead is measured against. */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    @Warmup(iterations = 3, batchSize = 1)
    @Measurement(iterations = 5, batchSize = 1)
    public long bareLoop() throws Exception {
        for (UpgradeStep step : plan.steps()) {
            step.execute(null);
        }
        return sink.get();
    }

    // --- disk mode: the file store against the disk's own sync cost, in one run ---------------------

    private static final int[] DISK_PLAN_SIZES = {100, 1000, 5000};
    private static final int SYNCS_PER_ROUND = 100;

    /**
     * Prints, per plan size, µs per step of the file store and its ratio to the median of a bare
     * sync loop run right after each plan run (the disk's speed drifts on a shared machine: each
     * run is set against syncs timed next to it), with the spread over rounds.
     */
    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Path.of("").toAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path directory = Files.createTempDirectory(base, "runner-disk-bench");
        FileStore disk = Files.getFileStore(directory);
        System.out.printf(Locale.ROOT, "Runner with the file store on %s (%s, %s), %d rounds + 1 warm-up, %s%n",
                directory, disk.name(), disk.type(), rounds, Runtime.version());
        if ("tmpfs".equals(disk.type())) {
            System.out.println("WARNING: tmpfs, where a sync costs nothing: pass a directory on a disk");
        }
        Map<Integer, UpgradePlan> plans = new LinkedHashMap<>();
        Map<Integer, List<Double>> perStep = new LinkedHashMap<>();
        Map<Integer, List<Double>> ratios = new LinkedHashMap<>();
        for (int size : DISK_PLAN_SIZES) {
            plans.put(size, noOpPlan(size));
            perStep.put(size, new ArrayList<>());
            ratios.put(size, new ArrayList<>());
        }
        List<Double> syncs = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            for (int size : DISK_PLAN_SIZES) {
                if (round == 0 && size > 1000) {
                    continue; // the warm-up round only warms the code up
                }
                double micros = microsPerStep(plans.get(size), directory);
                List<Double> nextSyncs = Arrays.stream(bareSyncs(directory)).boxed().toList();
                if (round > 0) {
                    perStep.get(size).add(micros);
                    ratios.get(size).add(micros / median(nextSyncs));
                    syncs.addAll(nextSyncs);
                }
            }
        }
        System.out.printf(Locale.ROOT, "bare in-place 64-byte write + fdatasync: median %.1f us over all %d syncs%n",
                median(syncs), syncs.size());
        System.out.printf(Locale.ROOT, "%8s %14s %22s %22s %14s%n", "steps", "median us/step", "min..max us/step",
                "syncs per step", "(min..max)");
        for (int size : DISK_PLAN_SIZES) {
            List<Double> values = perStep.get(size);
            List<Double> ratio = ratios.get(size);
            System.out.printf(Locale.ROOT, "%8d %14.1f %22s %22.2f %14s%n", size, median(values),
                    String.format(Locale.ROOT, "%.1f..%.1f", min(values), max(values)), median(ratio),
                    String.format(Locale.ROOT, "%.2f..%.2f", min(ratio), max(ratio)));
        }
    }

    private static UpgradePlan noOpPlan(int steps) {
        AtomicLong counter = new AtomicLong();
        UpgradePlan.Builder builder = UpgradePlan.builder("bench-" + steps);
        for (int i = 0; i < steps; i++) {
            builder.step(UpgradeStep.builder("step-" + i).execute(ctx -> counter.incrementAndGet()).build());
        }
        return builder.build();
    }

    /** One run of the plan on a new checkpoint file: µs per step. */
    private static double microsPerStep(UpgradePlan plan, Path directory) throws IOException {
        Path file = directory.resolve("checkpoint.json");
        Files.deleteIfExists(file);
        try (CheckpointStore store = new FileCheckpointStore(file)) {
            UpgradeRunner runner = UpgradeRunner.builder().store(store).owner("bench").heartbeat(false).build();
            long start = System.nanoTime();
            UpgradeReport report = runner.run(plan);
            long took = System.nanoTime() - start;
            if (!report.isSuccess()) {
                throw new IllegalStateException(report.toString());
            }
            return took / 1000.0 / plan.steps().size();
        }
    }

    /** µs of each of {@link #SYNCS_PER_ROUND} small in-place writes followed by a data-only sync. */
    private static double[] bareSyncs(Path directory) throws IOException {
        Path file = directory.resolve("sync-probe");
        double[] micros = new double[SYNCS_PER_ROUND];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4096), 0);
            channel.force(true);
            byte[] record = new byte[64];
            for (int i = 0; i < micros.length; i++) {
                Arrays.fill(record, (byte) ('a' + i % 26));
                long start = System.nanoTime();
                channel.write(ByteBuffer.wrap(record), 0);
                channel.force(false);
                micros[i] = (System.nanoTime() - start) / 1000.0;
            }
        }
        return micros;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
