package io.upgradesdk.upgrade.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration processor's metadata (what IDEs complete) lists every {@code upgrade.*}
 * property with its description, and the defaults the binding uses.
 */
class ConfigurationMetadataTest {

    @Test
    void lists_every_upgrade_property_with_a_description() throws IOException {
        Map<String, JsonNode> properties = upgradeProperties();

        assertThat(properties).containsKeys("upgrade.enabled", "upgrade.plans", "upgrade.finish",
                "upgrade.confirm-point-of-no-return", "upgrade.owner", "upgrade.lease-duration", "upgrade.lock-wait",
                "upgrade.log-events", "upgrade.log-mdc", "upgrade.store.type", "upgrade.store.file", "upgrade.store.jdbc.table-prefix",
                "upgrade.store.jdbc.create-tables", "upgrade.store.jdbc.query-timeout", "upgrade.store.redis.key-prefix",
                "upgrade.store.elasticsearch.index", "upgrade.store.elasticsearch.name",
                "upgrade.retry.max-attempts", "upgrade.retry.initial-backoff", "upgrade.retry.multiplier",
                "upgrade.retry.max-backoff", "upgrade.retry.jitter", "upgrade.metrics.enabled",
                "upgrade.metrics.per-step", "upgrade.tracing.enabled");
        assertThat(properties.values()).allSatisfy(p -> assertThat(p.path("description").asText()).isNotBlank()
                .as("plain text, as an IDE shows it").doesNotContain("{@"));
    }

    @Test
    void gives_types_and_defaults() throws IOException {
        Map<String, JsonNode> properties = upgradeProperties();

        assertThat(properties.get("upgrade.store.type").path("type").asText())
                .isEqualTo("io.upgradesdk.upgrade.spring.boot.UpgradeProperties$StoreType");
        assertThat(properties.get("upgrade.store.type").path("defaultValue").asText()).isEqualTo("memory");
        assertThat(properties.get("upgrade.lease-duration").path("type").asText()).isEqualTo("java.time.Duration");
        assertThat(properties.get("upgrade.confirm-point-of-no-return").path("defaultValue").asBoolean(true)).isFalse();
        assertThat(properties.get("upgrade.metrics.enabled").path("defaultValue").asBoolean(false)).isTrue();
    }

    private static Map<String, JsonNode> upgradeProperties() throws IOException {
        try (InputStream in = UpgradeProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            for (JsonNode property : new ObjectMapper().readTree(in).path("properties")) {
                if (property.path("name").asText().startsWith("upgrade.")) {
                    byName.put(property.path("name").asText(), property);
                }
            }
            return byName;
        }
    }
}
