package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.SelfSignedCertificate;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real 8.19 node serving HTTPS only (security on, a self-signed certificate made by openssl,
 * a file-realm user): the custom CA is trusted, an untrusted certificate and a plain-HTTP URL
 * fail with TLS_FAILED naming the fix, and a whole snapshot-restore plan runs into it.
 */
@Tag("integration")
class TlsClusterTest {

    private static final String PASSWORD = "tls-Passw0rd";
    private static ElasticsearchNode node;

    @BeforeAll
    static void start() {
        node = ElasticsearchServer.newTlsNode(ElasticsearchServer.V8, "",
                ElasticsearchServer.fileRealmSuperuser("admin", PASSWORD));
        node.start(ElasticsearchServer.V8);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static ElasticsearchEndpoint.Builder https() {
        return ElasticsearchEndpoint.builder().url(node.url()).basicAuth("admin", Secret.of("es.password", PASSWORD));
    }

    @Test
    void theGivenCaCertificateIsTrusted() {
        assertThat(node.url()).startsWith("https://");
        try (EsClient c = EsClient.connect(https().caCertificate(node.tlsCertificate()).build())) {
            assertThat(c.version().toString()).isEqualTo(ElasticsearchServer.V8);
            assertThat(c.get("/_cluster/health").path("status").asText()).isIn("green", "yellow");
        }
    }

    @Test
    void anUntrustedCertificateFailsPermanentlyAndSaysWhichSettingFixesIt(@TempDir Path dir) {
        Path otherCa = SelfSignedCertificate.create(dir).certificate();
        for (ElasticsearchEndpoint e : List.of(https().build(), https().caCertificate(otherCa).build())) {
            try (EsClient c = EsClient.connect(e)) {
                assertThatThrownBy(c::version).isInstanceOfSatisfying(UpgradeException.class, x -> {
                    assertThat(x.code()).isEqualTo(ElasticsearchErrorCode.TLS_FAILED);
                    assertThat(x.isTransient()).isFalse();
                    assertThat(x.getMessage()).contains("does not trust", "caCertificate(path)").doesNotContain(PASSWORD);
                });
            }
        }
    }

    @Test
    void anHttpsUrlToAPlainNodeSaysToUseHttp() {
        String plain = ElasticsearchServer.get(ElasticsearchServer.V7).url().replace("http://", "https://");
        try (EsClient c = EsClient.connect(ElasticsearchEndpoint.builder().url(plain)
                .caCertificate(node.tlsCertificate()).build())) {
            assertThatThrownBy(c::version).isInstanceOfSatisfying(UpgradeException.class, x -> {
                assertThat(x.code()).isEqualTo(ElasticsearchErrorCode.TLS_FAILED);
                assertThat(x.getMessage()).contains("does not speak TLS", "http://");
            });
        }
    }

    @Test
    void snapshotOf717IsRestoredIntoTheTlsCluster() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String prefix = es7.newIndexPrefix("tls");
        es7.request("PUT", "/" + prefix + "docs", "{\"settings\":{\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(prefix).append("docs\",\"_id\":\"").append(i)
                    .append("\"}}\n{\"n\":").append(i).append("}\n");
        }
        es7.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        String location = ElasticsearchServer.newRepoDir("tls").toString();
        SnapshotRestoreSettings settings = SnapshotRestoreSettings.builder(ElasticsearchEndpoint.of(es7.url()),
                        https().caCertificate(node.tlsCertificate()).build())
                .repository(prefix + "repo", location).snapshot(prefix + "snap").indices(List.of(prefix + "*"))
                .withoutPreflight().build();
        UpgradeReport report;
        try (ElasticsearchUpgrade es = ElasticsearchUpgrade.create()) {
            report = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).build()
                    .up(es.snapshotRestorePlan(settings));
        }
        assertThat(report.isSuccess()).as(report.toString()).isTrue();
        assertThat(report.toString()).doesNotContain(PASSWORD);
        try (EsClient c = EsClient.connect(https().caCertificate(node.tlsCertificate()).build())) {
            assertThat(c.get("/" + prefix + "docs/_count").path("count").asLong()).isEqualTo(120);
        }
    }
}
