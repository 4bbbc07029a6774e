package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.net.ServerSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("integration")
class EsClientTest {

    @ParameterizedTest
    @ValueSource(strings = {ElasticsearchServer.V5, ElasticsearchServer.V7, ElasticsearchServer.V8})
    void detectsVersionAndMapsErrorsOnEveryMajor(String version) {
        ElasticsearchServer es = ElasticsearchServer.get(version);
        try (EsClient client = EsClient.connect(ElasticsearchEndpoint.of(es.url()))) {
            assertThat(client.version()).isEqualTo(EsVersion.parse(version));
            String index = es.newIndexPrefix("client") + "x";
            assertThat(client.getIfExists("/" + index)).isEmpty();
            assertThat(client.exists("/" + index)).isFalse();
            assertThatThrownBy(() -> client.get("/" + index + "/_mapping"))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.REQUEST_FAILED);
                        assertThat(e.isTransient()).isFalse();
                        assertThat(e.getMessage()).contains("404").contains("index_not_found_exception");
                    });
        }
    }

    @Test
    void unreachableClusterIsTransient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (EsClient client = EsClient.connect(ElasticsearchEndpoint.of("http://127.0.0.1:" + port))) {
            assertThatThrownBy(client::version).isInstanceOfSatisfying(UpgradeException.class, e -> {
                assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.UNREACHABLE);
                assertThat(e.isTransient()).isTrue();
                assertThat(e.getMessage()).contains("unreachable").contains("check the URL");
            });
        }
    }
}
