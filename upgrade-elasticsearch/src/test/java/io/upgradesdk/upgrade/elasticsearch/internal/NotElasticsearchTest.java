package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.HealthStatus;
import org.junit.jupiter.api.Test;

/** Bad input named for what it is (issue #15, item 9): a server that is not Elasticsearch, an unknown health. */
class NotElasticsearchTest {

    @Test
    void anHttpServerThatIsNotElasticsearchIsCalledSoInsteadOfAnHttp404() throws Exception {
        try (FakeElasticsearch web = new FakeElasticsearch(r -> new FakeElasticsearch.Answer(404, "<html>Not Found</html>"));
                EsClient client = EsClient.connect(web.endpoint())) {
            assertThatThrownBy(client::version).isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("is not Elasticsearch")
                    .hasMessageContaining("HTTP 404")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((UpgradeException) e).code())
                            .isEqualTo(ElasticsearchErrorCode.REQUEST_FAILED));
        }
    }

    @Test
    void aServerAnsweringWithoutNodeVersionsIsNotElasticsearchEither() throws Exception {
        try (FakeElasticsearch web = new FakeElasticsearch(r -> FakeElasticsearch.Answer.ok("{\"status\":\"ok\"}"));
                EsClient client = EsClient.connect(web.endpoint())) {
            assertThatThrownBy(client::version).hasMessageContaining("is not Elasticsearch");
        }
    }

    @Test
    void anAuthenticationFailureIsStillReportedAsSuch() throws Exception {
        try (FakeElasticsearch secured = new FakeElasticsearch(r -> new FakeElasticsearch.Answer(401,
                "{\"error\":{\"type\":\"security_exception\",\"reason\":\"missing authentication credentials\"}}"));
                EsClient client = EsClient.connect(secured.endpoint())) {
            assertThatThrownBy(client::version).isInstanceOf(UpgradeException.class)
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((UpgradeException) e).code())
                            .isEqualTo(ElasticsearchErrorCode.AUTHENTICATION));
        }
    }

    @Test
    void aSearchAnsweredWithAProxysErrorPageFailsAsARequestFailureNamingTheProxy() throws Exception {
        try (FakeElasticsearch proxy = new FakeElasticsearch(r -> FakeElasticsearch.Answer.ok("<html>502 Bad Gateway</html>"));
                EsClient client = EsClient.connect(proxy.endpoint())) {
            assertThatThrownBy(() -> client.read("POST", "/users/_search", "{}", answer -> answer.nextToken()))
                    .isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("answered POST /users/_search with something other than the JSON expected")
                    .hasMessageContaining("not at a proxy's error page")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((UpgradeException) e).code())
                            .isEqualTo(ElasticsearchErrorCode.REQUEST_FAILED));
        }
    }

    @Test
    void anUnknownHealthListsTheAcceptedValues() {
        assertThatThrownBy(() -> HealthStatus.parse("purple")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'purple' is not a cluster health; accepted values: green, yellow, red");
        org.assertj.core.api.Assertions.assertThat(HealthStatus.parse(" Yellow ")).isEqualTo(HealthStatus.YELLOW);
    }
}
