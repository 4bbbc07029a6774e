package io.upgradesdk.upgrade.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Micrometer listener, when {@code upgrade-micrometer} is on the class path and the host has a
 * {@code MeterRegistry} bean (Spring Boot defines one with Actuator); off with
 * {@code upgrade.metrics.enabled=false}. Being an {@code UpgradeListener} bean, the runner picks it up.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry",
        "io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener"})
@ConditionalOnProperty(prefix = "upgrade.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
class MetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(MicrometerUpgradeListener.class)
    @ConditionalOnBean(MeterRegistry.class)
    MicrometerUpgradeListener upgradeMetricsListener(MeterRegistry registry, UpgradeProperties properties) {
        return MicrometerUpgradeListener.builder(registry).perStep(properties.metrics().perStep()).build();
    }
}
