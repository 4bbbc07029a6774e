package io.upgradesdk.benchmarks;

import io.lettuce.core.RedisURI;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchCheckpointStore;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore;
import io.upgradesdk.upgrade.store.redis.RedisCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Checkpoint save latency per store, measured in one run: in-memory, file (one change record
 * appended in place, then {@code fdatasync}), Redis without persistence, Redis with AOF {@code appendfsync always}, JDBC on PostgreSQL and
 * an Elasticsearch 8.x index (real servers on 127.0.0.1 started by the test-servers starters;
 * PostgreSQL as the test starter runs it, with {@code fsync=off}). Each save is a fenced write of a 10-step checkpoint
 * whose cursor changed. The in-memory store keeps the object; the others serialise it with
 * {@code toJson()}, whose cost alone is the first line, for reference. A plain main, not a test:
 *
 * <pre>
 * mvn -B -q -Pbench -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.upgradesdk.benchmarks.SaveLatencyBenchmark [1000 5000]
 * </pre>
 *
 * Arguments: warm-up saves and measured saves per store (default 1000 and 5000).
 */
public final class SaveLatencyBenchmark {

    private SaveLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        Path dir = Files.createTempDirectory("save-latency");
        RedisServer volatileRedis = RedisServer.get();
        RedisServer durableRedis = RedisServer.builder().appendOnly().start();

        Map<String, Supplier<CheckpointStore>> stores = new LinkedHashMap<>();
        stores.put("in-memory", InMemoryCheckpointStore::new);
        stores.put("file (append, fdatasync)", () -> new FileCheckpointStore(dir.resolve("checkpoints.json")));
        stores.put("redis (no persistence)", () -> redis(volatileRedis));
        stores.put("redis (AOF fsync always)", () -> redis(durableRedis));
        stores.put("jdbc, new connection/call", () -> jdbc(false));
        stores.put("jdbc, pooled connections", () -> jdbc(true));
        stores.put("elasticsearch 8.x", SaveLatencyBenchmark::elasticsearch);

        System.out.printf(Locale.ROOT, "Checkpoint save latency, %d warm-up + %d measured saves per store, %s%n",
                warmup, measured, Runtime.version());
        System.out.printf(Locale.ROOT, "%-26s %10s %10s %10s %10s %12s%n", "store", "median us", "p99 us",
                "mean us", "max us", "median/mem");
        double memoryMedian = 0;
        long[] json = measureJson(warmup, measured);
        Arrays.sort(json);
        System.out.printf(Locale.ROOT, "%-26s %10.1f %10.1f %10s %10.1f %12s%n", "(toJson only, reference)",
                micros(json[json.length / 2]), micros(json[(int) Math.ceil(json.length * 0.99) - 1]), "",
                micros(json[json.length - 1]), "");
        for (Map.Entry<String, Supplier<CheckpointStore>> entry : stores.entrySet()) {
            long[] nanos;
            try (CheckpointStore store = entry.getValue().get()) {
                nanos = measure(store, warmup, measured);
            }
            Arrays.sort(nanos);
            double median = micros(nanos[nanos.length / 2]);
            double p99 = micros(nanos[(int) Math.ceil(nanos.length * 0.99) - 1]);
            double mean = micros((long) Arrays.stream(nanos).average().orElse(0));
            double max = micros(nanos[nanos.length - 1]);
            if (memoryMedian == 0) {
                memoryMedian = median;
            }
            System.out.printf(Locale.ROOT, "%-26s %10.1f %10.1f %10.1f %10.1f %11.1fx%n", entry.getKey(), median,
                    p99, mean, max, median / memoryMedian);
        }
        durableRedis.close();
        System.exit(0);
    }

    private static CheckpointStore redis(RedisServer server) {
        RedisURI uri = RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build();
        return RedisCheckpointStore.builder().uri(uri).keyPrefix(server.uniqueKeyPrefix("bench")).build();
    }

    /** The store on PostgreSQL, with a new connection per call or with the driver's own small pool. */
    @SuppressWarnings("deprecation")
    private static CheckpointStore jdbc(boolean pooled) {
        PostgresServer server = PostgresServer.get();
        String url = server.jdbcUrl(server.newDatabase("bench_save"));
        if (pooled) {
            org.postgresql.ds.PGPoolingDataSource pool = new org.postgresql.ds.PGPoolingDataSource();
            pool.setUrl(url);
            pool.setUser(server.user());
            pool.setMaxConnections(4);
            return JdbcCheckpointStore.builder(pool).build();
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(server.user());
        return JdbcCheckpointStore.builder(dataSource).build();
    }

    private static CheckpointStore elasticsearch() {
        ElasticsearchServer es = ElasticsearchServer.get(ElasticsearchServer.V8);
        return ElasticsearchCheckpointStore.builder(ElasticsearchEndpoint.of(es.url()))
                .index(es.newIndexPrefix("bench") + "checkpoints").build();
    }

    private static UpgradePlan plan() {
        UpgradePlan.Builder builder = UpgradePlan.builder("bench-save");
        for (int s = 1; s <= 10; s++) {
            builder.step(UpgradeStep.builder("step-" + s).execute(ctx -> { }).build());
        }
        return builder.build();
    }

    private static long[] measureJson(int warmup, int measured) {
        Checkpoint checkpoint = Checkpoint.start(plan(), Instant.now());
        long[] nanos = new long[measured];
        long sink = 0;
        for (int i = 0; i < warmup + measured; i++) {
            String stepId = "step-" + (1 + i % 10);
            checkpoint = checkpoint.withStep(checkpoint.step(stepId).withCursor("copied-up-to-id-" + i), Instant.now());
            long start = System.nanoTime();
            sink += checkpoint.toJson().length();
            long took = System.nanoTime() - start;
            if (i >= warmup) {
                nanos[i - warmup] = took;
            }
        }
        if (sink == 42) {
            System.out.println();
        }
        return nanos;
    }

    private static long[] measure(CheckpointStore store, int warmup, int measured) {
        UpgradePlan plan = plan();
        Lease lease = store.acquireLease(plan.id(), "bench", Duration.ofMinutes(30));
        Checkpoint checkpoint = Checkpoint.start(plan, Instant.now());
        long[] nanos = new long[measured];
        for (int i = 0; i < warmup + measured; i++) {
            String stepId = "step-" + (1 + i % 10);
            checkpoint = checkpoint.withStep(checkpoint.step(stepId).withCursor("copied-up-to-id-" + i), Instant.now());
            long start = System.nanoTime();
            store.save(checkpoint, lease);
            long took = System.nanoTime() - start;
            if (i >= warmup) {
                nanos[i - warmup] = took;
            }
        }
        store.releaseLease(lease);
        return nanos;
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }
}
