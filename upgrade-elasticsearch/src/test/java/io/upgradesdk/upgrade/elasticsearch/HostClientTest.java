package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.sun.net.httpserver.HttpServer;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A host hands in its own clients: they are used as configured, and only the host closes them. */
class HostClientTest {

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private RestClient hostRest;

    @BeforeEach
    void startFakeNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            hostHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Host")));
            byte[] body = "{\"nodes\":{\"n1\":{\"version\":\"8.19.21\"}}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        hostRest = RestClient.builder(new HttpHost("127.0.0.1", server.getAddress().getPort(), "http"))
                .setDefaultHeaders(new Header[] {new BasicHeader("X-Host", "configured-by-host")}).build();
    }

    @AfterEach
    void stop() throws IOException {
        hostRest.close();
        server.stop(0);
    }

    private static SnapshotRestoreSettings restoreInto(String targetName) {
        return SnapshotRestoreSettings.builder(ElasticsearchEndpoint.of("http://127.0.0.1:1"),
                ElasticsearchEndpoint.hostClient(targetName)).repository("r", "/tmp/r").withoutPreflight().build();
    }

    @Test
    void aRestClientHandedToTheConnectionIsUsedAsConfiguredAndStaysOpenAfterClose() {
        try (ElasticsearchConnection c = ElasticsearchConnection.using(hostRest, "host-cluster")) {
            assertThat(c.version()).isEqualTo("8.19.21");
            assertThat(c.name()).isEqualTo("host-cluster");
        }
        assertThat(hostHeaders).containsOnly("configured-by-host");
        assertThat(hostRest.isRunning()).isTrue();
    }

    @Test
    void aTypedClientIsReachedThroughItsRestClientWithItsOptionsHeadersAndIsNotClosed() throws IOException {
        ElasticsearchClient typed = new ElasticsearchClient(new RestClientTransport(hostRest, new JacksonJsonpMapper()))
                .withTransportOptions(o -> o.addHeader("Authorization", "Bearer host-token"));
        try (ElasticsearchConnection c = ElasticsearchConnection.using(typed, "typed")) {
            assertThat(c.majorVersion()).isEqualTo(8);
        }
        assertThat(authorizations).containsOnly("Bearer host-token");
        assertThat(hostHeaders).containsOnly("configured-by-host");
        assertThat(hostRest.isRunning()).isTrue();
        assertThat(typed._transport().options()).isNotNull();   // the typed client itself is still usable
    }

    @Test
    void closingTheEntryPointLeavesTheRegisteredClientsOpen() {
        ElasticsearchClient typed = new ElasticsearchClient(new RestClientTransport(hostRest, new JacksonJsonpMapper()));
        ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().client("low", hostRest).client("typed", typed).build();
        assertThat(es.snapshotRestorePlan(restoreInto("low")).steps()).isNotEmpty();
        assertThat(es.snapshotRestorePlan(restoreInto("typed")).steps()).isNotEmpty();
        es.close();
        assertThat(hostRest.isRunning()).isTrue();
    }

    @Test
    void theCheckpointStoreLeavesTheHostsClientOpen() {
        ElasticsearchCheckpointStore.builder(hostRest, "store-cluster").build().close();
        ElasticsearchClient typed = new ElasticsearchClient(new RestClientTransport(hostRest, new JacksonJsonpMapper()));
        ElasticsearchCheckpointStore.builder(typed, "store-cluster").build().close();
        assertThat(hostRest.isRunning()).isTrue();
    }

    @Test
    void aPlanNamingAnUnregisteredHostClientFailsAtBuildNamingTheFix() {
        try (ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().client("old", hostRest).build()) {
            assertThatThrownBy(() -> es.snapshotRestorePlan(restoreInto("new")))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION);
                        assertThat(e.getMessage()).contains("host client 'new'", "[old]", ".client(\"new\"");
                    });
        }
    }

    @Test
    void oneNameIsOneClient() {
        assertThatThrownBy(() -> ElasticsearchUpgrade.builder().client("a", hostRest).client("a", hostRest))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION));
        assertThatThrownBy(() -> ElasticsearchEndpoint.hostClient(" ")).isInstanceOf(UpgradeException.class);
    }

    @Test
    void aHostClientEndpointCannotBeOpenedFromUrlsAndSaysHowToHandTheClientIn() {
        assertThatThrownBy(() -> ElasticsearchConnection.open(ElasticsearchEndpoint.hostClient("orders")))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION);
                    assertThat(e.getMessage()).contains("'orders'", "client(name, restClient)");
                });
        assertThatThrownBy(() -> ElasticsearchCheckpointStore.builder(ElasticsearchEndpoint.hostClient("s")).build())
                .isInstanceOf(UpgradeException.class);
    }

    @Test
    void settingsTellHostClientsApartByName() {
        assertThat(ElasticsearchEndpoint.hostClient("a").sameClusterAs(ElasticsearchEndpoint.hostClient("a"))).isTrue();
        assertThat(ElasticsearchEndpoint.hostClient("a").sameClusterAs(ElasticsearchEndpoint.hostClient("b"))).isFalse();
        assertThat(ElasticsearchEndpoint.hostClient("a").sameClusterAs(ElasticsearchEndpoint.of("http://a:9200"))).isFalse();
        assertThat(ElasticsearchEndpoint.hostClient("a").urls()).isEmpty();
        assertThat(ElasticsearchEndpoint.hostClient("a").displayName()).isEqualTo("host client 'a'");
        assertThatThrownBy(() -> SnapshotRestoreSettings.builder(ElasticsearchEndpoint.hostClient("a"),
                ElasticsearchEndpoint.hostClient("a")).repository("r", "/tmp/r").withoutPreflight().build())
                .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.getMessage()).contains("same cluster"));
        assertThatThrownBy(() -> ReindexSettings.builder(ElasticsearchEndpoint.of("http://a:9200"), "s", "d")
                .remoteSource(ElasticsearchEndpoint.hostClient("old")).build())
                .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.getMessage()).contains("remote's URL"));
        ElasticsearchEndpoint withUrl = ElasticsearchEndpoint.builder().url("https://es:9200")
                .basicAuth("u", Secret.of("p", "pw")).build();
        assertThat(withUrl.hostClientName()).isEmpty();
    }
}
