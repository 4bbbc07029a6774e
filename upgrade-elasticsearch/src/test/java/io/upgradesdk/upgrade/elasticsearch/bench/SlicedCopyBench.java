package io.upgradesdk.upgrade.elasticsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.CopyCursor;
import io.upgradesdk.upgrade.elasticsearch.DocumentCopy;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (a main, not run by surefire or bin/test) of the sliced copy
 * ({@code DocumentCopy…slices(n).partitionedStep(..).workers(n)}, in this JVM) on real
 * Elasticsearch 5.6 → 7.17: N documents of about 1 KB in a source index of 8 primary shards, copied
 * with 1, 2, 4 and 8 slices (workers = slices), default page size and write concurrency. Warm-up
 * copies first (by default each configuration once); then the rounds run every configuration once each, in an
 * order rotated per round, and the medians are compared. The target index is created before each
 * run (no replicas, no refresh while loading, {@code bench.targetShards} shards) and deleted right
 * after it, so that its merges do not run into the next one.
 *
 * <p>Per run: wall time of the plan, documents/s, and the CPU of each process: the source node and
 * the target node ({@code /proc/<pid>} through {@link ProcessHandle}), the copying JVM (this
 * process, all threads, GC and JIT included), plus the target's write rejections
 * (write thread pool and indexing pressure). From the medians: CPU seconds per 1,000 documents on
 * each side, and the throughput model printed at the end.
 *
 * <pre>
 * mvn -B -q -pl upgrade-elasticsearch -am test-compile dependency:build-classpath -DskipTests -Dmdep.outputFile=/tmp/es-cp.txt
 * java -Xmx1g -Des.heap=1g -Dbench.rounds=3 -Dbench.warmup=4 \
 *     -cp "upgrade-elasticsearch/target/test-classes:upgrade-elasticsearch/target/classes:$(cat /tmp/es-cp.txt)" \
 *     io.upgradesdk.upgrade.elasticsearch.bench.SlicedCopyBench [documents, default 200000]
 * </pre>
 * Options: {@code bench.rounds} (default 3), {@code bench.slices} (default 1,2,4,8; {@code 8p}: 8
 * slices each run by a {@code DocumentCopy} of its own, so each with a budget of its own, as before
 * the shared budget and as a caller building one copy per slice gets),
 * {@code bench.warmup} (slices of the warm-up copies, default: each configuration once; one copy
 * reads every shard, so it warms the JIT and the source's {@code _uid} fielddata),
 * {@code bench.sourceShards} (default 8), {@code bench.targetShards} (default 8),
 * {@code bench.jfr=DIR}: a JFR profile (settings {@code profile}, through {@code jcmd}) of the client
 * JVM for each configuration's first measured run, as {@code DIR/slices-<n>.jfr} (JFR costs CPU:
 * compare CPU figures only between runs without it),
 * {@code bench.timeline=true}: per copy, when each partition (slice) was claimed, first reported a
 * written page and was done, and the time from the last partition done to the end of the plan.
 *
 * <p>Always: the copying JVM's CPU and wake-ups per thread role ({@link ClientThreadCpu}: slice
 * workers, bulk writers, HTTP I/O, GC, JIT, ...) per copy, their medians and per-round ratios of the
 * last configuration to the first, and after the rounds the client CPU of one slice's setup requests.
 */
public final class SlicedCopyBench {

    private static final String TYPE = "doc";

    /**
     * One measured copy: wall time, CPU ms of the three processes, target rejections, the tasks of the
     * target's write thread pool (shard-level bulk operations: a bulk request touching all 8 shards
     * counts about 8) and the source's page searches (shard query phases).
     */
    record Run(Config config, double seconds, long clientCpuMs, long sourceCpuMs, long targetCpuMs, long rejections,
            long writeTasks, long sourceQueries, ClientThreadCpu.Usage clientThreads) {
        int slices() {
            return config.slices();
        }
    }

