package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.require;
import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import io.upgradesdk.upgrade.elasticsearch.internal.UpgradeRules;
import java.util.Optional;

/**
 * What the pre-flight checks verify on a cluster before an upgrade: every node on the required
 * version line (default: the line the upgrade rules require for the target major, {@code 7.17} for
 * 8.x, {@code 8.19} for 9.x), health at least {@link #minimumHealth()}, no critical
 * deprecation (the Deprecation Info API; where it is missing the check fails unless
 * {@link Builder#allowUncheckedDeprecations(boolean)}), no index created before the target's
 * oldest readable major (for 9.x: unless a write block keeps it read-only), disk use under the high watermark, the snapshot repository location
 * allowed by {@code path.repo} (when a repository is given). Immutable; build with
 * {@link #builder(ElasticsearchEndpoint)}; invalid values fail with {@code ES_INVALID_CONFIGURATION}.
 *
 * @param cluster the cluster checked
 * @param requiredVersionLine version prefix every node must run, e.g. {@code 7.17}
 * @param targetMajor the major version being upgraded to (indices older than {@code targetMajor - 1} block)
 * @param minimumHealth the lowest health accepted
 * @param allowUncheckedDeprecations whether a missing Deprecation Info API is reported as "not checked"
 *     instead of failing the check
 * @param repositoryLocation the fs repository location to check against {@code path.repo}, if any
 * @param maxDiskPercent highest disk use allowed on any node (percent); 0 = the cluster's high watermark
 */
public record PreflightSettings(ElasticsearchEndpoint cluster, String requiredVersionLine, int targetMajor,
        HealthStatus minimumHealth, boolean allowUncheckedDeprecations, Optional<String> repositoryLocation,
        int maxDiskPercent) {

    /** Validates every setting; prefer {@link #builder(ElasticsearchEndpoint)}. */
    public PreflightSettings {
        requireNonNull(cluster, "cluster");
        SettingsChecks.version(requiredVersionLine, "requiredVersionLine", "7.17 or 7.17.29");
        require(targetMajor >= 6, "targetMajor must be 6 or more, was " + targetMajor);
        requireNonNull(minimumHealth, "minimumHealth");
        requireNonNull(repositoryLocation, "repositoryLocation");
        require(maxDiskPercent >= 0 && maxDiskPercent <= 100,
                "maxDiskPercent must be within 1..100 (0: the cluster's high watermark), was " + maxDiskPercent);
    }

    /** A builder for checks on {@code cluster}. */
    public static Builder builder(ElasticsearchEndpoint cluster) {
        return new Builder(cluster);
    }

    /** Builder of {@link PreflightSettings}; {@link #build()} validates. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private String requiredVersionLine;
        private int targetMajor = 8;
        private HealthStatus minimumHealth = HealthStatus.YELLOW;
        private boolean allowUncheckedDeprecations;
        private String repositoryLocation;
        private int maxDiskPercent;

        private Builder(ElasticsearchEndpoint cluster) {
            this.cluster = requireNonNull(cluster, "cluster");
        }

        /**
         * Version prefix every node must run (default: the line the upgrade rules require before
         * the target major: {@code 7.17} for 8, {@code 8.19} for 9).
         */
        public Builder requiredVersionLine(String line) {
            this.requiredVersionLine = line;
            return this;
        }

        /** Target major version (default 8). */
        public Builder targetMajor(int major) {
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
            this.maxDiskPercent = percent;
            return this;
        }

        /** The settings; fails with {@code ES_INVALID_CONFIGURATION} naming the first invalid one. */
        public PreflightSettings build() {
            String line = requiredVersionLine != null ? requiredVersionLine
                    : UpgradeRules.requiredSourceLine(targetMajor).orElse(String.valueOf(targetMajor - 1));
            return new PreflightSettings(cluster, line, targetMajor, minimumHealth,
                    allowUncheckedDeprecations, Optional.ofNullable(repositoryLocation), maxDiskPercent);
        }
    }
}
