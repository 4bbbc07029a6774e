package io.upgradesdk.benchmarks;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Slf4jUpgradeListener;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * is {@code none} or {@code slf4j-info}: the {@link Slf4jUpgradeListener} with a logger at INFO
 * that formats every line and writes it to a buffered file, as an appender does (the cost of INFO
 * progress logging).
 *
 * <pre>
 * mvn -Pbench -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RunnerOverhead
 * java -jar benchmarks/target/benchmarks.jar 'RunnerOverhead.runner' -p store=memory -p listener=none,slf4j-info
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class RunnerOverheadBenchmark {

    static final int STEPS = 1000;

    @Param({"memory", "file", "file-tmpfs"})
    public String store;

    @Param({"none", "slf4j-info"})
    public String listener;

    private final AtomicLong sink = new AtomicLong();
    private UpgradePlan plan;
    private Path directory;
    private CheckpointStore checkpointStore;
    private UpgradeRunner runner;
    private FileLogger logger;

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
}