    /**
     * A configuration: {@code slices} in one copy (one budget), or each slice a copy of its own
     * ({@code 8p}); a suffix {@code wN} fixes the copy's bulk requests in flight to N ({@code 8w1})
     * instead of the default.
     */
    record Config(int slices, boolean copyPerSlice, int writeConcurrency) {
        static Config parse(String text) {
            String t = text.trim();
            int w = t.indexOf('w');
            int writes = w < 0 ? 0 : Integer.parseInt(t.substring(w + 1));
            String head = w < 0 ? t : t.substring(0, w);
            boolean perSlice = head.endsWith("p");
            return new Config(Integer.parseInt(perSlice ? head.substring(0, head.length() - 1) : head), perSlice,
                    writes);
        }

        DocumentCopy.Builder configure(DocumentCopy.Builder copy) {
            return writeConcurrency > 0 ? copy.writeConcurrency(writeConcurrency) : copy;
        }

        @Override
        public String toString() {
            return slices + (copyPerSlice ? "p" : "") + (writeConcurrency > 0 ? "w" + writeConcurrency : "");
        }
    }

    private final ElasticsearchConnection source;
    private final ElasticsearchConnection target;
    private final long sourcePid;
    private final long targetPid;
    private final String sourceIndex;
    private final String targetIndex;
    private final int documents;
    private final int targetShards;
    private final Path jfrDir;
    private final boolean timelines = Boolean.getBoolean("bench.timeline");
    private boolean printedThreadNames;

