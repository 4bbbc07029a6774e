package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class DocumentCopierTest {

    static void seed(EsClient client, String index, String type, int count) {
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < count; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(index).append('"');
            if (type != null) {
                nd.append(",\"_type\":\"").append(type).append('"');
            }
            nd.append(",\"_id\":\"").append(type == null ? "" : type).append(i).append("\"}}\n");
            nd.append("{\"n\":").append(i).append(",\"name\":\"doc ").append(i).append("\"}\n");
        }
        DocumentCopier.checkBulk(client, client.sendNdjson("/_bulk?refresh=true", nd.toString()));
    }

    @Test
    void copies56MultiTypeIndexInto717TypedByTransform() {
        ElasticsearchServer es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        try (EsClient src = EsClient.connect(ElasticsearchEndpoint.of(es5.url()));
                EsClient dst = EsClient.connect(ElasticsearchEndpoint.of(es7.url()))) {
            String index = es5.newIndexPrefix("multitype") + "data";
            seed(src, index, "users", 30);
            seed(src, index, "profiles", 20);
            String target = es7.newIndexPrefix("multitype") + "out";
            List<String> checkpoints = new ArrayList<>();
            DocumentCopier.Result r = DocumentCopier.builder(src, dst).sourceIndex(index).batchSize(7)
                    .transform(d -> d.withTarget(target + "-" + d.type(), null)).build()
                    .copy(null, checkpoints::add, null);
            assertThat(r.read()).isEqualTo(50);
            assertThat(r.written()).isEqualTo(50);
            assertThat(checkpoints).hasSizeGreaterThan(7);
            assertThat(dst.get("/" + target + "-users/_count").path("count").asLong()).isEqualTo(30);
            assertThat(dst.get("/" + target + "-profiles/_count").path("count").asLong()).isEqualTo(20);
            assertThat(dst.get("/" + target + "-users/_doc/users7").path("_source").path("n").asInt()).isEqualTo(7);
            assertThat(uidFielddataBytes(src, index)).as("the _uid fielddata paging loaded is released").isZero();
        }
    }

    @Test
    void pagingOn56LoadsUidFielddataThatTheCopyReleases() {
        ElasticsearchServer es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        try (EsClient src = EsClient.connect(ElasticsearchEndpoint.of(es5.url()));
                EsClient dst = EsClient.connect(ElasticsearchEndpoint.of(es7.url()))) {
            String index = es5.newIndexPrefix("fielddata") + "data";
            seed(src, index, "users", 20);
            src.send("POST", "/" + index + "/_search", "{\"size\":1,\"sort\":[{\"_uid\":\"asc\"}]}");
            assertThat(uidFielddataBytes(src, index)).as("what search_after on _uid leaves on 5.x").isPositive();
            String target = es7.newIndexPrefix("fielddata") + "copy";
            DocumentCopier.builder(src, dst).sourceIndex(index).targetIndex(target).build().copy(null, c -> { }, null);
            assertThat(uidFielddataBytes(src, index)).isZero();
            assertThat(dst.get("/" + target + "/_count").path("count").asLong()).isEqualTo(20);
        }
    }

    private static long uidFielddataBytes(EsClient client, String index) {
        return client.get("/" + index + "/_stats/fielddata?fields=_uid").path("indices").path(index).path("total")
                .path("fielddata").path("memory_size_in_bytes").asLong();
    }

    @Test
    void copyInterruptedAfterACheckpointResumesWithoutLossFrom717To819() {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        try (EsClient src = EsClient.connect(ElasticsearchEndpoint.of(es7.url()));
                EsClient dst = EsClient.connect(ElasticsearchEndpoint.of(es8.url()))) {
            String prefix = es7.newIndexPrefix("resume");
            seed(src, prefix + "a", null, 120);
            seed(src, prefix + "b", null, 45);
            String target = es8.newIndexPrefix("resume") + "all";
            DocumentCopier copier = DocumentCopier.builder(src, dst).sourceIndex(prefix + "*").batchSize(50)
                    .transform(d -> new EsDocument(target, null, d.index() + ":" + d.id(), d.source())).build();
            AtomicInteger pages = new AtomicInteger();
            String[] last = new String[1];
            assertThatThrownBy(() -> copier.copy(null, c -> {
                last[0] = c;
                if (pages.incrementAndGet() == 2) {
                    throw new IllegalStateException("crash after page 2");
                }
            }, null)).hasMessageContaining("crash");
            assertThat(last[0]).doesNotContain("doc ");
            List<Long> progress = new ArrayList<>();
            DocumentCopier.Result r = copier.copy(last[0], c -> { }, (done, total, idx) -> progress.add(done));
            assertThat(r.read()).isEqualTo(165);
            assertThat(dst.get("/" + target + "/_count").path("count").asLong()).isEqualTo(165);
            assertThat(progress).isSorted().last().isEqualTo(165L);
        }
    }

    @Test
    void scrollsAn819SourceAndReportsFailedBulkItems() {
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        try (EsClient c = EsClient.connect(ElasticsearchEndpoint.of(es8.url()))) {
            String prefix = es8.newIndexPrefix("bulkfail");
            seed(c, prefix + "src", null, 30);
            c.send("PUT", "/" + prefix + "dst", "{\"mappings\":{\"properties\":{\"name\":{\"type\":\"integer\"}}}}");
            DocumentCopier copier = DocumentCopier.builder(c, c).sourceIndex(prefix + "src").batchSize(10)
                    .targetIndex(prefix + "dst").build();
            assertThatThrownBy(() -> copier.copy(null, x -> { }, null))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.BULK_ITEM_FAILED);
                        assertThat(e.getMessage()).contains("failed to parse field [name]").contains("/3:")
                                .doesNotContain("doc 3");
                    });
            assertThatThrownBy(() -> c.send("PUT", "/" + prefix + "dst/_doc/one", "{\"name\":\"top-secret-value\"}"))
                    .isInstanceOf(UpgradeException.class).hasMessageContaining("failed to parse field [name]")
                    .hasMessageNotContaining("top-secret-value");
            JsonNode ok = DocumentCopier.builder(c, c).sourceIndex(prefix + "src").batchSize(10)
                    .targetIndex(prefix + "copy").build().copy(null, x -> { }, null) != null
                    ? c.get("/" + prefix + "copy/_count") : null;
            assertThat(ok.path("count").asLong()).isEqualTo(30);
        }
    }

    @Test
    void concurrentWritesCommitCursorsInPageOrderAndNeverPastAFailedPage() {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        try (EsClient c = EsClient.connect(ElasticsearchEndpoint.of(es7.url()))) {
            String prefix = es7.newIndexPrefix("pipeline");
            StringBuilder nd = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                nd.append("{\"index\":{\"_index\":\"").append(prefix).append("src\",\"_id\":\"")
                        .append(String.format("%03d", i)).append("\"}}\n{\"n\":")
                        .append(i == 155 ? "\"secret-value-155\"" : Integer.toString(i)).append("}\n");
            }
            c.send("PUT", "/" + prefix + "src", "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"keyword\"}}}}");
            DocumentCopier.checkBulk(c, c.sendNdjson("/_bulk?refresh=true", nd.toString()));
            c.send("PUT", "/" + prefix + "dst", "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"integer\"}}}}");
            DocumentCopier copier = DocumentCopier.builder(c, c).sourceIndex(prefix + "src").batchSize(10)
                    .writeConcurrency(4).targetIndex(prefix + "dst").build();
            List<Long> committed = new ArrayList<>();
            List<String> cursors = new ArrayList<>();
            assertThatThrownBy(() -> copier.copy(null, cursor -> {
                cursors.add(cursor);
                committed.add(DocumentCopier.Cursor.parse(cursor).read);
            }, null)).isInstanceOfSatisfying(UpgradeException.class, e -> {
                assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.BULK_ITEM_FAILED);
                assertThat(e.getMessage()).contains(prefix + "dst/155").doesNotContain("secret-value");
            });
            assertThat(committed).isSorted().doesNotHaveDuplicates().allMatch(n -> n % 10 == 0);
            assertThat(committed.get(committed.size() - 1)).isLessThanOrEqualTo(150);

            c.send("POST", "/" + prefix + "src/_update/155?refresh=true", "{\"doc\":{\"n\":155}}");
            List<Long> progress = new ArrayList<>();
            DocumentCopier.Result r = copier.copy(cursors.get(cursors.size() - 1), x -> { },
                    (done, total, index) -> progress.add(done));
            assertThat(r.read()).isEqualTo(200);
            assertThat(r.written()).isEqualTo(200);
            assertThat(progress).isSorted().last().isEqualTo(200L);
            assertThat(c.get("/" + prefix + "dst/_count").path("count").asLong()).isEqualTo(200);
        }
    }

    /**
     * A dedicated 7.17 node with a 1 MB indexing-pressure limit: six ~300 KB bulk requests in flight
     * are partly rejected (429); the copier resends them with backoff and loses nothing. A single
     * request above the limit is rejected every time: the copy fails after 8 attempts as UNAVAILABLE.
     */
    @Test
    void busyRejectionsAreResentWithBackoffAndAnOversizedPageFailsAfterEightAttempts() {
        try (ElasticsearchNode node = ElasticsearchServer.newNode(ElasticsearchServer.V7,
                "indexing_pressure.memory.limit: 1mb");
                EsClient c = EsClient.connect(ElasticsearchEndpoint.of(node.start(ElasticsearchServer.V7).url()))) {
            String text = "x".repeat(1500);
            StringBuilder nd = new StringBuilder();
            c.send("PUT", "/src", "{\"settings\":{\"number_of_replicas\":0}}");
            for (int i = 0; i < 3000; i++) {
                nd.append("{\"index\":{\"_index\":\"src\",\"_id\":\"").append(i).append("\"}}\n{\"n\":").append(i)
                        .append(",\"text\":\"").append(text).append("\"}\n");
                if (nd.length() > 300_000) {
                    DocumentCopier.checkBulk(c, c.sendNdjson("/_bulk", nd.toString()));
                    nd.setLength(0);
                }
            }
            DocumentCopier.checkBulk(c, c.sendNdjson("/_bulk?refresh=true", nd.toString()));
            long rejectionsBefore = rejections(c);

            DocumentCopier.Result r = DocumentCopier.builder(c, c).sourceIndex("src").targetIndex("dst").batchSize(200)
                    .writeConcurrency(6).build().copy(null, x -> { }, null);
            assertThat(r.written()).isEqualTo(3000);
            assertThat(c.get("/dst/_count").path("count").asLong()).isEqualTo(3000);
            assertThat(rejections(c)).as("the node rejected some bulk requests").isGreaterThan(rejectionsBefore);

            List<java.time.Duration> pauses = new ArrayList<>();
            assertThatThrownBy(() -> DocumentCopier.builder(c, c).sourceIndex("src").targetIndex("big").batchSize(1000).writeConcurrency(1)
                    .sleeper(pauses::add).build().copy(null, x -> { }, null))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("429", "retry");
                    });
            assertThat(pauses).hasSize(BulkPipeline.ATTEMPTS - 1).isSorted();
        }
    }

    private static long rejections(EsClient c) {
        long n = 0;
        for (JsonNode node : c.get("/_nodes/stats/indexing_pressure").path("nodes")) {
            n += node.path("indexing_pressure").path("memory").path("total").path("coordinating_rejections").asLong();
        }
        return n;
    }
}
