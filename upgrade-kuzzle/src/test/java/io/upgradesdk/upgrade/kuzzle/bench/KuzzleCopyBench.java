package io.upgradesdk.upgrade.kuzzle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.ThreadCpu;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copy benchmark (not a test, not run by surefire or bin/test): N public documents of ~1 KB in one
 * Kuzzle collection (2 shards) plus a small Kuzzle 1.x dataset in Elasticsearch 5.6, copied to 7.17
 * by (e) elasticdump (installed from npm into {@code target/elasticdump}, a pinned version), (b) a
 * bare scroll-and-bulk, and this module's whole Kuzzle plan with default settings, run as its own
 * JVM like the CLI: (p) its public-storage step and (w) the whole plan, JVM start included. Same
 * nodes, same data; a warm-up round picks elasticdump's best {@code --limit} and the bare copy's
 * best page size, then the warm rounds alternate the three and the medians are compared. CPU per
 * process: the source node, the target node, and the copying process (our JVM, or elasticdump's
 * node process, from {@code bash -c '...; times'}).
 *
 * <pre>
 * mvn -q -o -pl upgrade-kuzzle -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -Xmx512m -Dbench.rounds=5 \
 *     -cp upgrade-kuzzle/target/test-classes:upgrade-kuzzle/target/classes:$(cat upgrade-kuzzle/cp.txt) \
 *     io.upgradesdk.upgrade.kuzzle.bench.KuzzleCopyBench [documents, default 150000]
 * </pre>
 * {@code bench.rounds} (default 3): warm rounds; {@code bench.limits} (default 1000,5000,10000):
 * elasticdump limits tried in the warm-up; {@code bench.bare} (default 1000,5000): bare page sizes
 * tried ({@code none}: no bare copy); {@code bench.elasticdump} (default 6.125.1): the npm version; {@code bench.dir} (default
 * upgrade-kuzzle/target or target): where elasticdump is installed; {@code bench.childJvmOptions}: JVM
 * options added to the plan's own JVM, e.g. {@code -XX:StartFlightRecording=filename=/tmp/plan.jfr}
 * to profile it (a profile costs CPU: compare CPU figures only between runs without one).
 */
