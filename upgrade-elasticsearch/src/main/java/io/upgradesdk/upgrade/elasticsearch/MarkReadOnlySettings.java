package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.require;
import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import java.util.List;

/**
 * Settings of the "keep it read-only" fix for indices created before 8.0 on the way to 9.x: each
 * named index gets a write block ({@code PUT /<index>/_block/write}), which 8.18 and later verify
 * and record so that 9.x opens the index read-only instead of refusing it. The other fix, for an
 * index that still takes writes, is {@link ElasticsearchUpgrade#reindexPlan}. System and hidden
 * indices (names starting with '.') are refused: Elastic's feature migration handles them.
 * Immutable; build with {@link #builder(ElasticsearchEndpoint, List)}; invalid values fail with
 * {@code ES_INVALID_CONFIGURATION}.
 *
 * @param cluster the cluster holding the indices (on 8.18 or later)
 * @param indices concrete index names (no wildcards)
 */
public record MarkReadOnlySettings(ElasticsearchEndpoint cluster, List<String> indices) {

    /** Validates every setting; prefer {@link #builder(ElasticsearchEndpoint, List)}. */
    public MarkReadOnlySettings {
        requireNonNull(cluster, "cluster");
        require(indices != null && !indices.isEmpty(), "indices must name at least one index to mark read-only");
        for (String index : indices) {
            require(index != null && !index.startsWith("."), "'" + index + "' is a system or hidden index (or null); "
                    + "migrate system indices with POST /_migration/system_features instead");
            require(!index.contains("*") && !index.contains(","), "'" + index + "' is a pattern; name each index");
            SettingsChecks.name(index, "index");
        }
        require(indices.stream().distinct().count() == indices.size(), "indices lists an index twice: " + indices);
        indices = List.copyOf(indices);
    }

    /** A builder marking {@code indices} of {@code cluster} read-only. */
    public static Builder builder(ElasticsearchEndpoint cluster, List<String> indices) {
        return new Builder(cluster, indices);
    }

    /** Builder of {@link MarkReadOnlySettings}; {@link #build()} validates. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private final List<String> indices;

        private Builder(ElasticsearchEndpoint cluster, List<String> indices) {
            this.cluster = requireNonNull(cluster, "cluster");
            this.indices = indices;
        }

        /** The settings; fails with {@code ES_INVALID_CONFIGURATION} naming the first invalid one. */
        public MarkReadOnlySettings build() {
            return new MarkReadOnlySettings(cluster, indices);
        }
    }
}
