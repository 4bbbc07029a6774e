package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.require;
import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of a reindex on the cluster that will be upgraded (typically 7.17, to rewrite indices
 * created before 7.0): {@code sourceIndex} is copied into {@code destIndex} (mappings and settings
 * copied) by an asynchronous {@code _reindex} task; then the alias is moved; FINISH deletes the
 * old index. With {@link Builder#remoteSource} the source index is read from another cluster
 * ("reindex from remote"; that cluster must be in the destination's {@code reindex.remote.whitelist}).
 * Immutable; build with {@link #builder(ElasticsearchEndpoint, String, String)}; invalid values fail
 * with {@code ES_INVALID_CONFIGURATION}.
 *
 * @param cluster the cluster holding the destination (and, without a remote source, the source)
 * @param remoteSource the cluster the source index is read from, if not {@code cluster}
 * @param sourceIndex the index copied
 * @param destIndex the new index
 * @param alias alias pointed at the new index; when it equals the source index name, the old index is
 *     replaced by the alias atomically in FINISH (clients keep using the old name)
 * @param timeout longest wait for the reindex task
 */
public record ReindexSettings(ElasticsearchEndpoint cluster, Optional<ElasticsearchEndpoint> remoteSource,
        String sourceIndex, String destIndex, Optional<String> alias, Duration timeout) {

    /** Validates every setting; prefer {@link #builder(ElasticsearchEndpoint, String, String)}. */
    public ReindexSettings {
        requireNonNull(cluster, "cluster");
        requireNonNull(remoteSource, "remoteSource");
        SettingsChecks.name(sourceIndex, "source index");
        SettingsChecks.name(destIndex, "destination index");
        require(!sourceIndex.equals(destIndex),
                "source and destination index are both '" + sourceIndex + "'; pick a new destination name");
        require(remoteSource.isEmpty() || remoteSource.get().caCertificate().isEmpty() && remoteSource.get().apiKey()
                .isEmpty(), "reindex from remote supports http(s) with basic auth only; the remote's TLS CA must be "
                        + "configured on the destination cluster (reindex.ssl.*), and API keys are not supported");
        require(remoteSource.isEmpty() || remoteSource.get().hostClientName().isEmpty(), "reindex from remote needs "
                + "the remote's URL (the destination cluster connects to it itself), not a host client; give "
                + "ElasticsearchEndpoint.builder().url(...) as the remote source");
        alias.ifPresent(a -> SettingsChecks.name(a, "alias"));
        SettingsChecks.positive(timeout, "timeout");
    }

    /** Reindex {@code sourceIndex} into {@code destIndex} on {@code cluster}. */
    public static Builder builder(ElasticsearchEndpoint cluster, String sourceIndex, String destIndex) {
        return new Builder(cluster, sourceIndex, destIndex);
    }

    /** Builder of {@link ReindexSettings}; {@link #build()} validates. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private final String sourceIndex;
        private final String destIndex;
        private ElasticsearchEndpoint remoteSource;
        private String alias;
        private Duration timeout = Duration.ofHours(2);

        private Builder(ElasticsearchEndpoint cluster, String sourceIndex, String destIndex) {
            this.cluster = requireNonNull(cluster, "cluster");
            this.sourceIndex = sourceIndex;
            this.destIndex = destIndex;
        }

        /** Read the source index from this other cluster (reindex from remote; basic auth or none). */
        public Builder remoteSource(ElasticsearchEndpoint remote) {
            this.remoteSource = requireNonNull(remote, "remote");
            return this;
        }

        /** Alias to point at the new index (may be the source index name; see {@link ReindexSettings#alias()}). */
        public Builder alias(String alias) {
            this.alias = requireNonNull(alias, "alias");
            return this;
        }

        /** Longest wait for the reindex task (default 2 h). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** The settings; fails with {@code ES_INVALID_CONFIGURATION} naming the first invalid one. */
        public ReindexSettings build() {
            return new ReindexSettings(cluster, Optional.ofNullable(remoteSource), sourceIndex, destIndex,
                    Optional.ofNullable(alias), timeout);
        }
    }
}
