package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A real 8.19 node with security on (file realm user, API keys): basic auth, API key, wrong credentials. */
@Tag("integration")
class SecuredClusterTest {

    private static final String PASSWORD = "s3cret-Passw0rd";
    private static ElasticsearchNode node;

    @BeforeAll
    static void start() {
        node = ElasticsearchServer.newNode(ElasticsearchServer.V8, String.join("\n",
                "xpack.security.enabled: true", "xpack.security.http.ssl.enabled: false",
                "xpack.security.transport.ssl.enabled: false", "xpack.security.authc.api_key.enabled: true"),
                ElasticsearchServer.fileRealmSuperuser("admin", PASSWORD));
        node.start(ElasticsearchServer.V8);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static EsClient basic(String password) {
        return EsClient.connect(ElasticsearchEndpoint.builder().url(node.url())
                .basicAuth("admin", Secret.of("es.password", password)).build());
    }

    @Test
    void basicAuthWorksAndWrongCredentialsArePermanentWithTheFix() {
        try (EsClient ok = basic(PASSWORD)) {
            assertThat(ok.version().toString()).isEqualTo(ElasticsearchServer.V8);
        }
        try (EsClient wrong = basic("not-the-password")) {
            assertThatThrownBy(wrong::version).isInstanceOfSatisfying(UpgradeException.class, e -> {
                assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.AUTHENTICATION);
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage()).contains("401").contains("check credentials").doesNotContain("not-the-password");
            });
        }
        try (EsClient none = EsClient.connect(ElasticsearchEndpoint.of(node.url()))) {
            assertThatThrownBy(none::version).isInstanceOfSatisfying(UpgradeException.class,
                    e -> assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.AUTHENTICATION));
        }
    }

    /**
     * The test distribution cannot create API keys (the .security index needs analysis-common's
     * pattern_capture filter, absent from the integ-test-zip), so only the refusal of an unknown key
     * is checked on a real node.
     */
    @Test
    void unknownApiKeyIsAnAuthenticationFailure() {
        String key = Base64.getEncoder().encodeToString("id:wrong".getBytes(StandardCharsets.UTF_8));
        try (EsClient c = EsClient.connect(ElasticsearchEndpoint.builder().url(node.url())
                .apiKey(Secret.of("es.api-key", key)).build())) {
            assertThatThrownBy(c::version).isInstanceOfSatisfying(UpgradeException.class, e -> {
                assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.AUTHENTICATION);
                assertThat(e.getMessage()).contains("check credentials").doesNotContain(key);
            });
        }
    }
}
