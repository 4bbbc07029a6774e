package io.upgradesdk.upgrade.spring.boot;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import org.elasticsearch.client.RestClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Elasticsearch product entry point as a bean, when {@code upgrade-elasticsearch} is on the class
 * path: an {@link ElasticsearchUpgrade} that knows the host's Elasticsearch client bean (its
 * low-level {@code RestClient} when there is one, else its elasticsearch-java
 * {@code ElasticsearchClient}) under the name {@value #HOST_CLIENT}. Plan beans then reach the host's
 * cluster with {@code ElasticsearchEndpoint.hostClient("host")}, with all the TLS, credentials and
 * interceptors the host configured; other endpoints still take URLs. Closing the context closes the
 * connections the plans opened, never the host's client.
 *
 * <pre>{@code
 * @Bean
 * UpgradePlan reindexOrders(ElasticsearchUpgrade es) {
 *     return es.reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.hostClient("host"), "orders", "orders-v2")
 *             .build());
 * }
 * }</pre>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(ElasticsearchUpgrade.class)
public class ElasticsearchUpgradeConfiguration {

    /** The name the host's Elasticsearch client bean is registered under. */
    public static final String HOST_CLIENT = "host";

    /** The entry point, with the host's client registered when it has one. */
    @Bean
    @ConditionalOnMissingBean
    public ElasticsearchUpgrade elasticsearchUpgrade(ObjectProvider<RestClient> restClient,
            ObjectProvider<ElasticsearchClient> elasticsearchClient) {
        ElasticsearchUpgrade.Builder builder = ElasticsearchUpgrade.builder();
        RestClient lowLevel = restClient.getIfUnique();
        if (lowLevel != null) {
            builder.client(HOST_CLIENT, lowLevel);
        } else {
            ElasticsearchClient typed = elasticsearchClient.getIfUnique();
            if (typed != null) {
                builder.client(HOST_CLIENT, typed);
            }
        }
        return builder.build();
    }

    /** The endpoint of the host's own client, for settings built in plan beans. */
    public static ElasticsearchEndpoint hostEndpoint() {
        return ElasticsearchEndpoint.hostClient(HOST_CLIENT);
    }
}
