package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link RestEsPort} asks of a node for the plan's fixed costs: the cheapest request that answers. */
class RestEsPortRequestsTest {

    private HttpServer server;
    /** Every request: "METHOD path?query", and the body of each bulk. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> bulkBodies = new CopyOnWriteArrayList<>();
    /** Canned answers by "METHOD path" (query left out): status and JSON body. */
    private final Map<String, Object[]> answers = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            if (path.equals("/_bulk")) {
                bulkBodies.add(body);
            }
            Object[] answer = answers.getOrDefault(exchange.getRequestMethod() + " " + path,
                    new Object[] {404, "{\"error\":\"not faked\"}"});
            byte[] bytes = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders((Integer) answer[0], bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        answer("GET /_nodes/_local", 200, "{\"nodes\":{\"n1\":{\"version\":\"7.17.29\"}}}");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(String request, int status, String json) {
        answers.put(request, new Object[] {status, json});
    }

    private RestEsPort port() {
        return new RestEsPort(ElasticsearchConnection.open(
                ElasticsearchEndpoint.of("http://127.0.0.1:" + server.getAddress().getPort())));
    }

    @Test
    void the_cluster_identity_is_read_from_the_root_endpoint_not_from_the_cluster_state_metadata() {
        answer("GET /", 200, "{\"cluster_uuid\":\"uuid-1\",\"version\":{\"number\":\"7.17.29\"}}");
        answer("GET /_cluster/state/metadata", 200, "{\"metadata\":{\"cluster_uuid\":\"from-state\"}}");

        try (RestEsPort port = port()) {
            assertThat(port.clusterIdentity()).isEqualTo("uuid-1");
        }
        assertThat(requests).noneMatch(r -> r.contains("/_cluster/state"));
    }

    @Test
    void a_root_endpoint_that_refuses_or_gives_no_uuid_falls_back_to_the_cluster_state() {
        answer("GET /", 403, "{\"error\":\"forbidden\"}");
        answer("GET /_cluster/state/metadata", 200, "{\"metadata\":{\"cluster_uuid\":\"from-state\"}}");

        try (RestEsPort port = port()) {
            assertThat(port.clusterIdentity()).isEqualTo("from-state");
        }
    }

    @Test
    void several_documents_of_one_index_are_written_in_one_bulk_request() {
        answer("POST /_bulk", 200, "{\"errors\":false,\"items\":[{\"index\":{\"_id\":\"a\",\"status\":201}},"
                + "{\"index\":{\"_id\":\"b\",\"status\":201}}]}");

        try (RestEsPort port = port()) {
            port.putAll("%kuzzle.config", null, List.of(new Doc("a", Json.object().put("v", 1)),
                    new Doc("b", Json.object().put("v", 2))));
        }

        assertThat(requests).filteredOn(r -> !r.startsWith("GET /_nodes/_local")).containsExactly("POST /_bulk");
        assertThat(bulkBodies.get(0).lines().toList()).containsExactly(
                "{\"index\":{\"_index\":\"%kuzzle.config\",\"_id\":\"a\"}}", "{\"v\":1}",
                "{\"index\":{\"_index\":\"%kuzzle.config\",\"_id\":\"b\"}}", "{\"v\":2}");
    }

    @Test
    void a_rejected_document_of_a_bulk_write_fails_it_naming_the_document() {
        answer("POST /_bulk", 200, "{\"errors\":true,\"items\":[{\"index\":{\"_id\":\"a\",\"status\":201}},"
                + "{\"index\":{\"_id\":\"b\",\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
                + "\"reason\":\"failed to parse\"}}}]}");

        try (RestEsPort port = port()) {
            assertThatThrownBy(() -> port.putAll("%kuzzle.config", null, List.of(new Doc("a", Json.object()),
                    new Doc("b", Json.object())))).isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("b (mapper_parsing_exception").hasMessageNotContaining("a (");
        }
    }

    @Test
    void an_index_is_created_with_its_alias_in_one_request_that_does_not_wait_for_its_primary() {
        answer("PUT /%kuzzle.users", 200, "{\"acknowledged\":true,\"shards_acknowledged\":false}");

        try (RestEsPort port = port()) {
            port.createIndex("%kuzzle.users", Json.parseObject("{\"settings\":{},\"mappings\":{}}"), "@%kuzzle.users");
        }

        assertThat(requests).filteredOn(r -> !r.startsWith("GET /_nodes/_local"))
                .containsExactly("PUT /%kuzzle.users?wait_for_active_shards=0");
    }

    @Test
    void no_documents_no_request() {
        try (RestEsPort port = port()) {
            port.putAll("%kuzzle.config", null, List.of());
        }
        assertThat(requests).noneMatch(r -> r.contains("_bulk"));
    }
}
