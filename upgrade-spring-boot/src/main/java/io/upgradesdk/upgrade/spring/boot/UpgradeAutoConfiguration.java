package io.upgradesdk.upgrade.spring.boot;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.spring.boot.internal.PlanSelection;
import io.upgradesdk.upgrade.spring.boot.internal.RunnerFactory;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the upgrade SDK: a {@link CheckpointStore} ({@code upgrade.store.*}; the host's
 * {@code DataSource}, lettuce {@code RedisClient} or Elasticsearch client bean for the JDBC, Redis and
 * Elasticsearch stores), an {@link UpgradeRunner} (lease, retry, the host's {@link UpgradeListener}
 * beans, the Micrometer listener when a {@code MeterRegistry} bean and {@code upgrade-micrometer}
 * are there, the OpenTelemetry listener when an {@code OpenTelemetry} bean and
 * {@code upgrade-opentelemetry} are there), the {@link UpgradeStartup} run of the host's
 * {@link UpgradePlan} beans (off with {@code upgrade.enabled=false}), an {@code ElasticsearchUpgrade}
 * knowing the host's Elasticsearch client ({@link ElasticsearchUpgradeConfiguration}) and, with
 * Actuator, the {@link UpgradeEndpoint}. Every bean backs off when the host defines its own.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JndiDataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.XADataSourceAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.elasticsearch.autoconfigure.ElasticsearchRestClientAutoConfiguration",
        "org.springframework.boot.elasticsearch.autoconfigure.ElasticsearchClientAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"})
@ConditionalOnClass(UpgradeRunner.class)
@EnableConfigurationProperties(UpgradeProperties.class)
@Import({StoreConfigurations.Jdbc.class, StoreConfigurations.Redis.class, StoreConfigurations.Elasticsearch.class,
        StoreConfigurations.Fallback.class, MetricsConfiguration.class, TracingConfiguration.class,
        ElasticsearchUpgradeConfiguration.class})
public class UpgradeAutoConfiguration {

    /** The runner: store, lease, retry, listeners; the point of no return only with {@code upgrade.confirm-point-of-no-return=true}. */
    @Bean
    @ConditionalOnMissingBean
    public UpgradeRunner upgradeRunner(UpgradeProperties properties, CheckpointStore store,
            ObjectProvider<UpgradeListener> listeners) {
        return RunnerFactory.create(properties, store, listeners.orderedStream().toList());
    }

    /** Runs the plans at startup, in {@code upgrade.plans} order or the beans' {@code @Order}. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "upgrade", name = "enabled", havingValue = "true", matchIfMissing = true)
    public UpgradeStartup upgradeStartup(UpgradeRunner runner, UpgradeProperties properties,
            ObjectProvider<UpgradePlan> plans) {
        return new UpgradeStartup(runner, PlanSelection.select(plans.orderedStream().toList(), properties.plans()),
                properties.finish());
    }

    /** The actuator endpoint, when Actuator is on the class path and the endpoint is available. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint(UpgradeEndpoint.class)
        UpgradeEndpoint upgradeEndpoint(UpgradeRunner runner, ObjectProvider<UpgradePlan> plans,
                ObjectProvider<UpgradeStartup> startup) {
            return new UpgradeEndpoint(runner, plans.orderedStream().toList(), Optional.ofNullable(startup.getIfAvailable()));
        }
    }
}
