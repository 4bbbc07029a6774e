package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A host's own clients on a real HTTPS 8.19 node with basic auth and a self-signed CA: a
 * {@link RestClient} and an elasticsearch-java {@link ElasticsearchClient} the test configures
 * itself (TLS trust and a credentials provider, nothing the SDK's endpoint declares) carry a
 * snapshot-restore plan from 7.17 and the Elasticsearch checkpoint store, and both stay open.
 */
@Tag("integration")
class HostClientClusterTest {

    private static final String PASSWORD = "host-Passw0rd";
    private static ElasticsearchNode node;

    @BeforeAll
    static void start() {
        node = ElasticsearchServer.newTlsNode(ElasticsearchServer.V8, "",
                ElasticsearchServer.fileRealmSuperuser("hostadmin", PASSWORD));
        node.start(ElasticsearchServer.V8);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** How a host builds its client: its own TLS trust and credentials provider. */
    private static RestClient hostRestClient() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(node.tlsCertificate())) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials("hostadmin", PASSWORD));
        return RestClient.builder(HttpHost.create(node.url()))
                .setHttpClientConfigCallback(h -> h.setSSLContext(ssl).setDefaultCredentialsProvider(credentials))
                .build();
    }

    @Test
    void aSnapshotRestorePlanAndTheCheckpointStoreRunThroughTheHostsClientsWhichStayOpen() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String prefix = es7.newIndexPrefix("hostclient");
        es7.request("PUT", "/" + prefix + "docs", "{\"settings\":{\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 75; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(prefix).append("docs\",\"_id\":\"").append(i)
                    .append("\"}}\n{\"n\":").append(i).append("}\n");
        }
        es7.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        Path location = ElasticsearchServer.newRepoDir("hostclient");
        SnapshotRestoreSettings settings = SnapshotRestoreSettings.builder(ElasticsearchEndpoint.of(es7.url()),
                        ElasticsearchEndpoint.hostClient("tls-819"))
                .repository(prefix + "repo", location.toString()).snapshot(prefix + "snap")
                .indices(List.of(prefix + "docs")).withoutPreflight().build();

        try (RestClient planClient = hostRestClient(); RestClient storeRest = hostRestClient()) {
            ElasticsearchClient storeClient = new ElasticsearchClient(
                    new RestClientTransport(storeRest, new JacksonJsonpMapper()));
            UpgradeReport report;
            try (ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().client("tls-819", planClient).build();
                    ElasticsearchCheckpointStore store = ElasticsearchCheckpointStore.builder(storeClient, "tls-819")
                            .index(prefix + "checkpoints").build()) {
                UpgradePlan plan = es.snapshotRestorePlan(settings);
                report = UpgradeRunner.builder().store(store).build().up(plan);
                assertThat(report.isSuccess()).as(report.toString()).isTrue();
                assertThat(store.load(plan.id())).isPresent();
            }
            assertThat(report.toString()).doesNotContain(PASSWORD);

            // the SDK closed what it opened, not the host's clients: both still answer
            assertThat(planClient.isRunning()).isTrue();
            assertThat(planClient.performRequest(new Request("GET", "/_cluster/health")).getStatusLine()
                    .getStatusCode()).isEqualTo(200);
            assertThat(storeClient.count(c -> c.index(prefix + "docs")).count()).isEqualTo(75);
            assertThat(storeClient.indices().exists(e -> e.index(prefix + "checkpoints")).value()).isTrue();
        }
    }
}
