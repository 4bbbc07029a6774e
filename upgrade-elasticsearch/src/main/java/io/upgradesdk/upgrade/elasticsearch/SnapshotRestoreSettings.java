package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of the "snapshot the old cluster, restore into a new one" upgrade: both clusters, the
 * shared {@code fs} repository (registered read-write on the source, read-only on the target),
 * which indices, renaming, global state, and whether FINISH deletes the source indices.
 * Immutable; see {@link #builder(ElasticsearchEndpoint, ElasticsearchEndpoint)}.
 */
public final class SnapshotRestoreSettings {

    private final ElasticsearchEndpoint source;
    private final ElasticsearchEndpoint target;
    private final String repository;
    private final String location;
    private final String snapshot;
    private final List<String> indices;
    private final String renamePattern;
    private final String renameReplacement;
    private final boolean includeGlobalState;
    private final boolean includeAliases;
    private final boolean includeSystemIndices;
    private final boolean deleteSourceIndices;
    private final PreflightSettings preflight;
    private final int targetMajor;
    private final Duration timeout;

    private SnapshotRestoreSettings(Builder b) {
        this.source = b.source;
        this.target = b.target;
        this.repository = b.repository;
        this.location = b.location;
        this.snapshot = b.snapshot;
        this.indices = List.copyOf(b.indices);
        this.renamePattern = b.renamePattern;
        this.renameReplacement = b.renameReplacement;
        this.includeGlobalState = b.includeGlobalState;
        this.includeAliases = b.includeAliases;
        this.includeSystemIndices = b.includeSystemIndices;
        this.deleteSourceIndices = b.deleteSourceIndices;
        this.preflight = b.preflight;
        this.targetMajor = b.targetMajor;
        this.timeout = b.timeout;
    }

    /** A builder copying from {@code source} to the new cluster {@code target}. */
    public static Builder builder(ElasticsearchEndpoint source, ElasticsearchEndpoint target) {
        return new Builder(source, target);
    }

    public ElasticsearchEndpoint source() {
        return source;
    }

    public ElasticsearchEndpoint target() {
        return target;
    }

    /** Repository name (same on both clusters). */
    public String repository() {
        return repository;
    }

    /** fs repository location, reachable by every node of both clusters and listed in their path.repo. */
    public String location() {
        return location;
    }

    /** Snapshot name. */
    public String snapshot() {
        return snapshot;
    }

    /** Index names or wildcard patterns to snapshot and restore (default {@code *}). */
    public List<String> indices() {
        return indices;
    }

    public Optional<String> renamePattern() {
        return Optional.ofNullable(renamePattern);
    }

    public Optional<String> renameReplacement() {
        return Optional.ofNullable(renameReplacement);
    }

    public boolean includeGlobalState() {
        return includeGlobalState;
    }

    public boolean includeAliases() {
        return includeAliases;
    }

    public boolean includeSystemIndices() {
        return includeSystemIndices;
    }

    public boolean deleteSourceIndices() {
        return deleteSourceIndices;
    }

    /** Pre-flight checks of the source, if enabled. */
    public Optional<PreflightSettings> preflight() {
        return Optional.ofNullable(preflight);
    }

    /** The major every target node must run. */
    public int targetMajor() {
        return targetMajor;
    }

    /** Longest wait for a snapshot, a restore or recovery. */
    public Duration timeout() {
        return timeout;
    }

    /** Builder of {@link SnapshotRestoreSettings}. */
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
            this.repository = name(requireNonNull(name, "name"), "repository");
            this.location = requireNonNull(location, "location");
            return this;
        }

        /** Snapshot name (default {@code upgrade-snapshot}). */
        public Builder snapshot(String name) {
            this.snapshot = name(requireNonNull(name, "name"), "snapshot");
            return this;
        }

        /** Index names or patterns (default all non-system indices). */
        public Builder indices(List<String> patterns) {
            if (patterns == null || patterns.isEmpty() || patterns.stream().anyMatch(p -> p == null || p.isBlank())) {
                throw invalid("indices must be a non-empty list of names or patterns such as logs-*");
            }
            this.indices = List.copyOf(patterns);
            return this;
        }

        /** Renames restored indices: Java regex and replacement, as Elasticsearch's restore does. */
        public Builder rename(String pattern, String replacement) {
            try {
                Pattern.compile(requireNonNull(pattern, "pattern"));
            } catch (PatternSyntaxException e) {
                throw invalid("rename pattern '" + pattern + "' is not a valid regex: " + e.getDescription());
            }
            this.renamePattern = pattern;
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
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw invalid("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        public SnapshotRestoreSettings build() {
            if (repository == null) {
                throw invalid("no snapshot repository given; call repository(\"name\", \"/shared/dir\")");
            }
            if (source.urls().equals(target.urls())) {
                throw invalid("source and target are the same cluster (" + source.displayName()
                        + "); restore into a new cluster");
            }
            if (preflight == null && !preflightDisabled) {
                preflight = PreflightSettings.builder(source).targetMajor(targetMajor).repositoryLocation(location).build();
            }
            return new SnapshotRestoreSettings(this);
        }

        private static String name(String n, String what) {
            if (!n.matches("[a-z0-9][a-z0-9._-]*")) {
                throw invalid(what + " name '" + n + "' must be lower case letters, digits, '.', '_' or '-'");
            }
            return n;
        }

        private static UpgradeException invalid(String message) {
            return new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}
