package io.upgradesdk.upgrade.kuzzle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.kuzzle.internal.Connectors;
import io.upgradesdk.upgrade.kuzzle.internal.EsPort;
import io.upgradesdk.upgrade.kuzzle.internal.KuzzlePlanFactory;
import io.upgradesdk.upgrade.kuzzle.internal.LiveConnectors;
import io.upgradesdk.upgrade.kuzzle.internal.TokenCache;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Where the whole Kuzzle plan's target-node CPU goes (a benchmark aid, {@code -Dbench.probe=N}
 * of {@link KuzzleCopyBench}): the target node's idle CPU per second; then N runs of the plan in
 * this JVM, printing the target CPU of each step and of each call of the plan's ports (summed per
 * method; calls that overlap, such as parallel slices, count the same CPU twice); then single
 * requests repeated, each one's target CPU net of the idle rate. Target CPU is utime + stime of
 * the node's process from /proc (10 ms ticks; hence repetitions).
 */
final class TargetCostProbe {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String srcUrl;
    private final String dstUrl;
    private final ElasticsearchConnection d;
    private final LongSupplier targetCpuMs;
    private final LongSupplier sourceCpuMs;
    private double idleMsPerSecond;

    TargetCostProbe(String srcUrl, String dstUrl, ElasticsearchConnection d, LongSupplier targetCpuMs,
            LongSupplier sourceCpuMs) {
        this.srcUrl = srcUrl;
        this.dstUrl = dstUrl;
        this.d = d;
        this.targetCpuMs = targetCpuMs;
        this.sourceCpuMs = sourceCpuMs;
    }

    void idle() throws InterruptedException {
        long c0 = targetCpuMs.getAsLong();
        long t0 = System.nanoTime();
        Thread.sleep(6_000);
        idleMsPerSecond = (targetCpuMs.getAsLong() - c0) / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("probe: target node idle: %.1f ms CPU per second%n", idleMsPerSecond);
    }

    /** One run of the whole plan in this JVM: target CPU per step and per port call. */
    void plan(String index, String internal, String planId) {
        KuzzleUpgradeSettings settings = KuzzleUpgradeSettings.builder().planId(planId)
                .sourceElasticsearch(ElasticsearchEndpoint.of(srcUrl)).targetElasticsearch(ElasticsearchEndpoint.of(dstUrl))
                .v1InternalIndex(internal).v2InternalIndexName(internal.substring(1))
                .selection(DataSelection.indices(index)).targetVersion("2.14.0").build();
        Map<String, long[]> calls = new ConcurrentHashMap<>();
        Connectors live = new LiveConnectors(settings);
        Connectors measured = new Connectors() {
            @Override
            public EsPort source() {
                return measuring("src", live.source(), calls);
            }

            @Override
            public EsPort target() {
                return measuring("dst", live.target(), calls);
            }

            @Override
            public TokenCache cache() {
                return live.cache();
            }
        };
        Map<String, long[]> steps = new ConcurrentHashMap<>();
        long c0 = targetCpuMs.getAsLong();
        long t0 = System.nanoTime();
        UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("probe").listener(event -> {
            if (event instanceof UpgradeEvent.StepStarted s) {
                steps.put(s.stepId(), new long[] {targetCpuMs.getAsLong(), System.nanoTime(), 0, 0,
                        sourceCpuMs.getAsLong()});
            } else if (event instanceof UpgradeEvent.StepSucceeded s) {
                long[] v = steps.get(s.stepId());
                v[2] = targetCpuMs.getAsLong() - v[0];
                v[3] = (System.nanoTime() - v[1]) / 1_000_000;
                v[4] = sourceCpuMs.getAsLong() - v[4];
            }
        }).build().up(KuzzlePlanFactory.build(settings, measured)).throwIfFailed();
        long wall = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("probe: plan in-process %d ms, target CPU %d ms (idle share ~%.0f ms)%n", wall,
                targetCpuMs.getAsLong() - c0, idleMsPerSecond * wall / 1000);
        new TreeMap<>(steps).forEach((step, v) -> System.out.printf(
                "  step %-26s %6d ms wall, target CPU %5d ms, source CPU %5d ms%n", step.replace("kuzzle-", ""), v[3],
                v[2], v[4]));
        new TreeMap<>(calls).forEach((call, v) -> System.out.printf(
                "  call %-32s x%-3d target CPU %5d ms, source CPU %5d ms, wall %5d ms%n", call, v[0], v[1], v[3], v[2]));
    }

