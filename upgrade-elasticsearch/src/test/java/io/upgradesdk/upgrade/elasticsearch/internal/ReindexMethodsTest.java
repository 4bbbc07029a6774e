package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import io.upgradesdk.upgrade.elasticsearch.TestContext;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reindex step's two methods write alike: a document already in the destination is left as it
 * is by the cluster's {@code _reindex} ({@code op_type: create}, {@code conflicts: proceed}) and by
 * the client-side copy (bulk {@code create} operations, "already exists" not a failure); and the
 * client-side copy sends a host client's headers with every request.
 */
class ReindexMethodsTest {

    private static final ObjectMapper JSON = EsClient.json();

    /**
     * A 5.6-like node with its indices in memory: search_after pages, {@code _bulk} with index
     * (overwrite) and create (409 when the id exists) operations, and, when it has the reindex
     * module, a {@code _reindex} that honours the request's {@code op_type} and {@code conflicts}.
     */
    static final class Cluster implements Function<Request, Answer> {
        private static final String TASK = "n1:7";
        private final boolean hasReindex;
        final Map<String, NavigableMap<String, String>> indices = new ConcurrentHashMap<>();
        private volatile String taskResult;

        Cluster(boolean hasReindex) {
            this.hasReindex = hasReindex;
        }

        NavigableMap<String, String> index(String name) {
            return indices.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>());
        }

