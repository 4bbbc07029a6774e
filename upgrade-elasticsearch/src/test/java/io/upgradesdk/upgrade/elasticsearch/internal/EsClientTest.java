package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
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

    @ParameterizedTest
    @ValueSource(strings = {ElasticsearchServer.V7, ElasticsearchServer.V8})
    void findsWhichNamesExistAsOpenOrClosedIndicesOrAliasesInOneBatch(String version) {
        ElasticsearchServer es = ElasticsearchServer.get(version);
        String p = es.newIndexPrefix("exist");
        es.request("PUT", "/" + p + "open", null).ok();
        es.request("PUT", "/" + p + "closed", null).ok();
        es.request("POST", "/" + p + "closed/_close", null).ok();
        es.request("POST", "/" + p + "open/_alias/" + p + "alias", null).ok();
        try (EsClient client = EsClient.connect(ElasticsearchEndpoint.of(es.url()))) {
            assertThat(client.existing(List.of(p + "open", p + "missing", p + "closed", p + "alias")))
                    .containsExactly(p + "open", p + "closed", p + "alias");
            assertThat(client.existing(List.of(p + "missing", p + "other"))).isEmpty();
        }
    }

    @Test
    void splitsLongNameListsToFitARequestLine() {
        List<String> names = IntStream.range(0, 300).mapToObj(i -> "index-with-a-rather-long-name-" + i).toList();
        List<String> lists = EsClient.nameLists(names);
        assertThat(lists).hasSizeGreaterThan(1).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(3000));
        assertThat(lists.stream().flatMap(l -> Arrays.stream(l.split(","))).toList()).isEqualTo(names);
        assertThat(EsClient.nameLists(List.of("a b", "c"))).containsExactly("a%20b,c");
        assertThat(EsClient.nameLists(List.of())).isEmpty();
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