    /** A port whose calls add their count, target CPU, wall time and source CPU to {@code calls}. */
    private EsPort measuring(String role, EsPort real, Map<String, long[]> calls) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (args != null) {
                for (int k = 0; k < args.length; k++) {
                    if (args[k] instanceof EsPort p && Proxy.isProxyClass(p.getClass())) {
                        args[k] = ((Unwrap) Proxy.getInvocationHandler(p)).real();
                    }
                }
            }
            long c = targetCpuMs.getAsLong();
            long sc = sourceCpuMs.getAsLong();
            long t = System.nanoTime();
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (!method.getName().equals("majorVersion")) {
                    long[] v = calls.computeIfAbsent(role + "." + method.getName()
                            + (args == null ? "" : "/" + args.length), k -> new long[4]);
                    synchronized (v) {
                        v[0]++;
                        v[1] += targetCpuMs.getAsLong() - c;
                        v[2] += (System.nanoTime() - t) / 1_000_000;
                        v[3] += sourceCpuMs.getAsLong() - sc;
                    }
                }
            }
        };
        return (EsPort) Proxy.newProxyInstance(EsPort.class.getClassLoader(), new Class<?>[] {EsPort.class},
                new Unwrap(real, handler));
    }

    /** The handler of a measuring port, which knows the real port (the copy engine needs it unwrapped). */
    private record Unwrap(EsPort real, InvocationHandler handler) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
            return handler.invoke(proxy, method, args);
        }
    }

    /** Single requests to the target, each repeated, their target CPU net of the idle rate. */
    void requests(int repeat) throws Exception {
        String base = "probe-" + Long.toString(System.nanoTime() % 1_000_000) + "-";
        String body = "{\"settings\":{\"number_of_shards\":1},\"aliases\":{\"@" + base + "A\":{}},\"mappings\":{"
                + "\"dynamic\":\"false\",\"properties\":{\"a\":{\"type\":\"keyword\"},\"b\":{\"type\":\"date\"},"
                + "\"c\":{\"type\":\"object\",\"enabled\":false}}}}";
        measure("PUT <index> (1 shard, mapping, alias)", repeat, k -> d.send("PUT", "/" + base + k,
                JSON.readTree(body.replace("A\"", k + "\""))));
        measure("PUT <index> (1 shard, mapping, alias, refresh -1)", repeat, k -> d.send("PUT", "/" + base + "r" + k,
                JSON.readTree(body.replace("A\"", "r" + k + "\"").replace("\"number_of_shards\":1",
                        "\"number_of_shards\":1,\"refresh_interval\":\"-1\""))));
        String bare = body.replace("\"aliases\":{\"@" + base + "A\":{}},", "");
        measure("PUT <index> (1 shard, mapping, no alias)", repeat, k -> d.send("PUT", "/" + base + "na" + k,
                JSON.readTree(bare)));
        measure("PUT <index> (1 shard, no mapping, no alias)", repeat, k -> d.send("PUT", "/" + base + "nm" + k,
                JSON.readTree("{\"settings\":{\"number_of_shards\":1}}")));
        measure("PUT <index> (1 shard, 0 replicas, mapping, alias)", repeat, k -> d.send("PUT", "/" + base + "z" + k,
                JSON.readTree(body.replace("A\"", "z" + k + "\"").replace("\"number_of_shards\":1",
                        "\"number_of_shards\":1,\"number_of_replicas\":0"))));
        measure("PUT <index>?wait_for_active_shards=0 (mapping, alias)", repeat, k -> d.send("PUT", "/" + base + "w" + k
                + "?wait_for_active_shards=0", JSON.readTree(body.replace("A\"", "w" + k + "\""))));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            measure("4 x PUT <index> in parallel (mapping, alias), per index", 1, k -> {
                java.util.List<java.util.concurrent.Future<?>> f = new java.util.ArrayList<>();
                for (int i = 0; i < repeat; i++) {
                    int j = i;
                    f.add(pool.submit(() -> d.send("PUT", "/" + base + "p" + j,
                            JSON.readTree(body.replace("A\"", "p" + j + "\"")))));
                }
                for (java.util.concurrent.Future<?> x : f) {
                    x.get();
                }
            }, repeat);
        } finally {
            pool.shutdown();
        }
        measure("PUT <index>/_settings refresh_interval null (was -1)", repeat, k -> d.send("PUT",
                "/" + base + "r" + k + "/_settings", JSON.readTree("{\"index\":{\"refresh_interval\":null}}")));
        measure("PUT <index>/_settings refresh_interval null (unchanged)", repeat, k -> d.send("PUT",
                "/" + base + "r" + k + "/_settings", JSON.readTree("{\"index\":{\"refresh_interval\":null}}")));
        measure("PUT <index>/_doc/<id> (one document)", repeat, k -> d.send("PUT", "/" + base + k + "/_doc/x",
                JSON.readTree("{\"a\":\"x\"}")));
        measure("GET <index>/_doc/<id> (realtime, unrefreshed)", repeat, k -> d.getIfExists("/" + base + k + "/_doc/x"));
        measure("POST <index>/_refresh (one new document)", repeat, k -> d.send("POST", "/" + base + k + "/_refresh", null));
        measure("POST <index>/_refresh (nothing new)", repeat, k -> d.send("POST", "/" + base + k + "/_refresh", null));
        measure("POST <7 indices>/_refresh (nothing new)", repeat, k -> d.send("POST", "/" + base + "0," + base + "1,"
                + base + "2," + base + "3," + base + "4," + base + "5," + base + "6/_refresh", null));
        measure("GET <7 indices>/_settings/index.uuid", repeat, k -> d.get("/" + base + "0," + base + "1," + base + "2,"
                + base + "3," + base + "4," + base + "5," + base + "6/_settings/index.uuid?ignore_unavailable=true"));
        measure("GET /_nodes/os (copy engine, per copy)", repeat, k -> d.get(
                "/_nodes/os?filter_path=nodes.*.roles,nodes.*.os.allocated_processors,nodes.*.os.available_processors"));
        measure("open connection (GET /_nodes/_local version)", repeat,
                k -> ElasticsearchConnection.open(ElasticsearchEndpoint.of(dstUrl)).close());
        measure("GET /_cluster/state/metadata?filter_path=..cluster_uuid", repeat, k -> d.getIfExists(
                "/_cluster/state/metadata?filter_path=metadata.cluster_uuid"));
        measure("DELETE <index>", repeat, k -> d.send("DELETE", "/" + base + k + "," + base + "r" + k, null));
        d.send("DELETE", "/" + base + "*", null);
    }

    /** Index creations of a few kinds, interleaved, each kind's median target CPU (net of idle). */
    void creations(int repeat) throws Exception {
        String base = "probeab-" + Long.toString(System.nanoTime() % 1_000_000) + "-";
        String mapping = "\"mappings\":{\"dynamic\":\"false\",\"properties\":{\"a\":{\"type\":\"keyword\"},"
                + "\"b\":{\"type\":\"date\"},\"c\":{\"type\":\"object\",\"enabled\":false}}}";
        Map<String, String> kinds = new java.util.LinkedHashMap<>();
        kinds.put("mapping + alias (as the plan)", "{\"settings\":{},\"aliases\":{\"@ALIAS\":{}}," + mapping + "}");
        kinds.put("mapping + alias, 0 replicas", "{\"settings\":{\"number_of_replicas\":0},\"aliases\":{\"@ALIAS\":{}},"
                + mapping + "}");
        kinds.put("mapping, no alias", "{\"settings\":{}," + mapping + "}");
        kinds.put("empty body", "{}");
        Map<String, java.util.List<Double>> cpu = new java.util.LinkedHashMap<>();
        for (int k = 0; k < repeat; k++) {
            int kind = 0;
            for (Map.Entry<String, String> e : kinds.entrySet()) {
                String name = base + (kind++) + "-" + k;
                long c0 = targetCpuMs.getAsLong();
                long t0 = System.nanoTime();
                d.send("PUT", "/" + name, JSON.readTree(e.getValue().replace("ALIAS", name)));
                Thread.sleep(400);
                double wall = (System.nanoTime() - t0) / 1e9;
                cpu.computeIfAbsent(e.getKey(), x -> new java.util.ArrayList<>())
                        .add(targetCpuMs.getAsLong() - c0 - idleMsPerSecond * wall);
            }
        }
        cpu.forEach((kind, v) -> System.out.printf("probe: create, %-40s median %6.1f ms target CPU (of %s)%n", kind,
                KuzzleCopyBench.median(v.stream().mapToDouble(Double::doubleValue).toArray()),
                v.stream().map(x -> String.format("%.0f", x)).toList()));
        d.send("DELETE", "/" + base + "*", null);
    }

    private interface Request {
        void send(int k) throws Exception;
    }

    private void measure(String name, int repeat, Request request) throws Exception {
        measure(name, repeat, request, repeat);
    }

    /** {@code request} sent {@code repeat} times, its target CPU divided by {@code per}. */
    private void measure(String name, int repeat, Request request, int per) throws Exception {
        long c0 = targetCpuMs.getAsLong();
        long t0 = System.nanoTime();
        for (int k = 0; k < repeat; k++) {
            request.send(k);
        }
        Thread.sleep(300); // work the request leaves behind (shard start, persisted state) lands in the count
        double wall = (System.nanoTime() - t0) / 1e9;
        double net = targetCpuMs.getAsLong() - c0 - idleMsPerSecond * wall;
        System.out.printf("probe: %-58s %6.1f ms target CPU each (net of idle; %d times, %.0f ms wall each)%n", name,
                net / per, per, (wall - 0.3) * 1000 / per);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
