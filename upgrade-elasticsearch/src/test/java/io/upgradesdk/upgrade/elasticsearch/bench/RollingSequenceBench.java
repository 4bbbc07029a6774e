package io.upgradesdk.upgrade.elasticsearch.bench;

import io.upgradesdk.testservers.ElasticsearchCluster;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.NodeHost;
import io.upgradesdk.upgrade.elasticsearch.RollingSequenceFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Benchmark (a main, not run by surefire): the real 7.17.29 → 8.19.21 → 9.2.4 rolling sequence
 * ({@code ElasticsearchUpgrade.rollingSequence}) on a new two-node cluster, once, with the
 * {@code RollingSequenceTest} setup ({@link RollingSequenceFixture}). A listener splits each plan's
 * wall time, from the runner's typed events, into node restarts (the host's stop + start on the
 * new release, until the node answers and its cluster is at least yellow), recovery (from the
 * node's return to the step's {@code StepProgress} for that node: rejoin check, allocation back on,
 * waiting for green) and everything else (pre-flight, gates, allocation off and flush, checkpoint
 * saves, the sequence's bookkeeping), the figure issue 16 asks for. Needs the Java 21+ JDK that
 * test-servers finds for 9.x. Option {@code -Dbench.pollMillis=1000} (the plan's poll interval,
 * default the product's 1 s).
 *
 * <pre>
 * mvn -B -q -pl upgrade-elasticsearch -am test-compile dependency:build-classpath -DskipTests -Dmdep.outputFile=/tmp/es-cp.txt
 * java -cp "upgrade-elasticsearch/target/test-classes:upgrade-elasticsearch/target/classes:$(cat /tmp/es-cp.txt)" \
 *     io.upgradesdk.upgrade.elasticsearch.bench.RollingSequenceBench
 * </pre>
 * (one command with the reactor, so that the sibling modules come from their {@code target/classes}
 * without being installed). Prints a table per plan and one for the whole sequence, with shares.
 */
public final class RollingSequenceBench {

    private RollingSequenceBench() {
    }

    public static void main(String[] args) throws Exception {
        long pollMillis = Long.getLong("bench.pollMillis", 1000);
        Path dir = Files.createTempDirectory("rolling-sequence-bench");
        SplitListener split = new SplitListener();
        System.out.println("load average at the start (1/5/15 min): " + Files.readString(Path.of("/proc/loadavg")).trim());
        long cpu0 = processCpuNanos();
        try (ElasticsearchCluster cluster = RollingSequenceFixture.seededCluster();
                ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().pollInterval(Duration.ofMillis(pollMillis))
                        .build()) {
            UpgradeSequence sequence = es.rollingSequence(RollingSequenceFixture.settings(cluster),
                    version -> timedRestart(cluster, version, split));
            TimedStore store = new TimedStore(new FileCheckpointStore(dir.resolve("sequence.json")));
            long cpu1 = processCpuNanos();
            SequenceReport report = UpgradeRunner.builder().store(store).listener(split).build().run(sequence);
            long cpuMs = (processCpuNanos() - cpu1) / 1_000_000;
            report.throwIfFailed();
            String count = cluster.node(1).request("GET", "/" + RollingSequenceFixture.INDEX + "/_count", null).ok()
                    .body();
            split.print(report.duration());
            System.out.printf("checkpoint store: %d ms in %d writes (inside 'other'); bench JVM CPU during the run "
                    + "%d ms (setup %d ms); poll interval %d ms; after: %s on %s%n", store.millis(), store.writes(),
                    cpuMs, (cpu1 - cpu0) / 1_000_000, pollMillis, count, cluster.node(1).version());
            System.out.println("load average at the end (1/5/15 min): " + Files.readString(Path.of("/proc/loadavg")).trim());
        }
        System.exit(0);
    }

    /** The bench's host: stops the node and starts it on {@code version}, reporting the interval to the listener. */
    private static NodeHost timedRestart(ElasticsearchCluster cluster, String version, SplitListener split) {
        return name -> {
            ElasticsearchNode node = RollingSequenceFixture.node(cluster, name);
            Instant start = Instant.now();
            node.stop();
            node.start(version);
            split.nodeRestarted(start, Instant.now());
        };
    }

    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
    }

    /** Per plan: step times from the typed events, restart and recovery intervals, the plan's wall time. */
    static final class SplitListener implements UpgradeListener {

        private final Map<String, PlanSplit> plans = new LinkedHashMap<>();
        private PlanSplit current;
        private Instant restartEnded;

        @Override
        public synchronized void onEvent(UpgradeEvent event) {
            if (event instanceof UpgradeEvent.PlanStarted e) {
                current = plans.computeIfAbsent(e.planId(), k -> new PlanSplit());
            } else if (event instanceof UpgradeEvent.StepSucceeded e) {
                current.steps.merge(e.stepId(), e.duration().toMillis(), Long::sum);
            } else if (event instanceof UpgradeEvent.StepProgress e && restartEnded != null) {
                // the rolling step reports each node once it is back, allocated and green
                current.recoveryMs += Duration.between(restartEnded, e.time()).toMillis();
                restartEnded = null;
            } else if (event instanceof UpgradeEvent.PlanFinished e) {
                current.wallMs += e.duration().toMillis();
            }
        }

        synchronized void nodeRestarted(Instant start, Instant end) {
            current.restartMs += Duration.between(start, end).toMillis();
            current.restarts++;
            restartEnded = end;
        }

        void print(Duration sequenceWall) {
            long restart = 0;
            long recovery = 0;
            long plansWall = 0;
            for (Map.Entry<String, PlanSplit> p : plans.entrySet()) {
                PlanSplit s = p.getValue();
                System.out.printf("%nplan %s (%d node restarts)%n", p.getKey(), s.restarts);
                s.steps.forEach((step, ms) -> System.out.printf("  step %-28s %8d ms%n", step, ms));
                row("node restarts", s.restartMs, s.wallMs);
                row("recovery", s.recoveryMs, s.wallMs);
                row("other (the plan's own time)", s.wallMs - s.restartMs - s.recoveryMs, s.wallMs);
                if (s.restarts > 0) {
                    long rolling = s.steps.getOrDefault("rolling-upgrade", 0L);
                    row("  of which in rolling-upgrade", rolling - s.restartMs - s.recoveryMs, s.wallMs);
                }
                row("plan wall", s.wallMs, s.wallMs);
                restart += s.restartMs;
                recovery += s.recoveryMs;
                plansWall += s.wallMs;
            }
            long wall = sequenceWall.toMillis();
            System.out.printf("%nwhole sequence (%d plans)%n", plans.size());
            row("node restarts", restart, wall);
            row("recovery", recovery, wall);
            row("other inside plans", plansWall - restart - recovery, wall);
            row("sequence bookkeeping between plans", wall - plansWall, wall);
            row("other (total)", wall - restart - recovery, wall);
            row("sequence wall", wall, wall);
        }

        private static void row(String what, long ms, long of) {
            System.out.printf("  %-36s %8d ms %6.2f %%%n", what, ms, of == 0 ? 0 : 100.0 * ms / of);
        }
    }

    /** One plan's figures (ms). */
    private static final class PlanSplit {
        private final Map<String, Long> steps = new LinkedHashMap<>();
        private long wallMs;
        private long restartMs;
        private long recoveryMs;
        private int restarts;
    }
}
