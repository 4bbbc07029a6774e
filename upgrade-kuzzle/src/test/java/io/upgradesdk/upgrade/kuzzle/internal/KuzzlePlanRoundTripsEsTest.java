package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.HttpResponseInterceptor;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixed costs of the whole plan for a few documents, on real Elasticsearch 5.6 → 7.17: every
 * HTTP request the plan sends is counted (per step, per kind) through the host's REST clients, and
 * printed with each step's wall time. The limits pin what the batching achieved: lookups that do not
 * grow with the number of collections (existence, mappings, settings, counts) are one request per
 * step, and index creations are one request per target.
 */
@Tag("integration")
class KuzzlePlanRoundTripsEsTest {

    /** What the plan sends for this dataset, measured after batching; a change that adds round trips fails here. */
    static final int MAX_REQUESTS = 110;

    @TempDir
    Path work;

    private final ItScenario s = ItScenario.fresh();
    private final String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
    private final String dst = ElasticsearchServer.get(ElasticsearchServer.V7).url();

    @AfterEach
    void cleanUp() {
        EsFixtures.deleteAll(src, s.id());
        EsFixtures.deleteAll(dst, s.id());
    }

    /** Requests seen by one client, by "step | METHOD kind" (kind: the path's last {@code _}-segment, or "index"). */
    private static final class Counter {
        final Map<String, AtomicInteger> byStepAndKind = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> millisByStepAndKind = new ConcurrentHashMap<>();
        volatile String step = "(before the plan)";

        HttpRequestInterceptor interceptor(String cluster) {
            return (request, context) -> {
                String uri = request.getRequestLine().getUri();
                String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
                String kind = path.equals("/") ? "(root)" : "index";
                for (String segment : path.split("/")) {
                    if (segment.startsWith("_")) {
                        kind = segment;
                    }
                }
                String key = step + " | " + cluster + " " + request.getRequestLine().getMethod() + " " + kind;
                byStepAndKind.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                context.setAttribute("counter.key", key);
                context.setAttribute("counter.start", System.nanoTime());
            };
        }

        /** Adds each answered request's time (request sent to response head) to its key's total. */
        HttpResponseInterceptor timer() {
            return (response, context) -> {
                Object key = context.getAttribute("counter.key");
                Object start = context.getAttribute("counter.start");
                if (key != null && start != null) {
                    millisByStepAndKind.computeIfAbsent((String) key, k -> new AtomicLong())
                            .addAndGet((System.nanoTime() - (Long) start) / 1_000_000);
                }
            };
        }

        int total(String stepPrefix, String kindSuffix) {
            return byStepAndKind.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(stepPrefix) && e.getKey().endsWith(kindSuffix))
                    .mapToInt(e -> e.getValue().get()).sum();
        }
    }

    @Test
    void the_whole_plan_for_a_few_documents_sends_a_bounded_number_of_requests() throws Exception {
        EsFixtures.load(src, s.dataset(5, 0));
        Counter counter = new Counter();
        Map<String, Long> stepMillis = new TreeMap<>();
        try (RestClient v1 = RestClient.builder(HttpHost.create(src))
                        .setHttpClientConfigCallback(b -> b.addInterceptorLast(counter.interceptor("src"))
                                .addInterceptorLast(counter.timer())).build();
                RestClient v2 = RestClient.builder(HttpHost.create(dst))
                        .setHttpClientConfigCallback(b -> b.addInterceptorLast(counter.interceptor("dst"))
                                .addInterceptorLast(counter.timer())).build();
                KuzzleUpgrade kuzzle = KuzzleUpgrade.builder().elasticsearchClient("v1", v1)
                        .elasticsearchClient("v2", v2).build()) {
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("it")
                    .listener(event -> {
                        if (event instanceof UpgradeEvent.StepStarted started) {
                            counter.step = started.stepId();
                        }
                    }).build();
            long t0 = System.nanoTime();
            UpgradeReport report = runner.up(kuzzle.upgradePlan(s.settings(src, dst, work)
                    .sourceElasticsearch(ElasticsearchEndpoint.hostClient("v1"))
                    .targetElasticsearch(ElasticsearchEndpoint.hostClient("v2")).build()));
            long wholeMillis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
            report.steps().forEach(st -> stepMillis.put(st.stepId(), st.duration().toMillis()));
            int total = counter.total("", "");
            System.out.printf("whole plan %d ms, %d requests; steps: %s%n", wholeMillis, total, stepMillis);
            new TreeMap<>(counter.byStepAndKind).forEach((k, v) -> System.out.printf("  %3d %6d ms  %s%n", v.get(),
                    counter.millisByStepAndKind.getOrDefault(k, new AtomicLong()).get(), k));

            for (String step : List.of(KuzzlePlanFactory.INVENTORY, KuzzlePlanFactory.INTERNAL, KuzzlePlanFactory.PLUGINS,
                    KuzzlePlanFactory.PUBLIC, KuzzlePlanFactory.SETTLE, KuzzlePlanFactory.VERIFY)) {
                assertThat(counter.total(step + " ", "dst HEAD index")).as("one by one existence checks in " + step).isZero();
                assertThat(counter.total(step + " ", "dst GET _settings")).as("existence checks in " + step)
                        .isLessThanOrEqualTo(1);
                assertThat(counter.total(step + " ", "src GET _mapping")).as("mapping reads in " + step)
                        .isLessThanOrEqualTo(1);
                assertThat(counter.total(step + " ", "src GET _settings")).as("settings reads in " + step)
                        .isLessThanOrEqualTo(1);
                assertThat(counter.total(step + " ", "src POST _msearch")).as("batched source counts (and samples) in " + step)
                        .isLessThanOrEqualTo(2);
                assertThat(counter.total(step + " ", "dst POST _mget")).as("batched sample reads in " + step)
                        .isLessThanOrEqualTo(1);
                assertThat(counter.total(step + " ", "dst PUT _settings")).as("settings updates in " + step)
                        .isLessThanOrEqualTo(1);
                assertThat(counter.total(step + " ", "dst POST _refresh")).as("refreshes in " + step)
                        .isLessThanOrEqualTo(1);
            }
            assertThat(counter.total("", "dst PUT index")).as("one creation request per target index (5 internal, 1 plugin, 2 public)")
                    .isEqualTo(8);
            assertThat(counter.total("", "dst GET _cluster")).as("the cluster identity is read from GET /, not from the"
                    + " cluster state's metadata").isZero();
            assertThat(counter.total("", "dst PUT _doc") + counter.total("", "dst GET _doc"))
                    .as("the bootstrap markers are looked up in one _mget and written in one _bulk").isZero();
            assertThat(total).as("requests of the whole plan (190 before the batching)").isLessThanOrEqualTo(MAX_REQUESTS);
        }
    }
}
