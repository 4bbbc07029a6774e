package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.invalid;
import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.require;
import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of the "snapshot the old cluster, restore into a new one" upgrade: both clusters, the
 * shared {@code fs} repository (registered read-write on the source, read-only on the target),
 * which indices, renaming, global state, and whether FINISH deletes the source indices.
 * Immutable; build with {@link #builder(ElasticsearchEndpoint, ElasticsearchEndpoint)}; invalid
 * values fail with {@code ES_INVALID_CONFIGURATION}.
 *
 * @param source the cluster snapshotted
 * @param target the new cluster restored into
 * @param repository repository name (same on both clusters)
 * @param location fs repository location, reachable by every node of both clusters and allowed by their path.repo
 *                 (absolute, or relative to path.repo as Elasticsearch resolves it); a repository of the same
 *                 name that exists already is reused only when it is fs at this location, never re-pointed
 * @param snapshot snapshot name
 * @param indices index names or wildcard patterns to snapshot and restore
 * @param renamePattern Java regex renaming restored indices, if any
 * @param renameReplacement its replacement, present exactly when {@code renamePattern} is
 * @param includeGlobalState whether the cluster's global state (templates, persistent settings) is restored
 * @param includeAliases whether aliases are restored with the indices
 * @param includeSystemIndices whether system/hidden indices (names starting with '.') are restored
 * @param deleteSourceIndices whether a FINISH step (point of no return) deletes the restored indices from the source
 * @param preflight pre-flight checks of the source, if enabled
 * @param targetMajor the major every target node must run
 * @param timeout longest wait for a snapshot, a restore or recovery
 */
public record SnapshotRestoreSettings(ElasticsearchEndpoint source, ElasticsearchEndpoint target, String repository,
        String location, String snapshot, List<String> indices, Optional<String> renamePattern,
        Optional<String> renameReplacement, boolean includeGlobalState, boolean includeAliases,
        boolean includeSystemIndices, boolean deleteSourceIndices, Optional<PreflightSettings> preflight,
        int targetMajor, Duration timeout) {

    /** Validates every setting; prefer {@link #builder(ElasticsearchEndpoint, ElasticsearchEndpoint)}. */
    public SnapshotRestoreSettings {
        requireNonNull(source, "source");
        requireNonNull(target, "target");
        require(repository != null, "no snapshot repository given; call repository(\"name\", \"/shared/dir\")");
        SettingsChecks.name(repository, "repository");
        requireNonNull(location, "location");
        SettingsChecks.name(snapshot, "snapshot");
        require(indices != null && !indices.isEmpty() && indices.stream().noneMatch(p -> p == null || p.isBlank()),
                "indices must be a non-empty list of names or patterns such as logs-*");
        indices = List.copyOf(indices);
        renamePattern.ifPresent(SnapshotRestoreSettings::checkRegex);
        require(renamePattern.isPresent() == renameReplacement.isPresent(),
                "rename needs both a pattern and a replacement; call rename(pattern, replacement)");
        requireNonNull(preflight, "preflight");
        SettingsChecks.positive(timeout, "timeout");
        require(!(source.urls().equals(target.urls()) && source.hostClientName().equals(target.hostClientName())),
                "source and target are the same cluster ("
                + source.displayName() + "); restore into a new cluster");
    }

    private static void checkRegex(String pattern) {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw invalid("rename pattern '" + pattern + "' is not a valid regex: " + e.getDescription());
        }
    }

    /** A builder copying from {@code source} to the new cluster {@code target}. */
    public static Builder builder(ElasticsearchEndpoint source, ElasticsearchEndpoint target) {
        return new Builder(source, target);
    }

    /** Builder of {@link SnapshotRestoreSettings}; {@link #build()} validates. */
    public static final class Builder {
        private final ElasticsearchEndpoint source;
        private final ElasticsearchEndpoint target;
        private String repository;
        private String location;
        private String snapshot = "upgrade-snapshot";
        private List<String> indices = List.of("*");
        private String renamePattern;
        private String renameReplacement;
        private boolean includeGlobalState;
        private boolean includeAliases = true;
        private boolean includeSystemIndices;
        private boolean deleteSourceIndices;
        private PreflightSettings preflight;
        private boolean preflightDisabled;
        private int targetMajor = 8;
        private Duration timeout = Duration.ofMinutes(30);

        private Builder(ElasticsearchEndpoint source, ElasticsearchEndpoint target) {
            this.source = requireNonNull(source, "source");
            this.target = requireNonNull(target, "target");
        }

        /** The fs repository: a name and a directory shared by both clusters (required). */
        public Builder repository(String name, String location) {
            this.repository = requireNonNull(name, "name");
            this.location = requireNonNull(location, "location");
            return this;
        }

        /** Snapshot name (default {@code upgrade-snapshot}). */
        public Builder snapshot(String name) {
            this.snapshot = requireNonNull(name, "name");
            return this;
        }

        /** Index names or patterns (default all non-system indices). */
        public Builder indices(List<String> patterns) {
            this.indices = patterns;
            return this;
        }

        /** Renames restored indices: Java regex and replacement, as Elasticsearch's restore does. */
        public Builder rename(String pattern, String replacement) {
            this.renamePattern = requireNonNull(pattern, "pattern");
            this.renameReplacement = requireNonNull(replacement, "replacement");
            return this;
        }

        /** Restore the cluster's global state (templates, persistent settings); default false. */
        public Builder includeGlobalState(boolean include) {
            this.includeGlobalState = include;
            return this;
        }

        /** Restore aliases with the indices (default true). */
        public Builder includeAliases(boolean include) {
            this.includeAliases = include;
            return this;
        }

        /** Also restore system/hidden indices whose names start with '.' (default false). */
        public Builder includeSystemIndices(boolean include) {
            this.includeSystemIndices = include;
            return this;
        }

        /** Add a FINISH step (point of no return) deleting the restored indices from the source. */
        public Builder deleteSourceIndicesOnFinish(boolean delete) {
            this.deleteSourceIndices = delete;
            return this;
        }

        /** Pre-flight settings for the source (default: standard checks plus the repository path). */
        public Builder preflight(PreflightSettings settings) {
            this.preflight = requireNonNull(settings, "settings");
            this.preflightDisabled = false;
            return this;
        }

        /** Skip the pre-flight steps (e.g. when they ran as a plan of their own). */
        public Builder withoutPreflight() {
            this.preflight = null;
            this.preflightDisabled = true;
            return this;
        }

        /** Major version the target must run (default 8). */
        public Builder targetMajor(int major) {
            this.targetMajor = major;
            return this;
        }

        /** Longest wait for a snapshot, restore or recovery (default 30 min). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** The settings; fails with {@code ES_INVALID_CONFIGURATION} naming the first invalid one. */
        public SnapshotRestoreSettings build() {
            return new SnapshotRestoreSettings(source, target, repository, location, snapshot, indices,
                    Optional.ofNullable(renamePattern), Optional.ofNullable(renameReplacement), includeGlobalState,
                    includeAliases, includeSystemIndices, deleteSourceIndices, effectivePreflight(), targetMajor,
                    timeout);
        }

        /** The given pre-flight, none when disabled, else the standard checks plus the repository path. */
        private Optional<PreflightSettings> effectivePreflight() {
            if (preflightDisabled || preflight != null || repository == null) {
                return Optional.ofNullable(preflight);
            }
            return Optional.of(PreflightSettings.builder(source).targetMajor(targetMajor)
                    .repositoryLocation(location).build());
        }
    }
}
