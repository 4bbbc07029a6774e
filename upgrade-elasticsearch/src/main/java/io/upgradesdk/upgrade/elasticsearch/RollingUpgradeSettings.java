package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.require;
import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a rolling upgrade: the cluster (give several node URLs so that it stays reachable
 * while one node restarts), the version the nodes must end on, the health required by the gate
 * before each node, and optionally the node order. Immutable; build with
 * {@link #builder(ElasticsearchEndpoint, String)}; invalid values fail with {@code ES_INVALID_CONFIGURATION}.
 *
 * @param cluster the cluster upgraded
 * @param targetVersion version (or version prefix) every node must run at the end
 * @param requiredHealth health the gate requires before each node and waits for after it
 * @param nodeOrder node names in upgrade order, if given (default: by name, the elected master last)
 * @param nodeTimeout longest wait for a gate, a node to rejoin, or health after a node
 * @param preflight pre-flight settings run before the first node, if any
 */
public record RollingUpgradeSettings(ElasticsearchEndpoint cluster, String targetVersion, HealthStatus requiredHealth,
        Optional<List<String>> nodeOrder, Duration nodeTimeout, Optional<PreflightSettings> preflight) {

    /** Validates every setting; prefer {@link #builder(ElasticsearchEndpoint, String)}. */
    public RollingUpgradeSettings {
        requireNonNull(cluster, "cluster");
        SettingsChecks.version(targetVersion, "targetVersion", "8.19.21 or 8");
        require(requireNonNull(requiredHealth, "requiredHealth") != HealthStatus.RED,
                "requiredHealth red would let the upgrade lose data; use green or yellow");
        require(nodeOrder.isEmpty() || !nodeOrder.get().isEmpty() && nodeOrder.get().stream().noneMatch(Objects::isNull)
                && nodeOrder.get().stream().distinct().count() == nodeOrder.get().size(),
                "nodeOrder must be a non-empty list of distinct node names");
        nodeOrder = nodeOrder.map(List::copyOf);
        SettingsChecks.positive(nodeTimeout, "nodeTimeout");
        requireNonNull(preflight, "preflight");
    }

    /** A builder upgrading {@code cluster} to {@code targetVersion} ({@code 8.19.21}, or a prefix such as {@code 8}). */
    public static Builder builder(ElasticsearchEndpoint cluster, String targetVersion) {
        return new Builder(cluster, targetVersion);
    }

    /** Builder of {@link RollingUpgradeSettings}; {@link #build()} validates. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private final String targetVersion;
        private HealthStatus requiredHealth = HealthStatus.GREEN;
        private List<String> nodeOrder;
        private Duration nodeTimeout = Duration.ofMinutes(15);
        private PreflightSettings preflight;

        private Builder(ElasticsearchEndpoint cluster, String targetVersion) {
            this.cluster = requireNonNull(cluster, "cluster");
            this.targetVersion = targetVersion;
        }

        /** Health required before each node (default green; yellow for clusters without replicas). */
        public Builder requiredHealth(HealthStatus health) {
            this.requiredHealth = requireNonNull(health, "health");
            return this;
        }

        /** Explicit node order (names as in {@code node.name}). */
        public Builder nodeOrder(List<String> names) {
            this.nodeOrder = requireNonNull(names, "names");
            return this;
        }

        /** Longest wait per gate / rejoin / health (default 15 min). */
        public Builder nodeTimeout(Duration timeout) {
            this.nodeTimeout = timeout;
            return this;
        }

        /** Run these pre-flight checks first. */
        public Builder preflight(PreflightSettings settings) {
            this.preflight = requireNonNull(settings, "settings");
            return this;
        }

        /** The settings; fails with {@code ES_INVALID_CONFIGURATION} naming the first invalid one. */
        public RollingUpgradeSettings build() {
            return new RollingUpgradeSettings(cluster, targetVersion, requiredHealth, Optional.ofNullable(nodeOrder),
                    nodeTimeout, Optional.ofNullable(preflight));
        }
    }
}
