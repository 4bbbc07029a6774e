package io.upgradesdk.upgrade.spring.boot;

import static io.upgradesdk.upgrade.spring.boot.StartupFailures.upgradeFailure;
import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchCheckpointStore;
import java.io.IOException;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code upgrade.store.type=elasticsearch} builds the store on the host's client bean, and closing
 * the store leaves that client open (the host's context closes its own beans). The clients point at
 * a closed port: building the store sends no request.
 */
class ElasticsearchStoreWiringTest {

    private final RestClient restClient = RestClient.builder(new HttpHost("127.0.0.1", 9)).build();
    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
            .withPropertyValues("upgrade.enabled=false", "upgrade.store.type=elasticsearch");

    @AfterEach
    void closeTheHostsClient() throws IOException {
        restClient.close();
    }

    @Test
    void the_store_uses_the_hosts_rest_client_and_the_index_property_and_leaves_the_client_open() {
        contexts.withBean(RestClient.class, () -> restClient)
                .withPropertyValues("upgrade.store.elasticsearch.index=app-upgrade")
                .run(context -> {
                    CheckpointStore store = context.getBean(CheckpointStore.class);
                    assertThat(store).isInstanceOf(ElasticsearchCheckpointStore.class);
                    assertThat(((ElasticsearchCheckpointStore) store).index()).isEqualTo("app-upgrade");
                    store.close();
                    assertThat(restClient.isRunning()).as("the host's client, closed by the host").isTrue();
                });
    }

    @Test
    void the_store_uses_the_hosts_elasticsearch_client_when_there_is_no_rest_client() {
        ElasticsearchClient typed = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
        contexts.withBean(ElasticsearchClient.class, () -> typed).run(context -> {
            CheckpointStore store = context.getBean(CheckpointStore.class);
            assertThat(store).isInstanceOf(ElasticsearchCheckpointStore.class);
            assertThat(((ElasticsearchCheckpointStore) store).index()).isEqualTo("upgrade-checkpoints");
            store.close();
            assertThat(restClient.isRunning()).as("the host's client, closed by the host").isTrue();
        });
    }

    @Test
    void without_a_client_bean_says_which_beans_would_do() {
        contexts.run(context -> assertThat(upgradeFailure(context))
                .hasMessageContaining("upgrade.store.type=elasticsearch cannot be used")
                .hasMessageContaining("no org.elasticsearch.client.RestClient or"
                        + " co.elastic.clients.elasticsearch.ElasticsearchClient bean"));
    }

    @Test
    void without_the_module_names_the_dependency_to_add() {
        contexts.withClassLoader(new FilteredClassLoader(ElasticsearchCheckpointStore.class))
                .run(context -> assertThat(upgradeFailure(context))
                        .hasMessageContaining("add the dependency io.upgradesdk:upgrade-elasticsearch"));
    }

    @Test
    void an_invalid_index_names_its_property() {
        contexts.withBean(RestClient.class, () -> restClient)
                .withPropertyValues("upgrade.store.elasticsearch.index=Upgrade")
                .run(context -> assertThat(upgradeFailure(context))
                        .hasMessageContaining("property upgrade.store.elasticsearch.index=Upgrade is invalid"));
    }
}
