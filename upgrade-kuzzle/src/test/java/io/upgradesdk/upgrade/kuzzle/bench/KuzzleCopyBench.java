package io.upgradesdk.upgrade.kuzzle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Copy benchmark (not a test): N public documents of ~1 KB in Elasticsearch 5.6, copied to 7.17
 * by (a) the original script's algorithm (scroll pages of 50, one unchecked bulk per page),
 * (b) a bare scroll-and-bulk at the best of several page sizes, and (c) this module's public
 * storage step (checked bulk, per-page cursor, transforms). One run, same machine, same data.
 *
 * <pre>
 * mvn -q -pl upgrade-kuzzle -am install -DskipTests
 * mvn -q -pl upgrade-kuzzle dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -Xmx256m -Dbench.page=5000 -Dbench.bare=1000,2000,5000 -Dbench.writes=1,2 \
 *     -cp upgrade-kuzzle/target/test-classes:upgrade-kuzzle/target/classes:$(cat cp.txt) \
 *     io.upgradesdk.upgrade.kuzzle.bench.KuzzleCopyBench [documents]
 * </pre>
 * {@code bench.page}: our page size; {@code bench.bare}: page sizes tried for (b);
 * {@code bench.writes}: bulk requests in flight for (c), one measurement per value;
 * {@code bench.rounds} (default 2): the whole set is measured that many times, because the first
 * round runs on cold JVMs and on a source node still merging the loaded segments.
 */
