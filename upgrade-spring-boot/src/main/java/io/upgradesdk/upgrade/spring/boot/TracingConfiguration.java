package io.upgradesdk.upgrade.spring.boot;

import io.opentelemetry.api.OpenTelemetry;
import io.upgradesdk.upgrade.opentelemetry.OpenTelemetryUpgradeListener;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenTelemetry listener, when {@code upgrade-opentelemetry} is on the class path and the host
 * has an {@code OpenTelemetry} bean (Spring Boot's OpenTelemetry starter defines one); off with
 * {@code upgrade.tracing.enabled=false}. Being an {@code UpgradeListener} bean, the runner picks it up.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"io.opentelemetry.api.OpenTelemetry",
        "io.upgradesdk.upgrade.opentelemetry.OpenTelemetryUpgradeListener"})
@ConditionalOnProperty(prefix = "upgrade.tracing", name = "enabled", havingValue = "true", matchIfMissing = true)
class TracingConfiguration {

    @Bean
    @ConditionalOnMissingBean(OpenTelemetryUpgradeListener.class)
    @ConditionalOnBean(OpenTelemetry.class)
    OpenTelemetryUpgradeListener upgradeTracingListener(OpenTelemetry openTelemetry) {
        return OpenTelemetryUpgradeListener.of(openTelemetry);
    }
}
