package io.upgradesdk.upgrade.elasticsearch.bench;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.PreflightSettings;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark (a main, not run by surefire): wall time of the snapshot-restore plan against the same
 * REST calls issued bare, on the same data (default 100,000 documents in 4 indices), real 7.17.29
 * source and 8.19.21 target. Rounds alternate bare / plan (FileCheckpointStore) / plan with pre-flight /
 * plan with the in-memory store; medians and ratios are printed. Every run starts without open
 * connections: the plan creates its clients, and the bare line a new JDK HTTP client. Options: {@code -Dbench.pollMillis=1000}
 * (the plan's poll interval, default the product's 1 s; snapshot and restore end on Elasticsearch's answer, the
 * interval only paces progress polls), {@code -Dbench.memoryStore=true} (in-memory store for the main plan line),
 * {@code -Dbench.path=8-9} (8.19.21 source, 9.2.4 target, instead of 7.17.29 and 8.19.21).
 *
 * <pre>
 * mvn -q -pl upgrade-elasticsearch test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.upgradesdk.upgrade.elasticsearch.bench.SnapshotRestoreBench [-Dexec.args="100000 61"]
 * </pre>
 * The arguments are documents and rounds (default 3). On a shared 2-core machine single runs vary
 * by ±30 %, so a median within 5 % needs about 60 rounds (4 minutes).
 */
public final class SnapshotRestoreBench {

    /** Per-step durations of the "plan" line, and per-phase durations of the bare line, in order. */
    private static final Map<String, List<Long>> STEP_MS = new LinkedHashMap<>();
    private static final Map<String, List<Long>> PHASE_MS = new LinkedHashMap<>();
    /** Wall time spent in the checkpoint store per plan run, by store. */
    private static final Map<String, List<Long>> STORE_MS = new LinkedHashMap<>();
    private static int storeWrites;
    private static final Map<String, List<Long>> OUTSIDE_MS = new LinkedHashMap<>();
    private static long closeStarted;

    private SnapshotRestoreBench() {
    }

    private static long lap(String phase, long since, boolean record) {
        long now = System.nanoTime();
        if (record) {
            PHASE_MS.computeIfAbsent(phase, k -> new ArrayList<>()).add((now - since) / 1_000_000);
        }
        return now;
    }

