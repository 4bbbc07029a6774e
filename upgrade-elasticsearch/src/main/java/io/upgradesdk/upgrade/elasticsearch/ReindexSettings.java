package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of a reindex on the cluster that will be upgraded (typically 7.17, to rewrite indices
 * created before 7.0): {@code sourceIndex} is copied into {@code destIndex} (mappings and settings
 * copied) by an asynchronous {@code _reindex} task; then the alias is moved; FINISH deletes the
 * old index. With {@link Builder#remoteSource} the source index is read from another cluster
 * ("reindex from remote"; that cluster must be in the destination's {@code reindex.remote.whitelist}).
 */
public final class ReindexSettings {

    private final ElasticsearchEndpoint cluster;
    private final ElasticsearchEndpoint remoteSource;
    private final String sourceIndex;
    private final String destIndex;
    private final String alias;
    private final Duration timeout;

    private ReindexSettings(Builder b) {
        this.cluster = b.cluster;
        this.remoteSource = b.remoteSource;
        this.sourceIndex = b.sourceIndex;
        this.destIndex = b.destIndex;
        this.alias = b.alias;
        this.timeout = b.timeout;
    }

    /** Reindex {@code sourceIndex} into {@code destIndex} on {@code cluster}. */
    public static Builder builder(ElasticsearchEndpoint cluster, String sourceIndex, String destIndex) {
        return new Builder(cluster, sourceIndex, destIndex);
    }

    public ElasticsearchEndpoint cluster() {
        return cluster;
    }

    public Optional<ElasticsearchEndpoint> remoteSource() {
        return Optional.ofNullable(remoteSource);
    }

    public String sourceIndex() {
        return sourceIndex;
    }

    public String destIndex() {
        return destIndex;
    }

    /**
     * Alias pointed at the new index. When it equals the source index name, the old index is
     * replaced by the alias atomically in FINISH (clients keep using the old name).
     */
    public Optional<String> alias() {
        return Optional.ofNullable(alias);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Builder of {@link ReindexSettings}. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private final String sourceIndex;
        private final String destIndex;
        private ElasticsearchEndpoint remoteSource;
        private String alias;
        private Duration timeout = Duration.ofHours(2);

        private Builder(ElasticsearchEndpoint cluster, String sourceIndex, String destIndex) {
            this.cluster = requireNonNull(cluster, "cluster");
            this.sourceIndex = name(sourceIndex);
            this.destIndex = name(destIndex);
            if (sourceIndex.equals(destIndex)) {
                throw invalid("source and destination index are both '" + sourceIndex + "'; pick a new destination name");
            }
        }

        /** Read the source index from this other cluster (reindex from remote). */
        public Builder remoteSource(ElasticsearchEndpoint remote) {
            this.remoteSource = requireNonNull(remote, "remote");
            if (remote.caCertificate().isPresent() || remote.apiKey().isPresent()) {
                throw invalid("reindex from remote supports http(s) with basic auth only; the remote's TLS CA must be "
                        + "configured on the destination cluster (reindex.ssl.*), and API keys are not supported");
            }
            return this;
        }

        /** Alias to point at the new index (may be the source index name; see {@link ReindexSettings#alias()}). */
        public Builder alias(String alias) {
            this.alias = name(alias);
            return this;
        }

        /** Longest wait for the reindex task (default 2 h). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw invalid("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        public ReindexSettings build() {
            return new ReindexSettings(this);
        }

        private static String name(String n) {
            if (n == null || !n.matches("[a-z0-9][a-z0-9._-]*")) {
                throw invalid("index or alias name '" + n + "' must be lower case letters, digits, '.', '_' or '-'");
            }
            return n;
        }

        private static UpgradeException invalid(String message) {
            return new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}