    private SlicedCopyBench(ElasticsearchConnection source, ElasticsearchConnection target, long sourcePid,
            long targetPid, String prefix, int documents) {
        this.source = source;
        this.target = target;
        this.sourcePid = sourcePid;
        this.targetPid = targetPid;
        this.sourceIndex = prefix + "source";
        this.targetIndex = prefix + "target";
        this.documents = documents;
        this.targetShards = Integer.getInteger("bench.targetShards", 8);
        String jfr = System.getProperty("bench.jfr");
        this.jfrDir = jfr == null ? null : Path.of(jfr);
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = Integer.getInteger("bench.rounds", 3);
        Config[] slices = Arrays.stream(System.getProperty("bench.slices", "1,2,4,8").split(","))
                .map(Config::parse).toArray(Config[]::new);
        System.out.println("date " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " processors, load average (1/5/15 min) " + loadAverage());
        ElasticsearchServer es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        try (ElasticsearchConnection v5 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es5.url()));
                ElasticsearchConnection v7 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es7.url()))) {
            SlicedCopyBench bench = new SlicedCopyBench(v5, v7, es5.node().pid(), es7.node().pid(),
                    es5.newIndexPrefix("slicedbench"), documents);
            bench.load(Integer.getInteger("bench.sourceShards", 8));
            bench.idleCpu();
            bench.measure(slices, rounds);
        }
        System.out.println("load average at the end (1/5/15 min): " + loadAverage());
        System.exit(0);
    }

    /** Warm-up (each configuration once), then {@code rounds} interleaved rounds, then the medians and the model. */
    private void measure(Config[] slices, int rounds) throws Exception {
        String warmup = System.getProperty("bench.warmup");
        Config[] warm = warmup == null ? slices : Arrays.stream(warmup.split(",")).map(Config::parse).toArray(Config[]::new);
        System.out.println("warm-up: " + Arrays.toString(warm) + " slices");
        for (Config n : warm) {
            print("  warm-up", run(n, false));
        }
        Map<Config, List<Run>> results = new LinkedHashMap<>();
        for (Config n : slices) {
            results.put(n, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            System.out.printf("round %d of %d, load average %s%n", round + 1, rounds, loadAverage());
            for (int i = 0; i < slices.length; i++) {
                Config n = slices[(i + round) % slices.length];
                Run r = run(n, round == 0 && jfrDir != null);
                print("  round " + (round + 1), r);
                results.get(n).add(r);
            }
        }
        List<Run> medians = new ArrayList<>();
        results.values().forEach(runs -> medians.add(median(runs)));
        summary(medians, rounds);
        threadSummary(results);
        sliceSetupCost(200);
    }

    /** Source index: {@code shards} primaries, no replica, ~1 KB documents, merged down before the runs. */
    private void load(int shards) throws InterruptedException {
        long t0 = System.nanoTime();
        source.send("PUT", "/" + sourceIndex, "{\"settings\":{\"number_of_shards\":" + shards
                + ",\"number_of_replicas\":0,\"refresh_interval\":\"-1\"},\"mappings\":{\"" + TYPE
                + "\":{\"properties\":{\"n\":{\"type\":\"integer\"},\"name\":{\"type\":\"keyword\"},"
                + "\"created\":{\"type\":\"date\"},\"notes\":{\"type\":\"text\"}}}}}");
        Random random = new Random(42);
        String words = "the quick brown fox jumps over the lazy dog while taxis drive across new york city at night ";
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < documents; i++) {
            StringBuilder notes = new StringBuilder();
            while (notes.length() < 900) {
                int from = random.nextInt(words.length() - 20);
                notes.append(words, from, from + 20);
            }
            nd.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n{\"n\":").append(i)
                    .append(",\"name\":\"user ").append(i).append("\",\"created\":").append(1_500_000_000_000L + i)
                    .append(",\"notes\":\"").append(notes).append("\"}\n");
            if ((i + 1) % 5000 == 0 || i == documents - 1) {
                if (source.sendNdjson("/" + sourceIndex + "/" + TYPE + "/_bulk", nd.toString()).path("errors").asBoolean()) {
                    throw new IllegalStateException("loading the source failed");
                }
                nd.setLength(0);
            }
        }
        source.send("PUT", "/" + sourceIndex + "/_settings", "{\"index\":{\"refresh_interval\":\"1s\"}}");
        source.send("POST", "/" + sourceIndex + "/_refresh", null);
        mergeSource();
        JsonNode stats = source.send("GET", "/" + sourceIndex + "/_stats/docs,store", null).path("_all").path("primaries");
        System.out.printf("loaded %d documents (%d shards, %.0f MB on disk) into ES %s in %.1f s%n",
                stats.path("docs").path("count").asLong(), shards,
                stats.path("store").path("size_in_bytes").asLong() / 1e6, ElasticsearchServer.V5, secs(t0));
    }

    /**
     * Merges the source down to one segment per shard (the merges of a fresh load would otherwise
     * run into the first copies); on a loaded machine the request outlives the client's timeout,
     * the merge goes on in the node and is waited for through the merge stats.
     */
    private void mergeSource() throws InterruptedException {
        try {
            source.send("POST", "/" + sourceIndex + "/_forcemerge?max_num_segments=1", null);
        } catch (UpgradeException e) {
            System.out.println("force merge still running after the request timeout (" + e.getMessage() + "); waiting");
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        while (source.send("GET", "/" + sourceIndex + "/_stats/merge", null).path("_all").path("primaries")
                .path("merges").path("current").asLong() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the source's merges did not end within 20 minutes");
            }
            Thread.sleep(2000);
        }
    }

    /**
     * The client CPU of what each slice asks the source before its first page, the same requests
     * as {@code DocumentCopier.copySlice}: the index's shard count (settings) and its own shards'
     * count; 8 slices make 7 more of each than 1 slice. Measured {@code times} times in a row
     * after the rounds (JIT warm), on this thread and in the whole process (HTTP I/O included).
     */
    private void sliceSetupCost(int times) {
        io.upgradesdk.testservers.ThreadCpu threads0 = io.upgradesdk.testservers.ThreadCpu.now();
        long process0 = processCpuMs();
        long t0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            source.send("GET", "/" + sourceIndex + "/_settings/index.number_of_shards", null);
            source.send("POST", "/" + sourceIndex + "/_count?preference=_shards:" + (i % 8),
                    "{\"query\":{\"match_all\":{}}}");
        }
        long callingThreadMs = io.upgradesdk.testservers.ThreadCpu.now()
                .msByGroupSince(threads0, name -> name.equals("main") ? "main" : "other").getOrDefault("main", 0L);
        System.out.printf("%nslice setup (settings + count request), %d times: %.2f ms client CPU each (process), %.2f ms"
                + " on the calling thread, %.2f ms wall; 7 more slices: %.0f ms of client CPU%n", times,
                (processCpuMs() - process0) / (double) times, callingThreadMs / (double) times,
                secs(t0) * 1000 / times, 7.0 * (processCpuMs() - process0) / times);
    }

    /** The nodes' own CPU when nothing is copied (background work), printed once for reference. */
    private void idleCpu() throws InterruptedException {
        long[] before = {cpuMs(sourcePid), cpuMs(targetPid)};
        Thread.sleep(5000);
        System.out.printf("idle CPU over 5 s: source node %d ms, target node %d ms%n",
                cpuMs(sourcePid) - before[0], cpuMs(targetPid) - before[1]);
    }

    /** One copy into a fresh target index; counts checked, target deleted at the end. */
    private Run run(Config config, boolean profile) throws Exception {
        String slices = config.toString();
        recreateTarget();
        long rejections0 = rejections();
        long queries0 = sourceQueries();
        long writeTasks0 = writeTasks();
        if (profile) {
            jcmd("JFR.start", "name=slices-" + slices, "settings=profile");
        }
        ClientThreadCpu threads = ClientThreadCpu.start(Duration.ofMillis(200));
        long[] cpu0 = {processCpuMs(), cpuMs(sourcePid), cpuMs(targetPid)};
        long t0 = System.nanoTime();
        UpgradeStep step = config.copyPerSlice() ? copyPerSlice(config)
                : config.configure(DocumentCopy.from(source, sourceIndex).to(target, targetIndex)).slices(config.slices()).build()
                        .partitionedStep("copy").workers(config.slices()).build();
        UpgradePlan plan = UpgradePlan.builder("sliced-bench-" + config.slices()).step(step).build();
        Timeline timeline = new Timeline(t0);
        UpgradeRunner.Builder runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("bench");
        (timelines ? runner.listener(timeline) : runner).build().up(plan).throwIfFailed();
        double seconds = secs(t0);
        long clientCpuMs = processCpuMs() - cpu0[0];
        String threadNames = threads.threadNames();
        Map<String, Integer> threadCounts = threads.threadsByRole();
        ClientThreadCpu.Usage threadUse = threads.stop();
        if (timelines) {
            timeline.print(seconds);
        }
        if (!printedThreadNames) {
            printedThreadNames = true;
            System.out.println("    client threads by name (ms; grouped below as " + ClientThreadCpu.ROLES + "): "
                    + threadNames);
        }
        System.out.println("    client CPU ms by thread role: " + threadUse.cpuMs() + "; scheduled in: " + threadUse.runs()
                + "; threads " + threadCounts);
        Run r = new Run(config, seconds, clientCpuMs, cpuMs(sourcePid) - cpu0[1], cpuMs(targetPid) - cpu0[2],
                rejections() - rejections0, writeTasks() - writeTasks0, sourceQueries() - queries0, threadUse);
        if (profile) {
            Files.createDirectories(jfrDir);
            Path file = jfrDir.resolve("slices-" + slices + ".jfr").toAbsolutePath();
            jcmd("JFR.stop", "name=slices-" + slices, "filename=" + file);
            System.out.println("  profile: " + file);
        }
        long count = target.send("GET", "/" + targetIndex + "/_count", null).path("count").asLong();
        printTargetIndexStats();
        target.send("DELETE", "/" + targetIndex, null);
        if (count != documents) {
            throw new IllegalStateException(slices + " slices copied " + count + " of " + documents + " documents");
        }
        return r;
    }

    /**
     * The same partitions, each slice run by a {@code DocumentCopy} of its own: each slice then has
     * its own bulk requests in flight and its own page bytes.
     */
    private UpgradeStep copyPerSlice(Config config) {
        int slices = config.slices();
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < slices; k++) {
            ids.add("slice-" + k);
        }
        return UpgradeStep.partitioned("copy").partitions(context -> ids).execute(part -> {
            int slice = Integer.parseInt(part.partitionId().substring("slice-".length()));
            config.configure(DocumentCopy.from(source, sourceIndex).to(target, targetIndex)).slices(slices)
                    .onCursor(cursor -> part.saveCursor(cursor.value())).build()
                    .runSlice(slice, part.cursor().map(CopyCursor::of).orElse(null));
        }).workers(slices).build();
    }

    private void recreateTarget() throws InterruptedException {
        if (target.exists("/" + targetIndex)) {
            target.send("DELETE", "/" + targetIndex, null);
        }
        target.send("PUT", "/" + targetIndex, "{\"settings\":{\"number_of_shards\":" + targetShards
                + ",\"number_of_replicas\":0,\"refresh_interval\":\"-1\"}}");
        target.send("GET", "/_cluster/health/" + targetIndex + "?wait_for_status=green&timeout=60s", null);
        Thread.sleep(1000);
    }

    /**
     * The runner's partition events of one copy, in ms since its start: claim, first page written
     * (first progress event) and done of each partition, and the step's end, to show the time between
     * the last partition's end and the plan's, when no slice works.
     */
    private static final class Timeline implements UpgradeListener {
        private final long t0;
        private final Map<String, long[]> partitions = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile long stepEnded = -1;

        Timeline(long t0) {
            this.t0 = t0;
        }

        @Override
        public void onEvent(UpgradeEvent event) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (event instanceof UpgradeEvent.PartitionClaimed e) {
                times(e.partitionId())[0] = ms;
            } else if (event instanceof UpgradeEvent.PartitionDone e) {
                times(e.partitionId())[2] = ms;
            } else if (event instanceof UpgradeEvent.StepProgress e && e.message().startsWith("partition ")) {
                String id = e.message().substring("partition ".length(), e.message().indexOf(':'));
                long[] p = times(id);
                if (p[1] < 0) {
                    p[1] = ms;
                }
            } else if (event instanceof UpgradeEvent.StepSucceeded) {
                stepEnded = ms;
            }
        }

        /** A partition's claimed, first-page and done times (-1: not yet). */
        private long[] times(String partitionId) {
            return partitions.computeIfAbsent(partitionId, id -> new long[] {-1, -1, -1});
        }

        void print(double seconds) {
            StringBuilder line = new StringBuilder("    timeline ms (claimed/first page written/done):");
            long lastDone = -1;
            long secondLastDone = -1;
            long lastFirstPage = -1;
            for (Map.Entry<String, long[]> p : new java.util.TreeMap<>(partitions).entrySet()) {
                long[] t = p.getValue();
                line.append(' ').append(p.getKey()).append(' ').append(t[0]).append('/').append(t[1]).append('/')
                        .append(t[2]);
                secondLastDone = Math.max(secondLastDone, Math.min(lastDone, t[2]));
                lastDone = Math.max(lastDone, t[2]);
                lastFirstPage = Math.max(lastFirstPage, t[1]);
            }
            System.out.println(line);
            if (partitions.size() > 1) {
                System.out.printf("    last first page written %d ms; last slice alone %d ms (from %d)%n", lastFirstPage,
                        lastDone - secondLastDone, secondLastDone);
            }
            System.out.printf("    last partition done %d ms, step succeeded %d ms (+%d), plan returned %d ms (+%d)%n",
                    lastDone, stepEnded, stepEnded - lastDone, Math.round(seconds * 1000),
                    Math.round(seconds * 1000) - lastDone);
        }
    }

    /** Tasks the target's write thread pool completed (shard-level bulk operations), all nodes. */
    private long writeTasks() {
        long n = 0;
        for (JsonNode node : target.send("GET", "/_nodes/stats/thread_pool", null).path("nodes")) {
            n += node.path("thread_pool").path("write").path("completed").asLong();
        }
        return n;
    }

    /** Query phases run on the source index's shards (one per page search of a shard). */
    private long sourceQueries() {
        return source.send("GET", "/" + sourceIndex + "/_stats/search", null).path("_all").path("primaries")
                .path("search").path("query_total").asLong();
    }

    /** Write requests the target turned away: write thread pool and indexing-pressure rejections. */
    private long rejections() {
        JsonNode stats = target.send("GET", "/_nodes/stats/thread_pool,indexing_pressure", null);
        long n = 0;
        for (JsonNode node : stats.path("nodes")) {
            n += node.path("thread_pool").path("write").path("rejected").asLong();
            JsonNode pressure = node.path("indexing_pressure").path("memory").path("total");
            n += pressure.path("coordinating_rejections").asLong() + pressure.path("primary_rejections").asLong()
                    + pressure.path("replica_rejections").asLong();
        }
        return n;
    }

    /** Runs {@code jcmd <this pid> command args} (JFR control without reading the jdk.jfr module). */
    private static void jcmd(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(ProcessHandle.current().pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed: " + out);
        }
    }

    /**
     * What the target index's shards did (summed over its primaries): indexing time, merges and
     * the segments left, to tell where a difference in target CPU between configurations goes.
     */
    private void printTargetIndexStats() {
        JsonNode p = target.send("GET", "/" + targetIndex + "/_stats/indexing,merge,segments,refresh,flush", null)
                .path("_all").path("primaries");
        System.out.printf("    target index: indexing %d ms; merges %d (%d ms, %d MB); segments %d; refreshes %d;"
                + " flushes %d%n", p.path("indexing").path("index_time_in_millis").asLong(),
                p.path("merges").path("total").asLong(), p.path("merges").path("total_time_in_millis").asLong(),
                p.path("merges").path("total_size_in_bytes").asLong() >> 20, p.path("segments").path("count").asLong(),
                p.path("refresh").path("total").asLong(), p.path("flush").path("total").asLong());
    }

    private void print(String label, Run r) {
        System.out.printf("%s: %s slices %6.1f s %7.0f docs/s; CPU ms: client %6d, source %6d, target %6d;"
                + " rejections %d; write tasks %d; source queries %d; load %s%n", label, r.config(), r.seconds(),
                documents / r.seconds(), r.clientCpuMs(), r.sourceCpuMs(), r.targetCpuMs(), r.rejections(),
                r.writeTasks(), r.sourceQueries(), loadAverage());
    }

    /** The table of medians, the two goals and the throughput model. */
    private void summary(List<Run> medians, int rounds) {
        double k = documents / 1000.0;
        System.out.printf("%nmedians of %d rounds, %d documents, target %d shards, load average %s%n", rounds,
                documents, targetShards, loadAverage());
        System.out.println("| slices | wall s | docs/s | source CPU s | target CPU s | client CPU s "
                + "| CPU s / 1,000 docs: source | target | client | all | rejections | write tasks | source queries |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Run m : medians) {
            System.out.printf("| %s | %.1f | %.0f | %.1f | %.1f | %.1f | %.3f | %.3f | %.3f | %.3f | %d | %d | %d |%n",
                    m.config(), m.seconds(), documents / m.seconds(), m.sourceCpuMs() / 1e3, m.targetCpuMs() / 1e3,
                    m.clientCpuMs() / 1e3, m.sourceCpuMs() / 1e3 / k, m.targetCpuMs() / 1e3 / k,
                    m.clientCpuMs() / 1e3 / k, (m.sourceCpuMs() + m.targetCpuMs() + m.clientCpuMs()) / 1e3 / k,
                    m.rejections(), m.writeTasks(), m.sourceQueries());
        }
        List<Run> oneCopy = medians.stream().filter(m -> !m.config().copyPerSlice()).toList();
        Run first = oneCopy.get(0);
        Run last = oneCopy.get(oneCopy.size() - 1);
        System.out.printf("goal 1, %d slices not slower than %d: wall %.1f s vs %.1f s (ratio %.2f): %s%n",
                last.slices(), first.slices(), last.seconds(), first.seconds(), last.seconds() / first.seconds(),
                last.seconds() <= first.seconds() ? "met" : "NOT met");
        System.out.printf("goal 2, client CPU per document does not grow with slices: %s ms/1,000 docs: %s%n",
                medians.stream().map(m -> String.format("%s: %.0f", m.config(), m.clientCpuMs() / k)).toList(),
                last.clientCpuMs() <= first.clientCpuMs() * 1.10 ? "met (within 10 %)" : "NOT met");
        model(last);
    }

    /**
     * The client's CPU per thread role: medians of the first and last configurations of one copy
     * (e.g. 1 and 8 slices), the median of the per-round ratios last ÷ first, and those ratios.
     */
    private void threadSummary(Map<Config, List<Run>> results) {
        List<Config> oneCopy = results.keySet().stream().filter(c -> !c.copyPerSlice()).toList();
        List<Run> first = results.get(oneCopy.get(0));
        List<Run> last = results.get(oneCopy.get(oneCopy.size() - 1));
        System.out.printf("%nclient CPU by thread role, ms, and times scheduled in (medians of %d rounds) and per round %s ÷ %s%n", first.size(),
                last.get(0).config(), first.get(0).config());
        System.out.printf("| role | %s slices | %s slices | difference | ratio (median per round) | per round |%n",
                first.get(0).config(), last.get(0).config());
        System.out.println("| --- | ---: | ---: | ---: | ---: | --- |");
        List<String> rows = new ArrayList<>(ClientThreadCpu.ROLES);
        rows.add("all (process)");
        ClientThreadCpu.ROLES.forEach(role -> rows.add(role + ", times scheduled in"));
        for (String row : rows) {
            String role = row.replace(", times scheduled in", "");
            java.util.function.ToDoubleFunction<Run> ms = row.equals("all (process)") ? Run::clientCpuMs
                    : row.equals(role) ? r -> r.clientThreads().cpuMs().get(role) : r -> r.clientThreads().runs().get(role);
            double[] ratios = new double[first.size()];
            StringBuilder perRound = new StringBuilder();
            for (int i = 0; i < ratios.length; i++) {
                double a = ms.applyAsDouble(first.get(i));
                double b = ms.applyAsDouble(last.get(i));
                ratios[i] = a == 0 ? Double.NaN : b / a;
                perRound.append(i == 0 ? "" : ", ").append(String.format("%.0f/%.0f", a, b));
            }
            double m1 = median(first.stream().mapToDouble(ms).toArray());
            double m8 = median(last.stream().mapToDouble(ms).toArray());
            System.out.printf("| %s | %.0f | %.0f | %+.0f | %.2f | %s |%n", row, m1, m8, m8 - m1,
                    median(Arrays.stream(ratios).filter(r -> !Double.isNaN(r)).toArray()), perRound);
        }
    }

    /**
     * Throughput model from one configuration's CPU per document: a target of K data nodes with C
     * cores indexes at most K·C / (target CPU s per document) documents/s when its CPU is the only
     * limit; the source and the copying JVMs then need that rate times their CPU per document.
     */
    private void model(Run m) {
        double target = m.targetCpuMs() / 1e3 / documents;
        double sourceCpu = m.sourceCpuMs() / 1e3 / documents;
        double client = m.clientCpuMs() / 1e3 / documents;
        System.out.printf("model (from %d slices): target %.0f µs, source %.0f µs, client %.0f µs CPU per document;"
                + " this machine's 2 cores bound: %.0f docs/s%n", m.slices(), target * 1e6, sourceCpu * 1e6,
                client * 1e6, 2 / (target + sourceCpu + client));
        System.out.println("| target K×C | docs/s (target CPU bound) | source cores needed | client cores needed |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (int[] kc : new int[][] {{1, 2}, {1, 8}, {3, 8}, {6, 16}}) {
            double rate = kc[0] * kc[1] / target;
            System.out.printf("| %d×%d | %.0f | %.1f | %.1f |%n", kc[0], kc[1], rate, rate * sourceCpu, rate * client);
        }
    }

    private static Run median(List<Run> runs) {
        return new Run(runs.get(0).config(), median(runs.stream().mapToDouble(Run::seconds).toArray()),
                (long) median(runs.stream().mapToDouble(Run::clientCpuMs).toArray()),
                (long) median(runs.stream().mapToDouble(Run::sourceCpuMs).toArray()),
                (long) median(runs.stream().mapToDouble(Run::targetCpuMs).toArray()),
                (long) median(runs.stream().mapToDouble(Run::rejections).toArray()),
                (long) median(runs.stream().mapToDouble(Run::writeTasks).toArray()),
                (long) median(runs.stream().mapToDouble(Run::sourceQueries).toArray()),
                medianByRole(runs));
    }

    private static ClientThreadCpu.Usage medianByRole(List<Run> runs) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        Map<String, Long> scheduled = new LinkedHashMap<>();
        for (String role : ClientThreadCpu.ROLES) {
            cpu.put(role, (long) median(runs.stream().mapToDouble(r -> r.clientThreads().cpuMs().get(role)).toArray()));
            scheduled.put(role, (long) median(runs.stream().mapToDouble(r -> r.clientThreads().runs().get(role)).toArray()));
        }
        return new ClientThreadCpu.Usage(cpu, scheduled);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** user + system CPU of a process (Linux: /proc/<pid>/stat), in ms. */
    private static long cpuMs(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).orElseThrow(
                () -> new IllegalStateException("no CPU time readable for process " + pid)).toMillis();
    }

    private static long processCpuMs() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
