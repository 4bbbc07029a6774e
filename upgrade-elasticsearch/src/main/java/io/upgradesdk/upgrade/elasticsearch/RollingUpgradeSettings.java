package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of a rolling upgrade: the cluster (give several node URLs so that it stays reachable
 * while one node restarts), the version the nodes must end on, the health required by the gate
 * before each node, and optionally the node order. Immutable; see {@link #builder(ElasticsearchEndpoint, String)}.
 */
public final class RollingUpgradeSettings {

    private final ElasticsearchEndpoint cluster;
    private final String targetVersion;
    private final HealthStatus requiredHealth;
    private final List<String> nodeOrder;
    private final Duration nodeTimeout;
    private final PreflightSettings preflight;

    private RollingUpgradeSettings(Builder b) {
        this.cluster = b.cluster;
        this.targetVersion = b.targetVersion;
        this.requiredHealth = b.requiredHealth;
        this.nodeOrder = b.nodeOrder;
        this.nodeTimeout = b.nodeTimeout;
        this.preflight = b.preflight;
    }

    /** A builder upgrading {@code cluster} to {@code targetVersion} ({@code 8.19.21}, or a prefix such as {@code 8}). */
    public static Builder builder(ElasticsearchEndpoint cluster, String targetVersion) {
        return new Builder(cluster, targetVersion);
    }

    public ElasticsearchEndpoint cluster() {
        return cluster;
    }

    /** Version (or version prefix) every node must run at the end. */
    public String targetVersion() {
        return targetVersion;
    }

    /** Health the gate requires before each node and waits for after it (default green). */
    public HealthStatus requiredHealth() {
        return requiredHealth;
    }

    /** Node names in upgrade order, if given (default: by name, the elected master last). */
    public Optional<List<String>> nodeOrder() {
        return Optional.ofNullable(nodeOrder);
    }

    /** Longest wait for a gate, a node to rejoin, or health after a node. */
    public Duration nodeTimeout() {
        return nodeTimeout;
    }

    /** Pre-flight settings run before the first node, if any. */
    public Optional<PreflightSettings> preflight() {
        return Optional.ofNullable(preflight);
    }

    /** Builder of {@link RollingUpgradeSettings}. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private final String targetVersion;
        private HealthStatus requiredHealth = HealthStatus.GREEN;
        private List<String> nodeOrder;
        private Duration nodeTimeout = Duration.ofMinutes(15);
        private PreflightSettings preflight;

        private Builder(ElasticsearchEndpoint cluster, String targetVersion) {
            this.cluster = requireNonNull(cluster, "cluster");
            if (targetVersion == null || !targetVersion.matches("\\d+(\\.\\d+){0,2}")) {
                throw invalid("targetVersion must look like 8.19.21 or 8, was '" + targetVersion + "'");
            }
            this.targetVersion = targetVersion;
        }

        /** Health required before each node (green, or yellow for single-replica-less clusters). */
        public Builder requiredHealth(HealthStatus health) {
            if (requireNonNull(health, "health") == HealthStatus.RED) {
                throw invalid("requiredHealth red would let the upgrade lose data; use green or yellow");
            }
            this.requiredHealth = health;
            return this;
        }

        /** Explicit node order (names as in {@code node.name}). */
        public Builder nodeOrder(List<String> names) {
            if (names == null || names.isEmpty() || names.stream().distinct().count() != names.size()) {
                throw invalid("nodeOrder must be a non-empty list of distinct node names");
            }
            this.nodeOrder = List.copyOf(names);
            return this;
        }

        /** Longest wait per gate / rejoin / health (default 15 min). */
        public Builder nodeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw invalid("nodeTimeout must be positive");
            }
            this.nodeTimeout = timeout;
            return this;
        }

        /** Run these pre-flight checks first. */
        public Builder preflight(PreflightSettings settings) {
            this.preflight = requireNonNull(settings, "settings");
            return this;
        }

        public RollingUpgradeSettings build() {
            return new RollingUpgradeSettings(this);
        }

        private static UpgradeException invalid(String message) {
            return new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}
