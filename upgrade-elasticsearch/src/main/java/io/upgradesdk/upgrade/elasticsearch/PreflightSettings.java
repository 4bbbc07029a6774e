package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeException;
import java.util.Optional;

/**
 * What the pre-flight checks verify on a cluster before an upgrade: every node on the required
 * version line (default {@code 7.17}), health at least {@link #minimumHealth()}, no critical
 * deprecation (the Deprecation Info API; where it is missing the check fails unless
 * {@link Builder#allowUncheckedDeprecations(boolean)}), no index created before the target's
 * oldest readable major, disk use under the high watermark, the snapshot repository location
 * allowed by {@code path.repo} (when a repository is given). Immutable; see {@link #builder(ElasticsearchEndpoint)}.
 */
public final class PreflightSettings {

    private final ElasticsearchEndpoint cluster;
    private final String requiredVersionLine;
    private final int targetMajor;
    private final HealthStatus minimumHealth;
    private final boolean allowUncheckedDeprecations;
    private final String repositoryLocation;
    private final int maxDiskPercent;

    private PreflightSettings(Builder b) {
        this.cluster = b.cluster;
        this.requiredVersionLine = b.requiredVersionLine;
        this.targetMajor = b.targetMajor;
        this.minimumHealth = b.minimumHealth;
        this.allowUncheckedDeprecations = b.allowUncheckedDeprecations;
        this.repositoryLocation = b.repositoryLocation;
        this.maxDiskPercent = b.maxDiskPercent;
    }

    /** A builder for checks on {@code cluster}. */
    public static Builder builder(ElasticsearchEndpoint cluster) {
        return new Builder(cluster);
    }

    public ElasticsearchEndpoint cluster() {
        return cluster;
    }

    /** Version prefix every node must run, e.g. {@code 7.17}. */
    public String requiredVersionLine() {
        return requiredVersionLine;
    }

    /** The major version being upgraded to (indices older than {@code targetMajor - 1} block). */
    public int targetMajor() {
        return targetMajor;
    }

    public HealthStatus minimumHealth() {
        return minimumHealth;
    }

    public boolean allowUncheckedDeprecations() {
        return allowUncheckedDeprecations;
    }

    /** The fs repository location to check against {@code path.repo}, if any. */
    public Optional<String> repositoryLocation() {
        return Optional.ofNullable(repositoryLocation);
    }

    /** Highest disk use allowed on any node (percent); 0 = the cluster's high watermark. */
    public int maxDiskPercent() {
        return maxDiskPercent;
    }

    /** Builder of {@link PreflightSettings}. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private String requiredVersionLine = "7.17";
        private int targetMajor = 8;
        private HealthStatus minimumHealth = HealthStatus.YELLOW;
        private boolean allowUncheckedDeprecations;
        private String repositoryLocation;
        private int maxDiskPercent;

        private Builder(ElasticsearchEndpoint cluster) {
            this.cluster = requireNonNull(cluster, "cluster");
        }

        /** Version prefix every node must run (default {@code 7.17}, the last 7.x line). */
        public Builder requiredVersionLine(String line) {
            if (line == null || !line.matches("\\d+(\\.\\d+){0,2}")) {
                throw invalid("requiredVersionLine must look like 7.17 or 7.17.29, was '" + line + "'");
            }
            this.requiredVersionLine = line;
            return this;
        }

        /** Target major version (default 8). */
        public Builder targetMajor(int major) {
            if (major < 6) {
                throw invalid("targetMajor must be 6 or more, was " + major);
            }
            this.targetMajor = major;
            return this;
        }

        /** Minimum health (default yellow). */
        public Builder minimumHealth(HealthStatus health) {
            this.minimumHealth = requireNonNull(health, "health");
            return this;
        }

        /**
         * Continue when the Deprecation Info API is missing (e.g. no x-pack-deprecation module):
         * the check is then reported as "not checked". Default false: the check fails.
         */
        public Builder allowUncheckedDeprecations(boolean allow) {
            this.allowUncheckedDeprecations = allow;
            return this;
        }

        /** Checks that this fs location is allowed by every node's {@code path.repo}. */
        public Builder repositoryLocation(String location) {
            this.repositoryLocation = requireNonNull(location, "location");
            return this;
        }

        /** Highest disk use allowed (1..100); default: the cluster's high watermark (90% if unset). */
        public Builder maxDiskPercent(int percent) {
            if (percent < 1 || percent > 100) {
                throw invalid("maxDiskPercent must be within 1..100, was " + percent);
            }
            this.maxDiskPercent = percent;
            return this;
        }

        public PreflightSettings build() {
            return new PreflightSettings(this);
        }

        private static UpgradeException invalid(String message) {
            return new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}
