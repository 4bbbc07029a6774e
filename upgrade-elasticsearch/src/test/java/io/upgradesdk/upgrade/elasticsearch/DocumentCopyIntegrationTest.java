package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The public copy API on real nodes: 7.17 to 8.19, interrupted and resumed. */
@Tag("integration")
class DocumentCopyIntegrationTest {

    @Test
    void a_transformed_copy_from_717_to_819_resumes_from_its_saved_cursor_and_writes_the_rest_once() {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        try (ElasticsearchConnection v7 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es7.url()));
                ElasticsearchConnection v8 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es8.url()))) {
            String source = es7.newIndexPrefix("public-copy") + "orders";
            String target = es8.newIndexPrefix("public-copy") + "orders-v2";
            seed(v7, source, 120);
            List<CopyCursor> saved = new ArrayList<>();
            DocumentCopy copy = DocumentCopy.from(v7, source).to(v8, target)
                    .transform(doc -> doc.source().path("n").asInt() % 10 == 0 ? null
                            : doc.withId("order-" + doc.id()).withSource(doc.source().put("currency", "EUR")))
                    .pageSize(25).writeConcurrency(1)
                    .onCursor(cursor -> {
                        saved.add(cursor);
                        if (saved.size() == 2) {
                            throw new IllegalStateException("host killed after saving the second page's cursor");
                        }
                    })
                    .build();

            assertThatThrownBy(() -> copy.run(null)).hasMessageContaining("host killed");
            assertThat(saved.get(1).value()).doesNotContain("currency").doesNotContain("doc ");
            assertThat(v8.send("POST", "/" + target + "/_refresh", null)).isNotNull();
            assertThat(documents(v8, target)).as("two pages of 25, less the dropped").hasSize(45);

            List<Long> progress = new ArrayList<>();
            DocumentCopy resumed = DocumentCopy.from(v7, source).to(v8, target)
                    .transform(doc -> doc.source().path("n").asInt() % 10 == 0 ? null
                            : doc.withId("order-" + doc.id()).withSource(doc.source().put("currency", "EUR")))
                    .pageSize(25).onPage(p -> progress.add(p.read())).build();
            DocumentCopy.Result result = resumed.run(saved.get(1));

            assertThat(result.read()).isEqualTo(120);
            assertThat(result.written()).isEqualTo(108);
            assertThat(result.dropped()).isEqualTo(12);
            assertThat(progress).containsExactly(75L, 100L, 120L);
            Map<String, JsonNode> copied = documents(v8, target);
            assertThat(copied).hasSize(108).doesNotContainKey("order-d010").doesNotContainKey("d001");
            assertThat(copied.get("order-d077").path("_source").toString())
                    .isEqualTo("{\"n\":77,\"name\":\"doc 77\",\"currency\":\"EUR\"}");
            assertThat(copied).as("every document written exactly once: version 1")
                    .allSatisfy((id, hit) -> assertThat(hit.path("_version").asLong()).as(id).isEqualTo(1));
        }
    }

    private static void seed(ElasticsearchConnection es, String index, int count) {
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < count; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"")
                    .append(String.format("d%03d", i)).append("\"}}\n");
            nd.append("{\"n\":").append(i).append(",\"name\":\"doc ").append(i).append("\"}\n");
        }
        assertThat(es.sendNdjson("/_bulk?refresh=true", nd.toString()).path("errors").asBoolean()).isFalse();
    }

    private static Map<String, JsonNode> documents(ElasticsearchConnection es, String index) {
        JsonNode hits = es.send("POST", "/" + ElasticsearchConnection.encode(index) + "/_search",
                "{\"size\":1000,\"version\":true}").path("hits").path("hits");
        Map<String, JsonNode> out = new TreeMap<>();
        hits.forEach(h -> out.put(h.path("_id").asText(), h));
        return out;
    }
}