        @Override
        public Answer apply(Request r) {
            try {
                return route(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Answer route(Request r) throws IOException {
            String path = r.path();
            if (path.equals("/_reindex")) {
                if (!hasReindex) {
                    return new Answer(405, "{\"error\":\"Incorrect HTTP method for uri [/_reindex], allowed: []\"}");
                }
                return r.body().equals("{}") ? new Answer(400, "{\"error\":{\"type\":"
                        + "\"action_request_validation_exception\",\"reason\":\"index must be specified\"}}")
                        : reindex(JSON.readTree(r.body()));
            }
            return switch (path) {
                case "/_nodes/_local" -> Answer.ok("{\"nodes\":{\"n1\":{\"version\":\"5.6.16\"}}}");
                case "/_cat/indices/old" -> Answer.ok("[{\"index\":\"old\"}]");
                case "/old/_count" -> Answer.ok("{\"count\":" + index("old").size() + "}");
                case "/old/_settings/index.number_of_shards" ->
                        Answer.ok("{\"old\":{\"settings\":{\"index\":{\"number_of_shards\":\"1\"}}}}");
                case "/old/_search" -> search(JSON.readTree(r.body()));
                case "/old/_cache/clear", "/new/_refresh" -> Answer.ok("{}");
                case "/_bulk" -> bulk(r.body());
                case "/_tasks" -> Answer.ok("{\"tasks\":[]}");
                case "/_tasks/" + TASK -> Answer.ok(taskResult);
                default -> null;
            };
        }

        private Answer search(JsonNode request) {
            String after = request.path("search_after").path(0).asText(null);
            NavigableMap<String, String> docs = after == null ? index("old") : index("old").tailMap(after.substring(
                    "doc#".length()), false);
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode hits = answer.putObject("hits").putArray("hits");
            docs.entrySet().stream().limit(request.path("size").asInt()).forEach(d -> {
                ObjectNode hit = hits.addObject().put("_index", "old").put("_type", "doc").put("_id", d.getKey());
                hit.set("_source", read(d.getValue()));
                hit.putArray("sort").add("doc#" + d.getKey());
            });
            return Answer.ok(answer.toString());
        }

        private Answer bulk(String ndjson) throws IOException {
            String[] lines = ndjson.split("\n");
            ObjectNode answer = JSON.createObjectNode().put("errors", false);
            ArrayNode items = answer.putArray("items");
            for (int i = 0; i + 1 < lines.length; i += 2) {
                JsonNode line = JSON.readTree(lines[i]);
                String op = line.fieldNames().next();
                JsonNode action = line.path(op);
                String id = action.path("_id").asText();
                ObjectNode item = items.addObject().putObject(op).put("_index", action.path("_index").asText())
                        .put("_id", id);
                if (op.equals("create") && index(action.path("_index").asText()).containsKey(id)) {
                    answer.put("errors", true);
                    item.put("status", 409).putObject("error").put("type", "version_conflict_engine_exception")
                            .put("reason", "[doc][" + id + "]: version conflict, document already exists");
                } else {
                    index(action.path("_index").asText()).put(id, lines[i + 1]);
                    item.put("status", 201);
                }
            }
            return Answer.ok(answer.toString());
        }

        private Answer reindex(JsonNode body) {
            NavigableMap<String, String> dest = index(body.path("dest").path("index").asText());
            boolean createOnly = body.path("dest").path("op_type").asText("index").equals("create");
            boolean proceed = body.path("conflicts").asText("abort").equals("proceed");
            long created = 0;
            long conflicts = 0;
            for (Map.Entry<String, String> d : index(body.path("source").path("index").asText()).entrySet()) {
                if (createOnly && dest.containsKey(d.getKey())) {
                    conflicts++;
                    if (!proceed) {
                        break; // the real task aborts on its first conflict
                    }
                } else {
                    dest.put(d.getKey(), d.getValue());
                    created++;
                }
            }
            String status = "{\"total\":" + (created + conflicts) + ",\"created\":" + created
                    + ",\"version_conflicts\":" + conflicts + "}";
            taskResult = "{\"completed\":true,\"task\":{\"status\":" + status + "},\"response\":{\"failures\":[]}}";
            return Answer.ok("{\"task\":\"" + TASK + "\"}");
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UpgradeStep reindexStep(ReindexSettings settings, Preflight.Clients clients) {
        return new ReindexSteps(settings, clients, d -> { }, Duration.ZERO).steps().stream()
                .filter(st -> st.id().equals("reindex")).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}: cluster has _reindex {1}, method {2}")
    @CsvSource({"server-side, true, AUTO", "client-side, false, AUTO", "client-side, true, CLIENT_SIDE"})
    void aDocumentAlreadyInTheDestinationIsLeftAsItIsWhicheverMethodCopies(String expected, boolean hasReindex,
            ReindexSettings.Method method) throws Exception {
        Cluster cluster = new Cluster(hasReindex);
        cluster.index("old").put("1", "{\"n\":1}");
        cluster.index("old").put("2", "{\"n\":2}");
        cluster.index("old").put("3", "{\"n\":3}");
        cluster.index("new").put("2", "{\"n\":\"written to the new index before the copy reached it\"}");
        try (FakeElasticsearch es = new FakeElasticsearch(cluster)) {
            ReindexSettings settings = ReindexSettings.builder(es.endpoint(), "old", "new").method(method).build();
            reindexStep(settings, es.clients()).execute(new TestContext());

            assertThat(cluster.index("new")).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                    "1", "{\"n\":1}",
                    "2", "{\"n\":\"written to the new index before the copy reached it\"}",
                    "3", "{\"n\":3}")));
            boolean serverSide = es.requests("POST", "/_reindex").stream().anyMatch(r -> !r.body().equals("{}"));
            assertThat(serverSide ? "server-side" : "client-side").isEqualTo(expected);
            assertThat(es.requests("POST", "/_bulk")).allSatisfy(bulk -> assertThat(bulk.body().lines()
                    .filter(line -> line.contains("\"_id\""))).allMatch(line -> line.startsWith("{\"create\":")));
        }
    }

    @Test
    void theClientSideCopySendsTheHeadersOfTheHostsTypedClientWithEveryRequest() throws Exception {
        Cluster cluster = new Cluster(false);
        cluster.index("old").put("1", "{\"n\":1}");
        cluster.index("old").put("2", "{\"n\":2}");
        try (FakeElasticsearch es = new FakeElasticsearch(cluster);
                RestClient rest = RestClient.builder(HttpHost.create(es.endpoint().urls().get(0).toString())).build()) {
            ElasticsearchClient typed = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()))
                    .withTransportOptions(o -> o.addHeader("Authorization", "Bearer host-token")
                            .addHeader("X-Tenant", "blue"));
            try (ElasticsearchUpgrade upgrade = ElasticsearchUpgrade.builder().client("typed", typed).build()) {
                UpgradeStep step = upgrade.reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.hostClient("typed"),
                        "old", "new").build()).steps().stream().filter(s -> s.id().equals("reindex")).findFirst()
                        .orElseThrow();
                step.execute(new TestContext());
            }

            assertThat(cluster.index("new")).containsOnlyKeys("1", "2");
            assertThat(es.requests("POST", "/old/_search")).isNotEmpty();
            assertThat(es.requests("POST", "/_bulk")).isNotEmpty();
            assertThat(es.requests).allSatisfy(r -> assertThat(r.headers())
                    .as(r.method() + " " + r.uri()).containsEntry("authorization", "Bearer host-token")
                    .containsEntry("x-tenant", "blue"));
        }
    }

    @Test
    void aCreateFindingItsDocumentIsNoFailureButEveryOtherItemErrorStillIs() {
        EsClient client = new EsClient(RestClient.builder(HttpHost.create("http://127.0.0.1:1")).build(), "es");
        JsonNode onlyExisting = read("{\"errors\":true,\"items\":[{\"create\":{\"status\":201}},{\"create\":"
                + "{\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\",\"reason\":\"exists\"}}}]}");
        DocumentCopier.checkBulk(client, onlyExisting);

        JsonNode indexConflict = read("{\"errors\":true,\"items\":[{\"index\":{\"status\":409,\"error\":{\"type\":"
                + "\"version_conflict_engine_exception\",\"reason\":\"version conflict\"}}}]}");
        assertThatThrownBy(() -> DocumentCopier.checkBulk(client, indexConflict))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.BULK_ITEM_FAILED));
        JsonNode mixed = read("{\"errors\":true,\"items\":[{\"create\":{\"status\":409,\"error\":{\"type\":"
                + "\"version_conflict_engine_exception\",\"reason\":\"exists\"}}},{\"create\":{\"status\":400,"
                + "\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"failed to parse [n]\"}}}]}");
        assertThatThrownBy(() -> DocumentCopier.checkBulk(client, mixed, List.of("new/1", "new/2")))
                .hasMessageContaining("new/2: mapper_parsing_exception").hasMessageNotContaining("new/1");
        client.close();
    }
}