public final class KuzzleCopyBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static long sourcePid;
    private static long targetPid;

    private KuzzleCopyBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        long[] peak = new long[1];
        Thread sampler = new Thread(() -> {
            while (true) {
                peak[0] = Math.max(peak[0], ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        ElasticsearchServer srcNode = ElasticsearchServer.get(ElasticsearchServer.V5);
        ElasticsearchServer dstNode = ElasticsearchServer.get(ElasticsearchServer.V7);
        String src = srcNode.url();
        String dst = dstNode.url();
        sourcePid = srcNode.node().pid();
        targetPid = dstNode.node().pid();
        String id = Long.toString(System.nanoTime() % 1_000_000);
        String index = "bench-" + id;
        try (ElasticsearchConnection s = ElasticsearchConnection.open(ElasticsearchEndpoint.of(src));
                ElasticsearchConnection d = ElasticsearchConnection.open(ElasticsearchEndpoint.of(dst))) {
            long t0 = System.nanoTime();
            load(s, index, id, n);
            System.out.printf("loaded %d docs (~1 KB) into ES %s in %.1f s%n", n, ElasticsearchServer.V5, secs(t0));

            int rounds = Integer.getInteger("bench.rounds", 2);
            for (int round = 1; round <= rounds; round++) {
                System.out.printf("round %d of %d%n", round, rounds);
                measureRound(s, d, src, dst, index, id, n);
            }
            System.out.printf("heap: max used %d MB sampled every 20 ms (sum of pool peaks %d MB), -Xmx %d MB%n",
                    peak[0] >> 20, peakHeapMb(), Runtime.getRuntime().maxMemory() >> 20);
            for (String i : new String[] {index, "%kzlbench" + id}) {
                if (s.exists("/" + enc(i))) {
                    s.send("DELETE", "/" + enc(i), null);
                }
            }
        }
        System.exit(0);
    }

    /** One measurement of (a), (b) at each page size and (c) at each write concurrency, on warm nodes after the first. */
    private static void measureRound(ElasticsearchConnection s, ElasticsearchConnection d, String src, String dst, String index, String id, int n)
            throws Exception {
        double a = scrollAndBulk(s, d, index, "&a" + id + ".taxi", 50, true);
        System.out.printf("(a) script algorithm, pages of 50:      %8.0f docs/s%n", a);
        double best = 0;
        int bestSize = 0;
        for (String sizeText : System.getProperty("bench.bare", "1000,2000,5000").split(",")) {
            int size = Integer.parseInt(sizeText.trim());
            double b = scrollAndBulk(s, d, index, "&b" + size + "-" + id + ".taxi", size, false);
            System.out.printf("(b) bare scroll+bulk, pages of %-5d:   %8.0f docs/s%n", size, b);
            if (b > best) {
                best = b;
                bestSize = size;
            }
        }
        int page = Integer.getInteger("bench.page", 1000);
        for (String w : System.getProperty("bench.writes", "2").split(",")) {
            int writes = Integer.parseInt(w.trim());
            double ours = ours(src, dst, index, id, n, page, writes);
            System.out.printf("(c) upgrade-kuzzle public step, page %d, %d bulk writes in flight: %8.0f docs/s%n",
                    page, writes, ours);
            System.out.printf("ratios: ours/(a) = %.2f (target >= 5), ours/(b best, %d) = %.2f (target >= 0.9)%n",
                    ours / a, bestSize, ours / best);
            d.send("DELETE", "/" + enc("&" + index + ".taxi") + "," + enc("%kzlbench" + id + ".config"), null);
        }
    }

    private static void load(ElasticsearchConnection s, String index, String id, int n) throws Exception {
        s.send("PUT", "/" + index, JSON.readTree("{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0,"
                + "\"refresh_interval\":\"-1\"},\"mappings\":{\"taxi\":{\"properties\":{\"licence\":{\"type\":\"keyword\"},"
                + "\"trip\":{\"type\":\"integer\"},\"notes\":{\"type\":\"text\"},\"_kuzzle_info\":{\"properties\":{"
                + "\"active\":{\"type\":\"boolean\"},\"author\":{\"type\":\"keyword\"},\"createdAt\":{\"type\":\"date\"},"
                + "\"deletedAt\":{\"type\":\"date\"},\"updatedAt\":{\"type\":\"date\"},\"updater\":{\"type\":\"keyword\"}}}}}}}"));
        s.send("PUT", "/" + enc("%kzlbench" + id), JSON.readTree("{\"mappings\":{\"config\":{\"properties\":{}}}}"));
        s.send("PUT", "/" + enc("%kzlbench" + id) + "/config/security.jwt.secret", JSON.readTree("{\"seed\":\"00\"}"));
        Random r = new Random(42);
        String words = "the quick brown fox jumps over the lazy dog while taxis drive across new york city at night ";
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < n; i++) {
            StringBuilder notes = new StringBuilder();
            while (notes.length() < 820) {
                int from = r.nextInt(words.length() - 20);
                notes.append(words, from, from + 20);
            }
            nd.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n");
            nd.append("{\"licence\":\"L").append(i).append("\",\"trip\":").append(i).append(",\"notes\":\"")
                    .append(notes).append("\",\"_kuzzle_info\":{\"author\":\"alice-kuid\",\"createdAt\":1569920000000,"
                            + "\"updatedAt\":null,\"updater\":null,\"active\":true,\"deletedAt\":null}}\n");
            if ((i + 1) % 5000 == 0 || i == n - 1) {
                JsonNode res = s.sendNdjson("/" + index + "/taxi/_bulk", nd.toString());
                if (res.path("errors").asBoolean()) {
                    throw new IllegalStateException("load failed");
                }
                nd.setLength(0);
            }
        }
        s.send("PUT", "/" + index + "/_settings", JSON.readTree("{\"index\":{\"refresh_interval\":\"1s\"}}"));
        s.send("POST", "/" + index + "/_refresh", null);
    }

    /** Scroll (sort _doc) + one bulk per page; {@code script}: create ops, response not inspected, like bin/upgrade. */
    private static double scrollAndBulk(ElasticsearchConnection s, ElasticsearchConnection d, String index, String target, int size, boolean script)
            throws Exception {
        d.send("PUT", "/" + enc(target), JSON.readTree("{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}"));
        long[] cpu0 = cpuSnapshot();
        long t0 = System.nanoTime();
        JsonNode page = s.send("POST", "/" + index + "/taxi/_search?scroll=1m",
                JSON.readTree("{\"size\":" + size + ",\"sort\":[\"_doc\"]}"));
        long total = page.path("hits").path("total").asLong();
        long moved = 0;
        while (moved < total) {
            StringBuilder nd = new StringBuilder();
            JsonNode hits = page.path("hits").path("hits");
            if (hits.size() == 0) {
                break;
            }
            for (JsonNode h : hits) {
                ObjectNode source = (ObjectNode) h.get("_source");
                if (source.get("_kuzzle_info") instanceof ObjectNode info) {
                    info.remove("active");
                    info.remove("deletedAt");
                }
                nd.append("{\"").append(script ? "create" : "index").append("\":{\"_index\":")
                        .append(JSON.writeValueAsString(target)).append(",\"_id\":")
                        .append(JSON.writeValueAsString(h.get("_id").asText())).append("}}\n")
                        .append(JSON.writeValueAsString(source)).append('\n');
            }
            JsonNode res = d.sendNdjson("/_bulk" + (script ? "?_source=false" : ""), nd.toString());
            if (!script && res.path("errors").asBoolean()) {
                throw new IllegalStateException("bulk failed");
            }
            moved += hits.size();
            page = s.send("POST", "/_search/scroll", JSON.createObjectNode().put("scroll", "1m")
                    .put("scroll_id", page.path("_scroll_id").asText()));
        }
        double rate = moved / secs(t0);
        printCpu(cpu0, (long) (secs(t0) * 1000));
        d.send("POST", "/" + enc(target) + "/_refresh", null);
        long count = d.send("GET", "/" + enc(target) + "/_count", null).path("count").asLong();
        if (count != total) {
            throw new IllegalStateException(target + ": " + count + " of " + total);
        }
        // deleted at once so that its background merges do not slow the next measurement
        d.send("DELETE", "/" + enc(target), null);
        return rate;
    }

    private static double ours(String src, String dst, String index, String id, int n, int page, int writes) {
        KuzzleUpgradeSettings settings = KuzzleUpgradeSettings.builder().planId("bench-" + id)
                .sourceElasticsearch(ElasticsearchEndpoint.of(src)).targetElasticsearch(ElasticsearchEndpoint.of(dst))
                .v1InternalIndex("%kzlbench" + id).v2InternalIndexName("kzlbench" + id)
                .selection(DataSelection.indices(index)).targetVersion("2.14.0").targetShape(1, 0).sampleSize(5)
                .pageSize(page).writeConcurrency(writes)
                .build();
        long cpu0 = processCpuNanos();
        long[] nodes0 = cpuSnapshot();
        UpgradeReport r;
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            r = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("bench").build()
                    .up(kuzzle.upgradePlan(settings)).throwIfFailed();
        }
        long cpuMs = (processCpuNanos() - cpu0) / 1_000_000;
        long ms = r.step("kuzzle-public-storages").orElseThrow().duration().toMillis();
        System.out.printf("    this JVM used %d ms of CPU for a %d ms public-storage step (whole plan)%n", cpuMs, ms);
        printCpu(nodes0, ms);
        return n / (ms / 1000.0);
    }

    /** CPU ms used so far by this JVM, the source node and the target node. */
    private static long[] cpuSnapshot() {
        return new long[] {processCpuNanos() / 1_000_000, nodeCpuMs(sourcePid), nodeCpuMs(targetPid)};
    }

    private static void printCpu(long[] before, long wallMs) {
        long[] now = cpuSnapshot();
        System.out.printf("    CPU ms over %d ms: bench JVM %d, source node %d, target node %d%n", wallMs,
                now[0] - before[0], now[1] - before[1], now[2] - before[2]);
    }

    /** utime + stime of a process from /proc (Linux), in ms; 0 elsewhere. */
    private static long nodeCpuMs(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