public final class KuzzleCopyBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE = "taxi";
    private static long sourcePid;
    private static long targetPid;

    /** One measured copy: wall time, and CPU ms of the copying process and of both nodes. */
    record Run(double seconds, long copierCpuMs, long sourceCpuMs, long targetCpuMs) {
    }

    private KuzzleCopyBench() {
    }

    /**
     * {@code -Dbench.variantWriteConcurrency=N}: each round also runs the plan with N bulk requests in
     * flight, to see what the default's concurrency costs the target (a diagnosis, off by default).
     */
    private static final int VARIANT_WRITE_CONCURRENCY = Integer.getInteger("bench.variantWriteConcurrency", 0);
    private static final String CHILD_WRITE_CONCURRENCY = "bench.child.writeConcurrency";
    /**
     * {@code -Dbench.variantClasspath=CP}: each round also runs the whole plan with another build of
     * the SDK (its class path), before or after the default in alternate rounds, to compare two builds
     * round by round on the same nodes (an engine change's effect is smaller than the machine's spread
     * between runs).
     */
    private static final String VARIANT_CLASSPATH = System.getProperty("bench.variantClasspath", "");
    /** {@code -Dbench.variantSlices=N}: each round also runs the whole plan with N slices per collection (a diagnosis). */
    private static final int VARIANT_SLICES = Integer.getInteger("bench.variantSlices", 0);
    private static final String CHILD_SLICES = "bench.child.slices";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--plan")) {
            PlanChild.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 150_000;
        Path elasticdump = installElasticdump();
        ElasticsearchServer srcNode = ElasticsearchServer.get(ElasticsearchServer.V5);
        ElasticsearchServer dstNode = ElasticsearchServer.get(ElasticsearchServer.V7);
        sourcePid = srcNode.node().pid();
        targetPid = dstNode.node().pid();
        String id = Long.toString(System.nanoTime() % 1_000_000);
        Bench bench = new Bench(srcNode.url(), dstNode.url(), "bench-" + id, "%kzlbench" + id, n, elasticdump);
        try (ElasticsearchConnection s = ElasticsearchConnection.open(ElasticsearchEndpoint.of(srcNode.url()));
                ElasticsearchConnection d = ElasticsearchConnection.open(ElasticsearchEndpoint.of(dstNode.url()))) {
            bench.s = s;
            bench.d = d;
            System.out.println("load average before: " + loadAverage());
            long t0 = System.nanoTime();
            bench.load();
            System.out.printf("loaded %d docs (~1 KB, 2 shards) and a small Kuzzle 1.x dataset into ES %s in %.1f s%n", n,
                    ElasticsearchServer.V5, secs(t0));
            int probes = Integer.getInteger("bench.probe", -1);
            int sourceProbes = Integer.getInteger("bench.sourceProbe", -1);
            if (sourceProbes >= 0) {
                new SourceCostProbe(s, bench.index, () -> nodeCpuMs(sourcePid))
                        .run(sourceProbes, Integer.getInteger("bench.pageSize", 8000));
            } else if (probes >= 0) {
                bench.probe(probes);
            } else {
                bench.run(Integer.getInteger("bench.rounds", 3));
            }
            bench.cleanSource();
            System.out.println("load average after: " + loadAverage());
        }
        System.exit(0);
    }

    /** The measurements on one pair of nodes. */
    private static final class Bench {
        final String src;
        final String dst;
        final String index;
        final String internal;
        final int n;
        final Path elasticdump;
        ElasticsearchConnection s;
        ElasticsearchConnection d;

        Bench(String src, String dst, String index, String internal, int n, Path elasticdump) {
            this.src = src;
            this.dst = dst;
            this.index = index;
            this.internal = internal;
            this.n = n;
            this.elasticdump = elasticdump;
        }

        /** Where the plan's target CPU goes ({@link TargetCostProbe}) instead of the timed rounds. */
        void probe(int plans) throws Exception {
            TargetCostProbe probe = new TargetCostProbe(src, dst, d, () -> nodeCpuMs(targetPid),
                    () -> nodeCpuMs(sourcePid));
            probe.idle();
            for (int k = 1; k <= plans; k++) {
                probe.plan(index, internal, "probe-" + k + "-" + index);
                checkCount("&" + index + "." + TYPE);
                dropTargets();
                Thread.sleep(2_000);
            }
            if (Boolean.getBoolean("bench.plansOnly")) {
                return;
            }
            probe.creations(Integer.getInteger("bench.repeat", 10));
            if (!Boolean.getBoolean("bench.creationsOnly")) {
                probe.requests(Integer.getInteger("bench.repeat", 10));
            }
        }

        void run(int rounds) throws Exception {
            System.out.println("warm-up round (picks elasticdump's best --limit and the bare copy's best page size)");
            int bestLimit = 0;
            double bestDump = Double.MAX_VALUE;
            if (elasticdump != null) {
                for (String l : System.getProperty("bench.limits", "1000,5000,10000").split(",")) {
                    int limit = Integer.parseInt(l.trim());
                    Run r = elasticdump(limit);
                    print("(e) elasticdump --limit " + limit, r);
                    if (r.seconds() < bestDump) {
                        bestDump = r.seconds();
                        bestLimit = limit;
                    }
                }
            }
            int bestPage = 0;
            double bestBare = Double.MAX_VALUE;
            for (String p : System.getProperty("bench.bare", "1000,5000").split(",")) {
                if (p.isBlank() || p.equals("none")) {
                    continue;
                }
                int page = Integer.parseInt(p.trim());
                Run r = bare(page);
                print("(b) bare scroll+bulk, pages of " + page, r);
                if (r.seconds() < bestBare) {
                    bestBare = r.seconds();
                    bestPage = page;
                }
            }
            Run[] warm = plan();
            print("(p) public-storage step, default flags", warm[0]);
            print("(w) whole plan, default flags, own JVM", warm[1]);

            Map<String, List<Run>> results = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                System.out.printf("round %d of %d%n", round, rounds);
                if (elasticdump != null) {
                    record(results, "(e) elasticdump --limit " + bestLimit, elasticdump(bestLimit));
                }
                if (bestPage > 0) {
                    record(results, "(b) bare scroll+bulk, pages of " + bestPage, bare(bestPage));
                }
                boolean variantFirst = round % 2 == 0; // neither build always runs right after the other
                if (variantFirst) {
                    alternatingVariants(results);
                }
                Run[] plan = plan();
                record(results, "(p) public-storage step, default flags", plan[0]);
                record(results, "(w) whole plan, default flags, own JVM", plan[1]);
                if (!variantFirst) {
                    alternatingVariants(results);
                }
                if (VARIANT_WRITE_CONCURRENCY > 0) {
                    Run[] variant = plan(VARIANT_WRITE_CONCURRENCY);
                    record(results, "(vp) public-storage step, writeConcurrency " + VARIANT_WRITE_CONCURRENCY, variant[0]);
                    record(results, "(vw) whole plan, writeConcurrency " + VARIANT_WRITE_CONCURRENCY, variant[1]);
                }
            }
            summary(results, elasticdump != null ? "(e) elasticdump --limit " + bestLimit : null);
        }

        /** The variants run before the default plan in even rounds and after it in odd ones: another build, other slices. */
        private void alternatingVariants(Map<String, List<Run>> results) throws Exception {
            if (!VARIANT_CLASSPATH.isEmpty()) {
                Run[] variant = plan(0, VARIANT_CLASSPATH, 0);
                record(results, "(cp) public-storage step, variant class path", variant[0]);
                record(results, "(cw) whole plan, variant class path", variant[1]);
            }
            if (VARIANT_SLICES > 0) {
                Run[] variant = plan(0, System.getProperty("java.class.path"), VARIANT_SLICES);
                record(results, "(sp) public-storage step, slices " + VARIANT_SLICES, variant[0]);
                record(results, "(sw) whole plan, slices " + VARIANT_SLICES, variant[1]);
            }
        }

        private void record(Map<String, List<Run>> results, String name, Run r) {
            print(name, r);
            results.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
        }

        private void summary(Map<String, List<Run>> results, String dumpName) {
            if (results.isEmpty()) {
                return;
            }
            System.out.printf("medians of %d warm rounds, %d documents:%n", results.values().iterator().next().size(), n);
            Map<String, Run> medians = new LinkedHashMap<>();
            results.forEach((name, runs) -> {
                Run m = new Run(median(runs.stream().mapToDouble(Run::seconds).toArray()),
                        (long) median(runs.stream().mapToDouble(Run::copierCpuMs).toArray()),
                        (long) median(runs.stream().mapToDouble(Run::sourceCpuMs).toArray()),
                        (long) median(runs.stream().mapToDouble(Run::targetCpuMs).toArray()));
                medians.put(name, m);
                print("  " + name, m);
            });
            if (dumpName == null) {
                System.out.println("no elasticdump (npm missing): no ratios");
                return;
            }
            Run dump = medians.get(dumpName);
            for (Map.Entry<String, Run> e : medians.entrySet()) {
                if (!e.getKey().equals(dumpName)) {
                    System.out.printf("  %s: %.2fx elasticdump's speed, target-node CPU per document %.2fx elasticdump's%n",
                            e.getKey(), dump.seconds() / e.getValue().seconds(),
                            (double) e.getValue().targetCpuMs() / Math.max(1, dump.targetCpuMs()));
                }
            }
            System.out.println("  goal: (p) >= 1.2x, (w) >= 1.0x, target-node CPU per document <= 1.0x");
        }

        private void print(String name, Run r) {
            System.out.printf("%-46s %6.1f s (%6.0f docs/s); CPU ms: copier %6d, source node %6d, target node %6d"
                    + " (%.0f us per document)%n", name, r.seconds(), n / r.seconds(), r.copierCpuMs(), r.sourceCpuMs(),
                    r.targetCpuMs(), r.targetCpuMs() * 1000.0 / n);
        }

        void load() throws Exception {
            s.send("PUT", "/" + index, JSON.readTree("{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0,"
                    + "\"refresh_interval\":\"-1\"},\"mappings\":{\"" + TYPE + "\":{\"properties\":{\"licence\":{\"type\":\"keyword\"},"
                    + "\"trip\":{\"type\":\"integer\"},\"notes\":{\"type\":\"text\"},\"_kuzzle_info\":{\"properties\":{"
                    + "\"active\":{\"type\":\"boolean\"},\"author\":{\"type\":\"keyword\"},\"createdAt\":{\"type\":\"date\"},"
                    + "\"deletedAt\":{\"type\":\"date\"},\"updatedAt\":{\"type\":\"date\"},\"updater\":{\"type\":\"keyword\"}}}}}}}"));
            loadKuzzleDataset();
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
                    JsonNode res = s.sendNdjson("/" + index + "/" + TYPE + "/_bulk", nd.toString());
                    if (res.path("errors").asBoolean()) {
                        throw new IllegalStateException("load failed");
                    }
                    nd.setLength(0);
                }
            }
            s.send("PUT", "/" + index + "/_settings", JSON.readTree("{\"index\":{\"refresh_interval\":\"1s\"}}"));
            s.send("POST", "/_refresh", null);
            // the segments of a fresh load merge for a while: let that pass before the warm-up
            s.send("POST", "/" + index + "/_forcemerge?max_num_segments=5", null);
        }

        /** The internal index (config, roles, profiles, users, validations) and a local-auth plugin storage. */
        private void loadKuzzleDataset() throws Exception {
            s.send("PUT", "/" + enc(internal), JSON.readTree("{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                    + "\"mappings\":{\"config\":{\"properties\":{}},\"roles\":{\"properties\":{\"controllers\":{\"type\":\"object\","
                    + "\"enabled\":false}}},\"profiles\":{\"properties\":{\"policies\":{\"properties\":{\"roleId\":{\"type\":"
                    + "\"keyword\"}}}}},\"users\":{\"properties\":{\"profileIds\":{\"type\":\"keyword\"}}},\"validations\":{"
                    + "\"properties\":{\"index\":{\"type\":\"keyword\"},\"collection\":{\"type\":\"keyword\"},\"validation\":{"
                    + "\"type\":\"object\",\"enabled\":false}}}}}"));
            put(internal, "config", "security.jwt.secret", "{\"seed\":\"" + "0a1b2c3d".repeat(64) + "\"}");
            put(internal, "roles", "admin", "{\"controllers\":{\"*\":{\"actions\":{\"*\":true}}}}");
            put(internal, "roles", "editor", "{\"controllers\":{\"document\":{\"actions\":{\"get\":true,\"search\":true}}}}");
            put(internal, "profiles", "admin", "{\"policies\":[{\"roleId\":\"admin\"}]}");
            put(internal, "profiles", "editor", "{\"policies\":[{\"roleId\":\"editor\",\"restrictedTo\":[{\"index\":\""
                    + index + "\",\"collections\":[\"" + TYPE + "\"]}]}]}");
            put(internal, "users", "alice-kuid", "{\"profileIds\":[\"editor\"]}");
            put(internal, "users", "admin-kuid", "{\"profileIds\":[\"admin\"]}");
            put(internal, "validations", index + "#" + TYPE, "{\"index\":\"" + index + "\",\"collection\":\"" + TYPE
                    + "\",\"validation\":{\"strict\":false}}");
            String plugin = "%plugin:bench-auth-" + index;
            s.send("PUT", "/" + enc(plugin), JSON.readTree("{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                    + "\"mappings\":{\"users\":{\"properties\":{\"kuid\":{\"type\":\"keyword\"}}}}}"));
            put(plugin, "users", "alice", "{\"kuid\":\"alice-kuid\",\"userPassword\":\"9b1e77\"}");
        }

        private void put(String idx, String type, String docId, String json) throws IOException {
            s.send("PUT", "/" + enc(idx) + "/" + type + "/" + enc(docId), JSON.readTree(json));
        }

        void cleanSource() {
            s.send("DELETE", "/" + enc(index) + "," + enc(internal) + "," + enc("%plugin:bench-auth-" + index), null);
            dropTargets();
        }

        /** A target index as a user would prepare it for elasticdump: the source's shards, no refresh while loading. */
        private String freshTarget(String name) throws IOException {
            d.send("PUT", "/" + enc(name), JSON.readTree("{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0,"
                    + "\"refresh_interval\":\"-1\"}}"));
            return name;
        }

        private void finishTarget(String name) throws IOException {
            d.send("PUT", "/" + enc(name) + "/_settings", JSON.readTree("{\"index\":{\"refresh_interval\":null}}"));
            d.send("POST", "/" + enc(name) + "/_refresh", null);
        }

        private void checkCount(String name) {
            long count = d.send("GET", "/" + enc(name) + "/_count", null).path("count").asLong();
            if (count != n) {
                throw new IllegalStateException(name + ": " + count + " of " + n + " documents");
            }
        }

        /** The target node's write requests so far: [write thread pool tasks, HTTP connections opened]. */
        private long[] writeCounters() {
            JsonNode node = d.send("GET", "/_nodes/_local/stats/thread_pool,http", null).path("nodes").elements().next();
            return new long[] {node.path("thread_pool").path("write").path("completed").asLong(),
                    node.path("http").path("total_opened").asLong()};
        }

        /**
         * What the target did for one copy, to compare where its CPU goes: the copied index's shards
         * and settings, indexing, bulk requests, refreshes, flushes, merges and segments, and the
         * node's write-pool tasks (shard-level bulk requests) and HTTP connections since {@code writes0}.
         */
        private void printTargetStats(String name, long[] writes0) {
            try {
                targetStats(name, writes0);
            } catch (RuntimeException e) {
                System.out.println("    target stats of " + name + " not readable: " + e.getMessage());
            }
        }

        private void targetStats(String name, long[] writes0) {
            JsonNode settings = d.send("GET", "/" + enc(name) + "/_settings?flat_settings=true", null)
                    .elements().next().path("settings");
            JsonNode all = d.send("GET", "/" + enc(name) + "/_stats/indexing,refresh,flush,merge,segments,translog,store",
                    null).path("indices").elements().next().path("primaries");
            long[] writes1 = writeCounters();
            JsonNode ix = all.path("indexing");
            JsonNode merges = all.path("merges");
            System.out.printf("    target %s: shards %s, replicas %s, refresh_interval %s; indexing %d docs in %d ms;"
                    + " refreshes %d (%d ms); flushes %d; merges %d (%d ms, %d MB),"
                    + " segments %d (%d MB); translog ops %d; write tasks (shard bulks) %d; http connections %d%n",
                    name, settings.path("index.number_of_shards").asText(), settings.path("index.number_of_replicas").asText(),
                    settings.path("index.refresh_interval").asText("default"), ix.path("index_total").asLong(),
                    ix.path("index_time_in_millis").asLong(), all.path("refresh").path("total").asLong(),
                    all.path("refresh").path("total_time_in_millis").asLong(), all.path("flush").path("total").asLong(),
                    merges.path("total").asLong(), merges.path("total_time_in_millis").asLong(),
                    merges.path("total_size_in_bytes").asLong() >> 20, all.path("segments").path("count").asLong(),
                    all.path("store").path("size_in_bytes").asLong() >> 20, all.path("translog").path("operations").asLong(),
                    writes1[0] - writes0[0], writes1[1] - writes0[1]);
            if (Boolean.getBoolean("bench.mapping")) {
                System.out.println("    mapping: " + d.send("GET", "/" + enc(name) + "/_mapping", null));
                System.out.println("    settings: " + settings);
            }
        }

        /** Deletes every index this benchmark wrote on the target, so that its merges do not slow the next copy. */
        private void dropTargets() {
            List<String> ours = new ArrayList<>();
            for (JsonNode i : d.send("GET", "/_cat/indices?format=json&h=index", null)) {
                String name = i.path("index").asText();
                if (name.contains(index) || name.contains(internal.substring(1))) {
                    ours.add(enc(name));
                }
            }
            if (!ours.isEmpty()) {
                d.send("DELETE", "/" + String.join(",", ours), null);
            }
        }

        Run elasticdump(int limit) throws Exception {
            long[] writes0 = writeCounters();
            long[] nodes0 = {nodeCpuMs(sourcePid), nodeCpuMs(targetPid)};
            long t0 = System.nanoTime();
            // creating the index is part of an elasticdump copy, as it is part of the plan's step
            String target = freshTarget("dump-" + index);
            String cmd = "node " + elasticdump + " --input=" + src + "/" + index + " --output=" + dst + "/" + target
                    + " --type=data --limit=" + limit + " --noRefresh --quiet";
            long childCpu = runTimed(cmd, null);
            finishTarget(target);
            double secs = secs(t0);
            Run r = new Run(secs, childCpu, nodeCpuMs(sourcePid) - nodes0[0], nodeCpuMs(targetPid) - nodes0[1]);
            checkCount(target);
            printTargetStats(target, writes0);
            dropTargets();
            return r;
        }

        /** Scroll (sort _doc) + one checked bulk per page, the same document change as the plan, in this JVM. */
        Run bare(int size) throws Exception {
            long[] writes0 = writeCounters();
            long[] cpu0 = {processCpuNanos() / 1_000_000, nodeCpuMs(sourcePid), nodeCpuMs(targetPid)};
            long t0 = System.nanoTime();
            String target = freshTarget("bare-" + index);
            JsonNode page = s.send("POST", "/" + index + "/" + TYPE + "/_search?scroll=1m",
                    JSON.readTree("{\"size\":" + size + ",\"sort\":[\"_doc\"]}"));
            while (true) {
                JsonNode hits = page.path("hits").path("hits");
                if (hits.size() == 0) {
                    break;
                }
                StringBuilder nd = new StringBuilder();
                for (JsonNode h : hits) {
                    ObjectNode source = (ObjectNode) h.get("_source");
                    if (source.get("_kuzzle_info") instanceof ObjectNode info) {
                        info.remove("active");
                        info.remove("deletedAt");
                    }
                    nd.append("{\"index\":{\"_index\":").append(JSON.writeValueAsString(target)).append(",\"_id\":")
                            .append(JSON.writeValueAsString(h.get("_id").asText())).append("}}\n")
                            .append(JSON.writeValueAsString(source)).append('\n');
                }
                if (d.sendNdjson("/_bulk", nd.toString()).path("errors").asBoolean()) {
                    throw new IllegalStateException("bulk failed");
                }
                page = s.send("POST", "/_search/scroll", JSON.createObjectNode().put("scroll", "1m")
                        .put("scroll_id", page.path("_scroll_id").asText()));
            }
            finishTarget(target);
            Run r = new Run(secs(t0), processCpuNanos() / 1_000_000 - cpu0[0], nodeCpuMs(sourcePid) - cpu0[1],
                    nodeCpuMs(targetPid) - cpu0[2]);
            checkCount(target);
            printTargetStats(target, writes0);
            dropTargets();
            return r;
        }

        /** The whole plan with default settings in its own JVM: [public-storage step, whole plan]. */
        Run[] plan() throws Exception {
            return plan(0);
        }

        /**
         * The whole plan in its own JVM with default settings, or with {@code writeConcurrency} bulk
         * requests in flight when positive (a diagnosis variant, never the measured default).
         */
        Run[] plan(int writeConcurrency) throws Exception {
            return plan(writeConcurrency, System.getProperty("java.class.path"), 0);
        }

        /** The whole plan in its own JVM on {@code classPath}, with {@code slices} when positive, as {@link #plan(int)}. */
        Run[] plan(int writeConcurrency, String classPath, int slices) throws Exception {
            long[] writes0 = writeCounters();
            long[] nodes0 = {nodeCpuMs(sourcePid), nodeCpuMs(targetPid)};
            long[] nodesBeforePublic = new long[2];
            long t0 = System.nanoTime();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cmd = java + " -Xmx256m " + System.getProperty("bench.childJvmOptions", "") + " -D"
                    + CHILD_WRITE_CONCURRENCY + "=" + writeConcurrency + " -D" + CHILD_SLICES + "=" + slices
                    + " -cp '" + classPath + "' " + KuzzleCopyBench.class.getName() + " --plan " + src + " " + dst + " '" + index + "' '" + internal + "'";
            StringBuilder out = new StringBuilder();
            // the target CPU at each step's start: what each step (and the JVM start before the first) cost the target
            Map<String, Long> targetAtStart = new LinkedHashMap<>();
            targetAtStart.put("jvm-start", nodes0[1]);
            long[] firstStepAndPlanEnd = new long[2];
            long childCpu = runTimed(cmd, line -> {
                out.append(line).append('\n');
                if (line.startsWith("STEP-START ") && firstStepAndPlanEnd[0] == 0) {
                    firstStepAndPlanEnd[0] = System.nanoTime();
                }
                if (line.startsWith("THREADS ") && firstStepAndPlanEnd[1] == 0) {
                    firstStepAndPlanEnd[1] = System.nanoTime();
                }
                if (line.startsWith("STEP-START ")) {
                    targetAtStart.put(line.substring("STEP-START kuzzle-".length()), nodeCpuMs(targetPid));
                }
                if (line.startsWith("STEP-START kuzzle-public-storages")) {
                    nodesBeforePublic[0] = nodeCpuMs(sourcePid);
                    nodesBeforePublic[1] = targetAtStart.get("public-storages");
                }
            });
            long exited = System.nanoTime();
            double whole = secs(t0);
            long[] nodes1 = {nodeCpuMs(sourcePid), nodeCpuMs(targetPid)};
            StringBuilder perStep = new StringBuilder("    target CPU ms by step:");
            List<Map.Entry<String, Long>> starts = new ArrayList<>(targetAtStart.entrySet());
            for (int k = 0; k < starts.size(); k++) {
                long end = k + 1 < starts.size() ? starts.get(k + 1).getValue() : nodes1[1];
                perStep.append(' ').append(starts.get(k).getKey()).append(' ').append(end - starts.get(k).getValue());
            }
            System.out.println(perStep);
            Matcher m = Pattern.compile("STEP kuzzle-public-storages (\\d+) ms, JVM CPU (\\d+) ms").matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("the plan did not report its public step:\n" + out);
            }
            Matcher steps = Pattern.compile("STEP (\\S+) (\\d+) ms").matcher(out);
            StringBuilder line = new StringBuilder(String.format("    launch to first step %d ms, then steps:",
                    (firstStepAndPlanEnd[0] - t0) / 1_000_000));
            while (steps.find()) {
                line.append(' ').append(steps.group(1).replace("kuzzle-", "")).append(' ').append(steps.group(2)).append(" ms");
            }
            System.out.println(line.append(String.format("; plan end to exit %d ms", (exited - firstStepAndPlanEnd[1]) / 1_000_000)));
            Matcher threads = Pattern.compile("THREADS (.*)").matcher(out);
            while (threads.find()) {
                System.out.println("    JVM threads' CPU ms, " + threads.group(1));
            }
            checkCount("&" + index + "." + TYPE);
            printTargetStats("&" + index + "." + TYPE, writes0);
            dropTargets();
            Run publicStep = new Run(Long.parseLong(m.group(1)) / 1000.0, Long.parseLong(m.group(2)),
                    nodes1[0] - nodesBeforePublic[0], nodes1[1] - nodesBeforePublic[1]);
            Run wholePlan = new Run(whole, childCpu, nodes1[0] - nodes0[0], nodes1[1] - nodes0[1]);
            return new Run[] {publicStep, wholePlan};
        }
    }

    /** The plan run by a CLI user: default settings, its own JVM; prints each step's start and duration. */
    public static final class PlanChild {
        private PlanChild() {
        }

        public static void main(String[] args) {
            String src = args[0];
            String dst = args[1];
            String index = args[2];
            String internal = args[3];
            KuzzleUpgradeSettings.Builder builder = KuzzleUpgradeSettings.builder().planId("bench-" + index)
                    .sourceElasticsearch(ElasticsearchEndpoint.of(src)).targetElasticsearch(ElasticsearchEndpoint.of(dst))
                    .v1InternalIndex(internal).v2InternalIndexName(internal.substring(1))
                    .selection(DataSelection.indices(index)).targetVersion("2.14.0");
            int slices = Integer.getInteger(CHILD_SLICES, 0);
            if (slices > 0) {
                builder.slices(slices);
            }
            int writeConcurrency = Integer.getInteger(CHILD_WRITE_CONCURRENCY, 0);
            if (writeConcurrency > 0) {
                builder.writeConcurrency(writeConcurrency);
            }
            KuzzleUpgradeSettings settings = builder.build();
            long[] cpuAtStart = new long[1];
            ThreadCpu[] threadsAtStart = {ThreadCpu.now(), null};
            UpgradeReport r;
            try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
                r = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("bench")
                        .listener(event -> {
                            if (event instanceof io.upgradesdk.upgrade.UpgradeEvent.StepStarted started) {
                                if (started.stepId().equals("kuzzle-public-storages")) {
                                    cpuAtStart[0] = processCpuNanos();
                                    threadsAtStart[1] = ThreadCpu.now();
                                }
                                System.out.println("STEP-START " + started.stepId());
                                System.out.flush();
                            }
                        })
                        .build().up(kuzzle.upgradePlan(settings)).throwIfFailed();
            }
            ThreadCpu threadsAtEnd = ThreadCpu.now();
            long processMs = processCpuNanos() / 1_000_000;
            System.out.printf("THREADS public step: %s; ended threads %d%n", threadsAtEnd.since(threadsAtStart[1]),
                    processMs - cpuAtStart[0] / 1_000_000 - threadsAtEnd.totalSince(threadsAtStart[1]));
            System.out.printf("THREADS whole plan: %s; JVM start and ended threads %d%n", threadsAtEnd.since(threadsAtStart[0]),
                    processMs - threadsAtEnd.totalSince(threadsAtStart[0]));
            for (UpgradeReport.StepReport step : r.steps()) {
                if (step.stepId().equals("kuzzle-public-storages")) {
                    System.out.printf("STEP %s %d ms, JVM CPU %d ms%n", step.stepId(), step.duration().toMillis(),
                            (processCpuNanos() - cpuAtStart[0]) / 1_000_000);
                } else {
                    System.out.printf("STEP %s %d ms%n", step.stepId(), step.duration().toMillis());
                }
            }
            System.exit(0);
        }
    }

    /**
     * Runs a command under bash and returns the user+system CPU ms of its children (bash's
     * {@code times}); each output line goes to {@code lines} (or is dropped).
     */
    private static long runTimed(String command, java.util.function.Consumer<String> lines) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command + "; status=$?; times; exit $status")
                .redirectErrorStream(true).start();
        List<String> all = new ArrayList<>();
        try (var reader = p.inputReader()) {
            String line;
            while ((line = reader.readLine()) != null) {
                all.add(line);
                if (lines != null) {
                    lines.accept(line);
                }
            }
        }
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("'" + (command.length() > 200 ? command.substring(0, 200) + "..." : command)
                    + "' failed:\n" + String.join("\n", all.subList(
                    Math.max(0, all.size() - 30), all.size())));
        }
        // the last line of `times`: children's user and system time, e.g. "0m12.345s 0m1.234s"
        Matcher m = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s").matcher(all.get(all.size() - 1));
        if (!m.find()) {
            return 0;
        }
        return (long) ((Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2)) + Long.parseLong(m.group(3)) * 60
                + Double.parseDouble(m.group(4))) * 1000);
    }

    /**
     * elasticdump from npm in the build directory (installed once, a pinned version); null, with a
     * line saying so, when npm is missing or the install fails.
     */
    private static Path installElasticdump() throws Exception {
        String version = System.getProperty("bench.elasticdump", "6.125.1");
        Path base = Path.of(System.getProperty("bench.dir",
                Files.isDirectory(Path.of("upgrade-kuzzle", "target")) ? "upgrade-kuzzle/target" : "target"));
        Path prefix = base.resolve("elasticdump-" + version).toAbsolutePath();
        Path bin = prefix.resolve("node_modules/elasticdump/bin/elasticdump");
        if (Files.exists(bin)) {
            System.out.println("elasticdump " + version + ": " + bin);
            return bin;
        }
        if (new ProcessBuilder("bash", "-c", "command -v npm && command -v node").start().waitFor() != 0) {
            System.out.println("SKIPPED elasticdump: npm or node is not installed; only the bare copy and the plan are measured");
            return null;
        }
        Files.createDirectories(prefix);
        Process p = new ProcessBuilder("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                "elasticdump@" + version).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.exists(bin)) {
            System.out.println("SKIPPED elasticdump: 'npm install elasticdump@" + version + "' failed:\n" + out);
            return null;
        }
        System.out.println("elasticdump " + version + " installed into " + prefix);
        return bin;
    }

    /** The 1, 5 and 15 minute load averages (Linux), to judge how quiet the machine was. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** utime + stime of a process from /proc (Linux), in ms; 0 elsewhere. */
    private static long nodeCpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
