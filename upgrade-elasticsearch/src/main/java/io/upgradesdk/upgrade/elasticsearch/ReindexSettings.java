package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.require;
import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Settings of a reindex on the cluster that will be upgraded (typically 7.17, to rewrite indices
 * created before 7.0): {@code sourceIndex} is copied into {@code destIndex} (mappings and settings
 * copied) by an asynchronous {@code _reindex} task; then the alias is moved; FINISH deletes the
 * old index. With {@link Builder#remoteSource} the source index is read from another cluster
 * ("reindex from remote"; that cluster must be in the destination's {@code reindex.remote.whitelist}).
 *
 * <p>A same-cluster reindex runs in {@link Builder#slices slices} (by default as many as the source
 * index has primary shards, as Elasticsearch's {@code slices=auto} picks), and the step polls the
 * parent task and every sub-task. A cluster without {@code _reindex} (the reindex module missing:
 * the 8.x test distributions, some managed offerings) gets a client-side copy instead, unless
 * {@link Builder#method} forces the server-side task ({@link Method}).
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
 * @param slices how many slices the {@code _reindex} task runs in; empty: as many as the source index
 *     has primary shards (1 for a remote source, which Elasticsearch does not slice)
 * @param method where the documents are copied: by the cluster's {@code _reindex}, or by this
 *     process when the cluster has none ({@link Method#AUTO}, the default)
 */
public record ReindexSettings(ElasticsearchEndpoint cluster, Optional<ElasticsearchEndpoint> remoteSource,
        String sourceIndex, String destIndex, Optional<String> alias, Duration timeout, OptionalInt slices,
        Method method) {

    /** The most slices of one reindex. */
    public static final int MAX_SLICES = 128;

    /** Where a reindex copies the documents. */
    public enum Method {
        /**
         * The cluster's {@code _reindex} task when the cluster has one; otherwise (the endpoint
         * answers 405 or "no handler") a client-side copy: search pages read from the source,
         * bulk-written to the destination by this process, resumable at its cursor.
         */
        AUTO,
        /** The cluster's {@code _reindex} task only; the step fails, naming the fix, when it has none. */
        SERVER_SIDE,
        /** The client-side copy, even on a cluster that has {@code _reindex}. */
        CLIENT_SIDE
    }

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
        requireNonNull(slices, "slices");
        requireNonNull(method, "method");
        slices.ifPresent(n -> require(n >= 1 && n <= MAX_SLICES, "slices must be within 1.." + MAX_SLICES
                + ", was " + n + "; or leave it unset for as many slices as the source index has primary shards"));
        require(remoteSource.isEmpty() || slices.orElse(1) == 1, "reindex from remote cannot run in slices "
                + "(Elasticsearch refuses it), was " + slices.orElse(1) + "; leave slices unset for a remote source");
    }

    /** The settings of a reindex in as many slices as the source has primary shards, method {@link Method#AUTO}. */
    public ReindexSettings(ElasticsearchEndpoint cluster, Optional<ElasticsearchEndpoint> remoteSource,
            String sourceIndex, String destIndex, Optional<String> alias, Duration timeout) {
        this(cluster, remoteSource, sourceIndex, destIndex, alias, timeout, OptionalInt.empty(), Method.AUTO);
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
        private OptionalInt slices = OptionalInt.empty();
        private Method method = Method.AUTO;

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

        /**
         * Runs the {@code _reindex} task in {@code n} slices (1..128), one sub-task each; the step
         * polls every sub-task. Default: as many as the source index has primary shards. A remote
         * source takes no slices.
         */
        public Builder slices(int n) {
            this.slices = OptionalInt.of(n);
            return this;
        }

        /** As many slices as the source index has primary shards (the default), as {@code slices=auto} does. */
        public Builder slicesAuto() {
            this.slices = OptionalInt.empty();
            return this;
        }

        /** Where the documents are copied (default {@link Method#AUTO}: server-side when the cluster can). */
        public Builder method(Method method) {
            this.method = requireNonNull(method, "method");
            return this;
        }

        /** The settings; fails with {@code ES_INVALID_CONFIGURATION} naming the first invalid one. */
        public ReindexSettings build() {
            return new ReindexSettings(cluster, Optional.ofNullable(remoteSource), sourceIndex, destIndex,
                    Optional.ofNullable(alias), timeout, slices, method);
        }
    }
}