    public static void main(String[] args) throws Exception {
        int docs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean to9 = "8-9".equals(System.getProperty("bench.path"));
        ElasticsearchServer src = ElasticsearchServer.get(to9 ? ElasticsearchServer.V8 : ElasticsearchServer.V7);
        ElasticsearchServer dst = ElasticsearchServer.get(to9 ? ElasticsearchServer.V9 : ElasticsearchServer.V8);
        String prefix = src.newIndexPrefix("bench");
        seed(src, prefix, docs);
        String location = ElasticsearchServer.newRepoDir("bench").toString();
        List<Long> bare = new ArrayList<>();
        List<Long> plan = new ArrayList<>();
        List<Long> planWithChecks = new ArrayList<>();
        List<Long> planInMemory = new ArrayList<>();
        // warm-up round (JIT, connection pools, repository files), not counted
        bareRun(src, dst, prefix, location, "warm0");
        planRun(src, dst, prefix, location, "warm1", false);
        for (int r = 0; r < rounds; r++) {
            bare.add(bareRun(src, dst, prefix, location, "bare" + r));
            plan.add(planRun(src, dst, prefix, location, "plan" + r, false));
            planWithChecks.add(planRun(src, dst, prefix, location, "full" + r, true));
            planInMemory.add(planRun(src, dst, prefix, location, "mem" + r, false, true));
        }
        long b = median(bare);
        long p = median(plan);
        long f = median(planWithChecks);
        System.out.printf("documents=%d rounds=%d%n", docs, rounds);
        STEP_MS.forEach((step, values) -> System.out.printf("  plan step %-28s median %4d ms %s%n", step, median(values), values));
        PHASE_MS.forEach((phase, values) -> System.out.printf("  bare %-33s median %4d ms %s%n", phase, median(values), values));
        OUTSIDE_MS.forEach((what, values) -> System.out.printf("  plan run, %s: median %d ms %s%n", what,
                median(values), values));
        STORE_MS.forEach((store, values) -> System.out.printf("  time in the %s store per plan run (%d writes) median %d ms %s%n",
                store, storeWrites, median(values), values));
        System.out.printf("bare REST calls        median %d ms %s%n", b, bare);
        System.out.printf("plan (same calls)      median %d ms %s  ratio %.3f%n", p, plan, (double) p / b);
        List<Double> paired = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            paired.add((double) plan.get(r) / bare.get(r));
        }
        Collections.sort(paired);
        System.out.printf("plan/bare per round (adjacent runs), median %.3f of %s%n", paired.get(rounds / 2),
                paired.stream().map(x -> String.format("%.2f", x)).toList());
        System.out.printf("plan + pre-flight      median %d ms %s  ratio %.3f%n", f, planWithChecks, (double) f / b);
        long m = median(planInMemory);
        System.out.printf("plan, in-memory store  median %d ms %s  ratio %.3f (checkpoint fsyncs excluded)%n", m,
                planInMemory, (double) m / b);
        System.exit(0);
    }

    static void seed(ElasticsearchServer es, String prefix, int docs) {
        for (int i = 0; i < 4; i++) {
            es.request("PUT", "/" + prefix + "i" + i, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                    + "\"mappings\":{\"properties\":{\"msg\":{\"type\":\"text\"},\"n\":{\"type\":\"integer\"},"
                    + "\"tag\":{\"type\":\"keyword\"}}}}").ok();
        }
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < docs; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(prefix).append("i").append(i % 4).append("\",\"_id\":\"")
                    .append(i).append("\"}}\n{\"msg\":\"benchmark message number ").append(i)
                    .append(" with some text\",\"n\":").append(i).append(",\"tag\":\"t").append(i % 17).append("\"}\n");
            if (nd.length() > 4_000_000 || i == docs - 1) {
                es.request("POST", "/_bulk", nd.toString()).ok();
                nd.setLength(0);
            }
        }
        es.request("POST", "/" + prefix + "*/_refresh", null).ok();
    }

    /**
     * The REST calls the plan (without pre-flight) issues, issued directly: target version check,
     * repository registrations, snapshot and restore (blocking instead of polled), then the same
     * verification (counts, mappings, aliases per index) and post-upgrade checks.
     */
    static long bareRun(ElasticsearchServer srcServer, ElasticsearchServer dstServer, String prefix, String location,
            String tag) {
        String repo = prefix + tag + "-repo";
        String snap = "/_snapshot/" + repo + "/" + tag;
        boolean record = tag.startsWith("bare");
        long t0 = System.nanoTime();
        long t = t0;
        // a new HTTP client per run, as the plan run creates its clients: neither side starts with warm connections
        HttpClient http = HttpClient.newHttpClient();
        Bare src = new Bare(http, srcServer.url());
        Bare dst = new Bare(http, dstServer.url());
        dst.request("GET", "/_nodes?filter_path=nodes.*.name,nodes.*.version", null).ok();
        src.request("PUT", "/_snapshot/" + repo, "{\"type\":\"fs\",\"settings\":{\"location\":\"" + location + "\"}}").ok();
        dst.request("PUT", "/_snapshot/" + repo, "{\"type\":\"fs\",\"settings\":{\"location\":\"" + location
                + "\",\"readonly\":true}}").ok();
        t = lap("versions + repositories", t, record);
        src.request("PUT", snap + "?wait_for_completion=true", "{\"indices\":\"" + prefix + "*\",\"include_global_state\":true}").ok();
        t = lap("snapshot (blocking)", t, record);
        dst.request("POST", snap + "/_restore?wait_for_completion=true", "{\"indices\":\"" + prefix + "*\","
                + "\"include_global_state\":false,\"include_aliases\":true,\"feature_states\":[\"none\"],"
                + "\"rename_pattern\":\"" + prefix + "(.*)\",\"rename_replacement\":\"" + prefix + tag + "-$1\"}").ok();
        dst.request("GET", "/_cluster/health/" + prefix + tag + "-*?level=indices", null).ok();
        t = lap("restore (blocking) + health", t, record);
        for (int i = 0; i < 4; i++) {
            String a = prefix + "i" + i;
            String b = prefix + tag + "-i" + i;
            String ca = src.request("GET", "/" + a + "/_count", null).ok().body();
            String cb = dst.request("GET", "/" + b + "/_count", null).ok().body();
            if (!ca.equals(cb)) {
                throw new IllegalStateException("counts differ: " + ca + " vs " + cb);
            }
            src.request("GET", "/" + a + "/_mapping", null).ok();
            dst.request("GET", "/" + b + "/_mapping", null).ok();
            src.request("GET", "/" + a + "/_alias", null).ok();
            dst.request("GET", "/" + b + "/_alias", null).ok();
        }
        t = lap("verify", t, record);
        dst.request("GET", "/_nodes?filter_path=nodes.*.name,nodes.*.version", null).ok();
        dst.request("GET", "/_cluster/health", null).ok();
        dst.request("GET", "/_cat/indices?format=json&h=index,health", null).ok();
        for (int i = 0; i < 4; i++) {
            dst.request("GET", "/" + prefix + tag + "-i" + i + "/_count", null).ok();
        }
        lap("post checks", t, record);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        cleanup(dstServer, prefix + tag);
        return ms;
    }

    /** Bare requests to one node over a given JDK HTTP client. */
    private record Bare(HttpClient http, String url) {

        ElasticsearchServer.Response request(String method, String path, String body) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(300))
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
                if (body != null) {
                    b.header("Content-Type", path.endsWith("_bulk") ? "application/x-ndjson" : "application/json");
                }
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new ElasticsearchServer.Response(r.statusCode(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static int targetMajor(ElasticsearchServer dst) {
        return Integer.parseInt(dst.version().substring(0, dst.version().indexOf('.')));
    }

    static long planRun(ElasticsearchServer src, ElasticsearchServer dst, String prefix, String location, String tag,
            boolean preflight) throws Exception {
        return planRun(src, dst, prefix, location, tag, preflight, Boolean.getBoolean("bench.memoryStore"));
    }

    static long planRun(ElasticsearchServer src, ElasticsearchServer dst, String prefix, String location, String tag,
            boolean preflight, boolean memoryStore) throws Exception {
        ElasticsearchEndpoint s = ElasticsearchEndpoint.of(src.url());
        SnapshotRestoreSettings.Builder b = SnapshotRestoreSettings.builder(s, ElasticsearchEndpoint.of(dst.url()))
                .repository(prefix + tag + "-repo", location).snapshot(tag).indices(List.of(prefix + "*"))
                .rename(prefix + "(.*)", prefix + tag + "-$1").targetMajor(targetMajor(dst));
        if (preflight) {
            b.preflight(PreflightSettings.builder(s).targetMajor(targetMajor(dst)).allowUncheckedDeprecations(true)
                    .repositoryLocation(location).build());
        } else {
            b.withoutPreflight();
        }
        Path dir = Files.createTempDirectory("es-bench");
        long t0 = System.nanoTime();
        UpgradeReport report;
        try (ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(Long.getLong("bench.pollMillis", 1000))).build();
                TimedStore store = new TimedStore(memoryStore ? new InMemoryCheckpointStore()
                        : new FileCheckpointStore(dir.resolve("checkpoint.json")))) {
            UpgradePlan plan = es.snapshotRestorePlan(b.build());
            report = UpgradeRunner.builder().store(store).build().up(plan);
            closeStarted = System.nanoTime();
            if (tag.startsWith("plan") || tag.startsWith("mem")) {
                STORE_MS.computeIfAbsent(memoryStore ? "in-memory" : "file", k -> new ArrayList<>()).add(store.millis());
                storeWrites = store.writes();
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (tag.startsWith("plan")) {
            long steps = report.steps().stream().mapToLong(st -> st.duration().toMillis()).sum();
            OUTSIDE_MS.computeIfAbsent("outside steps (setup, lease, report, close)", k -> new ArrayList<>()).add(ms - steps);
            OUTSIDE_MS.computeIfAbsent("of which closing clients and store", k -> new ArrayList<>())
                    .add((System.nanoTime() - closeStarted) / 1_000_000);
        }
        if (!report.isSuccess()) {
            throw new IllegalStateException(report.toString());
        }
        if (tag.startsWith("plan")) {
            report.steps().forEach(st -> STEP_MS.computeIfAbsent(st.stepId(), k -> new ArrayList<>())
                    .add(st.duration().toMillis()));
        }
        cleanup(dst, prefix + tag);
        return ms;
    }

    static void cleanup(ElasticsearchServer dst, String prefix) {
        dst.request("DELETE", "/" + prefix + "-*", null);
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
