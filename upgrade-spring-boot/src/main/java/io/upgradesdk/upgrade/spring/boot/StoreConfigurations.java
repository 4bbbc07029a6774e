package io.upgradesdk.upgrade.spring.boot;

import static io.upgradesdk.upgrade.spring.boot.internal.PropertyCheck.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.lettuce.core.RedisClient;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchCheckpointStore;
import io.upgradesdk.upgrade.spring.boot.internal.StoreFactory;
import io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore;
import io.upgradesdk.upgrade.store.redis.RedisCheckpointStore;
import javax.sql.DataSource;
import org.elasticsearch.client.RestClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * The checkpoint store bean, one configuration per store kind, imported in this order: the first
 * whose conditions hold defines it; a {@link CheckpointStore} bean of the host's own wins over all.
 */
final class StoreConfigurations {

    private static final String TYPE = "type";
    private static final String PREFIX = "upgrade.store";

    private StoreConfigurations() {
    }

    /** {@code upgrade.store.type=jdbc}: a JDBC store on the host's {@code DataSource}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JdbcCheckpointStore.class)
    @ConditionalOnProperty(prefix = PREFIX, name = TYPE, havingValue = "jdbc")
    static class Jdbc {
        @Bean
        @ConditionalOnMissingBean(CheckpointStore.class)
        @ConditionalOnBean(DataSource.class)
        CheckpointStore upgradeCheckpointStore(DataSource dataSource, UpgradeProperties properties) {
            JdbcCheckpointStore.Builder builder = JdbcCheckpointStore.builder(dataSource)
                    .createTables(properties.store().jdbc().createTables());
            apply("upgrade.store.jdbc.table-prefix", properties.store().jdbc().tablePrefix(), builder::tablePrefix);
            apply("upgrade.store.jdbc.query-timeout", properties.store().jdbc().queryTimeout(), builder::queryTimeout);
            return builder.build();
        }
    }

    /**
     * {@code upgrade.store.type=redis}: a Redis store on the host's lettuce {@code RedisClient}; the
     * store opens one connection of its own on it and closes only that.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({RedisCheckpointStore.class, RedisClient.class})
    @ConditionalOnProperty(prefix = PREFIX, name = TYPE, havingValue = "redis")
    static class Redis {
        @Bean
        @ConditionalOnMissingBean(CheckpointStore.class)
        @ConditionalOnBean(RedisClient.class)
        CheckpointStore upgradeCheckpointStore(RedisClient client, UpgradeProperties properties) {
            RedisCheckpointStore.Builder builder = RedisCheckpointStore.builder().client(client);
            apply("upgrade.store.redis.key-prefix", properties.store().redis().keyPrefix(), builder::keyPrefix);
            return builder.build();
        }
    }

    /**
     * {@code upgrade.store.type=elasticsearch}: an Elasticsearch store through the host's client bean,
     * its low-level {@code RestClient} when there is one, else its elasticsearch-java
     * {@code ElasticsearchClient}; the store never closes it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ElasticsearchCheckpointStore.class)
    @ConditionalOnProperty(prefix = PREFIX, name = TYPE, havingValue = "elasticsearch")
    static class Elasticsearch {
        @Bean
        @ConditionalOnMissingBean(CheckpointStore.class)
        @Conditional(HostElasticsearchClient.class)
        CheckpointStore upgradeCheckpointStore(ObjectProvider<RestClient> restClient,
                ObjectProvider<ElasticsearchClient> elasticsearchClient, UpgradeProperties properties) {
            UpgradeProperties.Elasticsearch settings = properties.store().elasticsearch();
            RestClient lowLevel = restClient.getIfUnique();
            ElasticsearchCheckpointStore.Builder builder = lowLevel != null
                    ? ElasticsearchCheckpointStore.builder(lowLevel, settings.name())
                    : ElasticsearchCheckpointStore.builder(elasticsearchClient.getObject(), settings.name());
            apply("upgrade.store.elasticsearch.index", settings.index(), builder::index);
            return builder.build();
        }

        /** The host has an Elasticsearch {@code RestClient} or {@code ElasticsearchClient} bean. */
        static final class HostElasticsearchClient extends AnyNestedCondition {
            HostElasticsearchClient() {
                super(ConfigurationPhase.REGISTER_BEAN);
            }

            @ConditionalOnBean(RestClient.class)
            static final class LowLevelClient {
            }

            @ConditionalOnBean(ElasticsearchClient.class)
            static final class TypedClient {
            }
        }
    }

    /** Memory and file stores, or a clear failure when the configured kind could not be built above. */
    @Configuration(proxyBeanMethods = false)
    static class Fallback {
        @Bean
        @ConditionalOnMissingBean(CheckpointStore.class)
        CheckpointStore upgradeCheckpointStore(UpgradeProperties properties, ConfigurableListableBeanFactory beans) {
            ClassLoader loader = beans.getBeanClassLoader();
            return StoreFactory.create(properties.store(), name -> ClassUtils.isPresent(name, loader),
                    name -> ClassUtils.isPresent(name, loader)
                            && beans.getBeanNamesForType(ClassUtils.resolveClassName(name, loader)).length > 0);
        }
    }
}
