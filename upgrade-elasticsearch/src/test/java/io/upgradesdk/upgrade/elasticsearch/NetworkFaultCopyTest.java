package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.FaultProxy;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A plan's document copy, 7.17 to 8.19, with the target reached through a {@link FaultProxy} that
 * breaks the network mid-copy: transient faults are retried and the copy ends with exact counts;
 * a target that stops answering ends the run with a clear error instead of a hang, and the rerun
 * completes from the saved cursor.
 */
@Tag("integration")
class NetworkFaultCopyTest {

    private static final int DOCUMENTS = 600;
    private static final int PAGE = 50;

    private final ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
    private final ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);

    @Test
    void connectionsResetMidCopyAreRetriedAndEveryDocumentArrivesExactlyOnce() {
        try (FaultProxy proxy = FaultProxy.to(es8.host(), es8.port());
                ElasticsearchConnection v7 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es7.url()))) {
            String source = es7.newIndexPrefix("net-fault") + "orders";
            String target = es8.newIndexPrefix("net-fault") + "orders";
            seed(v7, source);
            AtomicInteger pages = new AtomicInteger();
            AtomicLong resetsDuringCopy = new AtomicLong();
            // A reset after pages 2, 5 and 9: the bulk requests of the next pages are in flight then.
            UpgradePlan plan = copyPlan("reset-mid-copy", v7, source, proxy, target, Duration.ofSeconds(30), page -> {
                if (page == 2 || page == 5 || page == 9) {
                    resetsDuringCopy.addAndGet(proxy.resetConnections());
                }
            }, pages);

            UpgradeReport report = runner().up(plan);

            assertThat(report.outcome()).as("%s", report.toJson()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(resetsDuringCopy.get()).as("open connections reset while copying").isPositive();
            assertThat(copied(target)).as("every source document, once, unchanged").isEqualTo(expected());
        }
    }

    @Test
    void aTargetThatStopsAnsweringEndsTheRunWithAClearErrorAndTheRerunCompletesFromTheCursor() {
        try (FaultProxy proxy = FaultProxy.to(es8.host(), es8.port());
                ElasticsearchConnection v7 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es7.url()))) {
            String source = es7.newIndexPrefix("net-stall") + "orders";
            String target = es8.newIndexPrefix("net-stall") + "orders";
            seed(v7, source);
            createIndex(target); // created up front: the short request timeout is for the stall, not a slow index creation
            InMemoryCheckpointStore store = new InMemoryCheckpointStore();
            AtomicInteger pages = new AtomicInteger();
            UpgradePlan stalling = copyPlan("stall-mid-copy", v7, source, proxy, target, Duration.ofSeconds(5), page -> {
                if (page == 4) {
                    proxy.stall(true); // a black-holed route: no RST, no answer
                }
            }, pages);

            long start = System.nanoTime();
            UpgradeReport failed = runner(store, 2).up(stalling);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // Page 5's bulk request may have crossed the proxy before the stall (two writes in flight).
            assertThat(pages.get()).as("pages written before the stall").isBetween(4, 5);
            assertThat(failed.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
            assertThat(failed.errorCode()).isEqualTo(UpgradeErrorCode.STEP_FAILED.id());
            assertThat(failed.error()).as("names the step, the unreachable node and what to do")
                    .contains("copy").contains("127.0.0.1:" + proxy.port()).contains("did not answer").contains("run again");
            assertThat(took).as("two attempts of a 5 s request timeout, not a hang").isLessThan(Duration.ofSeconds(60));
            assertThat(store.load(stalling.id()).orElseThrow().step("copy").cursor())
                    .as("the cursor of the last page written survived").isNotNull();

            proxy.heal();
            UpgradeReport resumed = runner(store, 2).up(copyPlan("stall-mid-copy", v7, source, proxy, target,
                    Duration.ofSeconds(30), page -> { }, pages));

            assertThat(resumed.outcome()).as("%s", resumed.toJson()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(copied(target)).isEqualTo(expected());
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private interface PageHook {
        void afterPage(int page);
    }

    private static UpgradePlan copyPlan(String id, ElasticsearchConnection v7, String source, FaultProxy proxy,
            String target, Duration requestTimeout, PageHook hook, AtomicInteger pages) {
        return UpgradePlan.builder(id)
                .step(UpgradeStep.builder("copy").execute(ctx -> {
                    ElasticsearchEndpoint throughProxy = ElasticsearchEndpoint.builder().url(proxy.url("http"))
                            .requestTimeout(requestTimeout).build();
                    try (ElasticsearchConnection v8 = ElasticsearchConnection.open(throughProxy)) {
                        DocumentCopy.from(v7, source).to(v8, target).pageSize(PAGE).writeConcurrency(2)
                                .onCursor(cursor -> ctx.saveCursor(cursor.value()))
                                .onPage(progress -> hook.afterPage(pages.incrementAndGet()))
                                .build()
                                .run(ctx.cursor().map(CopyCursor::of).orElse(null));
                    }
                }).build())
                .build();
    }

    private static UpgradeRunner runner() {
        return runner(new InMemoryCheckpointStore(), 10);
    }

    private static UpgradeRunner runner(InMemoryCheckpointStore store, int attempts) {
        return UpgradeRunner.builder().store(store).owner("net-fault")
                .retryPolicy(RetryPolicy.custom().maxAttempts(attempts).initialBackoff(Duration.ofMillis(100))
                        .maxBackoff(Duration.ofMillis(500)).build())
                .build();
    }

    private static void seed(ElasticsearchConnection es, String index) {
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < DOCUMENTS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"d").append(i).append("\"}}\n");
            nd.append("{\"n\":").append(i).append(",\"pad\":\"").append("x".repeat(200)).append("\"}\n");
        }
        assertThat(es.sendNdjson("/_bulk?refresh=true", nd.toString()).path("errors").asBoolean()).isFalse();
    }

    private void createIndex(String index) {
        try (ElasticsearchConnection v8 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es8.url()))) {
            v8.send("PUT", "/" + index, "{\"settings\":{\"number_of_replicas\":0}}");
        }
    }

    private static Map<String, Integer> expected() {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            out.put("d" + i, i);
        }
        return out;
    }

    private Map<String, Integer> copied(String index) {
        try (ElasticsearchConnection v8 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es8.url()))) {
            v8.send("POST", "/" + index + "/_refresh", null);
            JsonNode hits = v8.send("POST", "/" + index + "/_search", "{\"size\":" + (DOCUMENTS + 100) + "}")
                    .path("hits").path("hits");
            Map<String, Integer> out = new HashMap<>();
            hits.forEach(hit -> {
                Integer previous = out.put(hit.path("_id").asText(), hit.path("_source").path("n").asInt());
                assertThat(previous).as("document %s seen twice", hit.path("_id").asText()).isNull();
            });
            return out;
        }
    }
}
