package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The target Elasticsearch node (8.19, a dedicated node) is restarted in the middle of a document
 * copy from 7.17: the writes that fail while it is down are transient, the runner retries the step
 * from its saved cursor, and the copy ends with every document exactly once; only the pages in
 * flight at the restart are written a second time.
 */
@Tag("integration")
@Tag("long")
class TargetRestartDuringCopyTest {

    private static final int DOCUMENTS = 3000;
    private static final int PAGE = 50;
    private static final int RESTART_AFTER_PAGE = 6;

    @Test
    void aTargetNodeRestartedMidCopyIsRiddenThroughAndEveryDocumentArrivesOnce() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        try (ElasticsearchNode target = ElasticsearchServer.newNode(ElasticsearchServer.V8).start(ElasticsearchServer.V8);
                ElasticsearchConnection v7 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es7.url()))) {
            String source = es7.newIndexPrefix("restart-copy") + "orders";
            String index = "restart-copy-orders";
            seed(v7, source);
            target.request("PUT", "/" + index, "{\"settings\":{\"number_of_replicas\":0}}").ok();
            AtomicInteger pages = new AtomicInteger();
            CompletableFuture<Long> restart = new CompletableFuture<>();
            List<String> retried = new CopyOnWriteArrayList<>();
            UpgradePlan plan = UpgradePlan.builder("target-restart-mid-copy")
                    .step(UpgradeStep.builder("copy").execute(ctx -> {
                        ElasticsearchEndpoint to = ElasticsearchEndpoint.builder().url(target.url())
                                .requestTimeout(Duration.ofSeconds(10)).build();
                        try (ElasticsearchConnection v8 = ElasticsearchConnection.open(to)) {
                            DocumentCopy.from(v7, source).to(v8, index).pageSize(PAGE).writeConcurrency(2)
                                    .onCursor(cursor -> ctx.saveCursor(cursor.value()))
                                    .onPage(progress -> {
                                        if (pages.incrementAndGet() == RESTART_AFTER_PAGE) {
                                            CompletableFuture.runAsync(() -> restart.complete(restart(target)));
                                            awaitDown(target); // the next pages are written while it is away
                                        }
                                    })
                                    .build()
                                    .run(ctx.cursor().map(CopyCursor::of).orElse(null));
                        }
                    }).build())
                    .build();
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("restart")
                    .retryPolicy(RetryPolicy.custom().maxAttempts(60).initialBackoff(Duration.ofMillis(500))
                            .maxBackoff(Duration.ofSeconds(3)).build())
                    .listener(e -> {
                        if (e instanceof UpgradeEvent.StepRetrying r) {
                            retried.add(r.error());
                        }
                    })
                    .build();

            UpgradeReport report = runner.up(plan);

            long downMillis = restart.get(5, TimeUnit.MINUTES);
            System.out.println("[fault-suite] target restart took " + downMillis + " ms; " + retried.size()
                    + " retries; first error: " + (retried.isEmpty() ? "-" : retried.get(0)));
            assertThat(report.outcome()).as("%s", report.toJson()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(retried).as("writes failed while the node was down and were retried").isNotEmpty();
            Map<String, Long> versions = versions(target, index);
            assertThat(versions).as("every source document").hasSize(DOCUMENTS);
            assertThat(versions.values().stream().filter(v -> v > 1).count())
                    .as("documents written twice: only the pages in flight at the restart").isLessThanOrEqualTo(3L * PAGE);
        }
    }

    /** Stops the node (SIGTERM) and starts it again on the same data and port; the time it was away. */
    private static long restart(ElasticsearchNode node) {
        long start = System.nanoTime();
        node.stop();
        node.start(ElasticsearchServer.V8);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void awaitDown(ElasticsearchNode node) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (node.isRunning() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void seed(ElasticsearchConnection es, String index) {
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < DOCUMENTS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"d").append(i).append("\"}}\n");
            nd.append("{\"n\":").append(i).append(",\"pad\":\"").append("x".repeat(200)).append("\"}\n");
        }
        assertThat(es.sendNdjson("/_bulk?refresh=true", nd.toString()).path("errors").asBoolean()).isFalse();
    }

    private static Map<String, Long> versions(ElasticsearchNode node, String index) throws Exception {
        node.request("POST", "/" + index + "/_refresh", null).ok();
        JsonNode hits = new com.fasterxml.jackson.databind.ObjectMapper().readTree(node.request("GET", "/" + index
                + "/_search?version=true&size=10000&_source=false", null).ok().body()).path("hits").path("hits");
        Map<String, Long> out = new HashMap<>();
        hits.forEach(h -> out.put(h.path("_id").asText(), h.path("_version").asLong()));
        return out;
    }
}
