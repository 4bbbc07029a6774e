package io.upgradesdk.upgrade.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.PreflightSettings;
import java.io.IOException;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The {@link ElasticsearchUpgrade} bean knows the host's Elasticsearch client as {@code hostClient("host")},
 * so plan beans reach the host's cluster with its own TLS and credentials; closing the entry point
 * never closes that client (the host's own bean is closed by the host's context). The clients point at a closed port: building plans sends no request.
 */
class ElasticsearchUpgradeWiringTest {

    private final RestClient restClient = RestClient.builder(new HttpHost("127.0.0.1", 9)).build();
    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
            .withPropertyValues("upgrade.enabled=false");

    @AfterEach
    void closeTheHostsClient() throws IOException {
        restClient.close();
    }

    @Test
    void plansOnTheHostsRestClientBuildAndClosingTheContextLeavesTheClientOpen() {
        contexts.withBean(RestClient.class, () -> restClient).run(context -> {
            ElasticsearchUpgrade es = context.getBean(ElasticsearchUpgrade.class);

            UpgradePlan plan = es.preflightPlan(
                    PreflightSettings.builder(ElasticsearchUpgradeConfiguration.hostEndpoint()).build());

            assertThat(plan.steps()).isNotEmpty();
            es.close(); // what the context does at shutdown
            assertThat(restClient.isRunning()).as("the host's client, closed by the host's own bean").isTrue();
        });
    }

    @Test
    void theHostsElasticsearchClientIsUsedWhenThereIsNoRestClient() {
        ElasticsearchClient typed = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
        contexts.withBean(ElasticsearchClient.class, () -> typed).run(context -> {
            ElasticsearchUpgrade es = context.getBean(ElasticsearchUpgrade.class);
            assertThat(es.preflightPlan(PreflightSettings.builder(ElasticsearchUpgradeConfiguration.hostEndpoint())
                    .build()).steps()).isNotEmpty();
            es.close();
            assertThat(restClient.isRunning()).isTrue();
        });
    }

    @Test
    void withoutAClientBeanTheEntryPointStillTakesUrlsButRefusesTheHostEndpoint() {
        contexts.run(context -> {
            ElasticsearchUpgrade es = context.getBean(ElasticsearchUpgrade.class);

            assertThatThrownBy(() -> es.preflightPlan(
                    PreflightSettings.builder(ElasticsearchUpgradeConfiguration.hostEndpoint()).build()))
                    .isInstanceOf(UpgradeException.class).hasMessageContaining("host");
        });
    }

    @Test
    void aHostsOwnEntryPointBeanWinsAndNoneIsDefinedWithoutTheModule() {
        ElasticsearchUpgrade own = ElasticsearchUpgrade.create();
        contexts.withBean(ElasticsearchUpgrade.class, () -> own)
                .run(context -> assertThat(context.getBean(ElasticsearchUpgrade.class)).isSameAs(own));
        contexts.withClassLoader(new FilteredClassLoader(ElasticsearchUpgrade.class))
                .run(context -> assertThat(context).doesNotHaveBean("elasticsearchUpgrade"));
    }
}
