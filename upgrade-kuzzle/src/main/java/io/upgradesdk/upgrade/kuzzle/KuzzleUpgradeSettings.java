package io.upgradesdk.upgrade.kuzzle;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the Kuzzle 1.x → 2.x upgrade needs, immutable; every interactive question of the
 * original script is a parameter here with a safe default. Built with {@link #builder()}:
 *
 * <pre>{@code
 * KuzzleUpgradeSettings settings = KuzzleUpgradeSettings.builder()
 *     .sourceElasticsearch(ElasticsearchEndpoint.of("http://es5:9200"))
 *     .targetElasticsearch(ElasticsearchEndpoint.of("http://es7:9200"))      // omit for an in-place upgrade
 *     .sourceRedis(RedisURI.create("redis://cache:6379/0"))
 *     .kuzzlerc(Path.of("/etc/kuzzle/.kuzzlerc"))
 *     .targetVersion("2.20.0")
 *     .build();
 * }</pre>
 */
public final class KuzzleUpgradeSettings {

    private final String planId;
    private final ElasticsearchEndpoint sourceElasticsearch;
    private final ElasticsearchEndpoint targetElasticsearch;
    private final RedisURI sourceRedis;
    private final RedisURI targetRedis;
    private final ClientOptions redisClientOptions;
    private final Path kuzzlerc;
    private final Path kuzzlercOutput;
    private final boolean overwriteKuzzlercOutput;
    private final KuzzleVersion targetVersion;
    private final DataSelection selection;
    private final CacheMode cacheMode;
    private final int pageSize;
    private final int writeConcurrency;
    private final DestroyPolicy destroyPolicy;
    private final TrashcanPolicy trashcanPolicy;
    private final ClosurePolicy closurePolicy;
    private final boolean dropRemovedActions;
    private final String v1InternalIndex;
    private final String v2InternalIndexName;
    private final Map<String, String> pluginRenames;
    private final Integer targetShards;
    private final Integer targetReplicas;
    private final Path reportFile;
    private final int sampleSize;
    private final boolean copySourceAliases;
    private final Integer memoryStorageSourceDb;
    private final Integer memoryStorageTargetDb;

    private KuzzleUpgradeSettings(Builder b) {
        planId = b.planId;
        sourceElasticsearch = b.sourceElasticsearch;
        targetElasticsearch = b.targetElasticsearch;
        sourceRedis = b.sourceRedis;
        targetRedis = b.targetRedis;
        redisClientOptions = b.redisClientOptions;
        kuzzlerc = b.kuzzlerc;
        kuzzlercOutput = b.kuzzlercOutput;
        overwriteKuzzlercOutput = b.overwriteKuzzlercOutput;
        targetVersion = b.targetVersion;
        selection = b.selection;
        cacheMode = b.cacheMode;
        pageSize = b.pageSize;
        writeConcurrency = b.writeConcurrency;
        destroyPolicy = b.destroyPolicy;
        trashcanPolicy = b.trashcanPolicy;
        closurePolicy = b.closurePolicy;
        dropRemovedActions = b.dropRemovedActions;
        v1InternalIndex = b.v1InternalIndex;
        v2InternalIndexName = b.v2InternalIndexName;
        pluginRenames = Map.copyOf(b.pluginRenames);
        targetShards = b.targetShards;
        targetReplicas = b.targetReplicas;
        reportFile = b.reportFile;
        sampleSize = b.sampleSize;
        copySourceAliases = b.copySourceAliases;
        memoryStorageSourceDb = b.memoryStorageSourceDb;
        memoryStorageTargetDb = b.memoryStorageTargetDb;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String planId() {
        return planId;
    }

    public ElasticsearchEndpoint sourceElasticsearch() {
        return sourceElasticsearch;
    }

    /** The target cluster; empty for an in-place upgrade (the source cluster receives the v2 indices). */
    public Optional<ElasticsearchEndpoint> targetElasticsearch() {
        return Optional.ofNullable(targetElasticsearch);
    }

    /** True when the v2 indices are written next to the v1 ones, on the source cluster. */
    public boolean inPlace() {
        return targetElasticsearch == null;
    }

    /** The v1 internal cache (Kuzzle's {@code services.internalCache}); empty = no cache step. */
    public Optional<RedisURI> sourceRedis() {
        return Optional.ofNullable(sourceRedis);
    }

    /** A separate target Redis; empty = in-place (same server and database as the source). */
    public Optional<RedisURI> targetRedis() {
        return Optional.ofNullable(targetRedis);
    }

    public Optional<ClientOptions> redisClientOptions() {
        return Optional.ofNullable(redisClientOptions);
    }

    public Optional<Path> kuzzlerc() {
        return Optional.ofNullable(kuzzlerc);
    }

    /** Where the v2 configuration is written: {@code <kuzzlerc>.v2} unless set. */
    public Optional<Path> kuzzlercOutput() {
        return kuzzlerc == null ? Optional.empty()
                : Optional.of(kuzzlercOutput != null ? kuzzlercOutput
                        : kuzzlerc.resolveSibling(kuzzlerc.getFileName() + ".v2"));
    }

    public boolean overwriteKuzzlercOutput() {
        return overwriteKuzzlercOutput;
    }

    public KuzzleVersion targetVersion() {
        return targetVersion;
    }

    public DataSelection selection() {
        return selection;
    }

    public CacheMode cacheMode() {
        return cacheMode;
    }

    public int pageSize() {
        return pageSize;
    }

    public int writeConcurrency() {
        return writeConcurrency;
    }

    public DestroyPolicy destroyPolicy() {
        return destroyPolicy;
    }

    public TrashcanPolicy trashcanPolicy() {
        return trashcanPolicy;
    }

    public ClosurePolicy closurePolicy() {
        return closurePolicy;
    }

    public boolean dropRemovedActions() {
        return dropRemovedActions;
    }

    public String v1InternalIndex() {
        return v1InternalIndex;
    }

    public String v2InternalIndexName() {
        return v2InternalIndexName;
    }

    public Map<String, String> pluginRenames() {
        return pluginRenames;
    }

    public Optional<Integer> targetShards() {
        return Optional.ofNullable(targetShards);
    }

    public Optional<Integer> targetReplicas() {
        return Optional.ofNullable(targetReplicas);
    }

    public Optional<Path> reportFile() {
        return Optional.ofNullable(reportFile);
    }

    public int sampleSize() {
        return sampleSize;
    }

    /** Source database of Kuzzle's memory storage to copy to a separate target Redis, if asked. */
    public Optional<Integer> memoryStorageSourceDb() {
        return Optional.ofNullable(memoryStorageSourceDb);
    }

    /** Target database of the memory storage copy. */
    public Optional<Integer> memoryStorageTargetDb() {
        return Optional.ofNullable(memoryStorageTargetDb);
    }

    /** Whether ES aliases of v1 public indexes are put on every indice made from them (default false). */
    public boolean copySourceAliases() {
        return copySourceAliases;
    }

    @Override
    public String toString() {
        return "KuzzleUpgradeSettings[" + planId + ", es " + sourceElasticsearch.displayName() + " -> "
                + (inPlace() ? "in-place" : targetElasticsearch.displayName()) + ", kuzzle " + targetVersion
                + ", data " + selection
                + ", cache " + cacheMode + ", destroy " + destroyPolicy + "]";
    }

    /** Validating builder; {@link #build()} fails with {@link KuzzleErrorCode#INVALID_SETTINGS}. */
    public static final class Builder {
        private String planId = "kuzzle-1-to-2";
        private ElasticsearchEndpoint sourceElasticsearch;
        private ElasticsearchEndpoint targetElasticsearch;
        private RedisURI sourceRedis;
        private RedisURI targetRedis;
        private ClientOptions redisClientOptions;
        private Path kuzzlerc;
        private Path kuzzlercOutput;
        private boolean overwriteKuzzlercOutput;
        private KuzzleVersion targetVersion;
        private DataSelection selection = DataSelection.all();
        private CacheMode cacheMode = CacheMode.COPY;
        private int pageSize = 1000;
        private int writeConcurrency = 2;
        private DestroyPolicy destroyPolicy = DestroyPolicy.NOTHING;
        private TrashcanPolicy trashcanPolicy = TrashcanPolicy.DROP;
        private ClosurePolicy closurePolicy = ClosurePolicy.DENY;
        private boolean dropRemovedActions = true;
        private String v1InternalIndex = "%kuzzle";
        private String v2InternalIndexName = "kuzzle";
        private final Map<String, String> pluginRenames = new LinkedHashMap<>();
        private Integer targetShards;
        private Integer targetReplicas;
        private Path reportFile;
        private int sampleSize = 20;
        private boolean copySourceAliases;
        private Integer memoryStorageSourceDb;
        private Integer memoryStorageTargetDb;

        private Builder() {
        }

        /** The checkpoint key of the plan (default {@code kuzzle-1-to-2}). */
        public Builder planId(String planId) {
            this.planId = requireNonNull(planId, "planId");
            return this;
        }

        /** The v1 cluster (Elasticsearch 5.x), e.g. {@code http://127.0.0.1:9200}. Required. */
        public Builder sourceElasticsearch(ElasticsearchEndpoint uri) {
            this.sourceElasticsearch = requireNonNull(uri, "uri");
            return this;
        }

        /** The v2 cluster (7.x or 8.x). Leave unset for an in-place upgrade. */
        public Builder targetElasticsearch(ElasticsearchEndpoint uri) {
            this.targetElasticsearch = uri;
            return this;
        }

        /** The v1 internal cache; password, ACL user, TLS and database go in the URI. */
        public Builder sourceRedis(RedisURI uri) {
            this.sourceRedis = uri;
            return this;
        }

        /** A separate target Redis; unset = in-place. One that is the source is refused at run time (B13). */
        public Builder targetRedis(RedisURI uri) {
            this.targetRedis = uri;
            return this;
        }

        /** Lettuce client options, e.g. {@code SslOptions} with a trust store for TLS. */
        public Builder redisClientOptions(ClientOptions options) {
            this.redisClientOptions = options;
            return this;
        }

        /** The v1 {@code .kuzzlerc}; unset = no configuration step. */
        public Builder kuzzlerc(Path file) {
            this.kuzzlerc = file;
            return this;
        }

        /** Where to write the v2 configuration (default: next to the v1 file, suffix {@code .v2}). */
        public Builder kuzzlercOutput(Path file, boolean overwrite) {
            this.kuzzlercOutput = file;
            this.overwriteKuzzlercOutput = overwrite;
            return this;
        }

        /** The Kuzzle 2 release that will run on the migrated data, e.g. {@code "2.20.0"}. Required. */
        public Builder targetVersion(String version) {
            this.targetVersion = KuzzleVersion.parse(version);
            return this;
        }

        public Builder selection(DataSelection selection) {
            this.selection = requireNonNull(selection, "selection");
            return this;
        }

        public Builder cacheMode(CacheMode mode) {
            this.cacheMode = requireNonNull(mode, "mode");
            return this;
        }

        /** Documents per read page and bulk request (default 1000; the script used 50). */
        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        /**
         * Bulk requests in flight at once while the next page is read (default 2; the script sent one
         * at a time). Memory grows with it: about {@code (writeConcurrency + 1) × pageSize} documents.
         */
        public Builder writeConcurrency(int writeConcurrency) {
            this.writeConcurrency = writeConcurrency;
            return this;
        }

        public Builder destroyPolicy(DestroyPolicy policy) {
            this.destroyPolicy = requireNonNull(policy, "policy");
            return this;
        }

        public Builder trashcanPolicy(TrashcanPolicy policy) {
            this.trashcanPolicy = requireNonNull(policy, "policy");
            return this;
        }

        public Builder closurePolicy(ClosurePolicy policy) {
            this.closurePolicy = requireNonNull(policy, "policy");
            return this;
        }

        /** Remove role rights on API actions that Kuzzle 2 removed (default true; always reported). */
        public Builder dropRemovedActions(boolean drop) {
            this.dropRemovedActions = drop;
            return this;
        }

        /** The v1 internal index (default {@code %kuzzle}). */
        public Builder v1InternalIndex(String name) {
            this.v1InternalIndex = requireNonNull(name, "name");
            return this;
        }

        /** Kuzzle 2's {@code services.storageEngine.internalIndex.name} (default {@code kuzzle}). */
        public Builder v2InternalIndexName(String name) {
            this.v2InternalIndexName = requireNonNull(name, "name");
            return this;
        }

        /** A plugin whose Kuzzle 2 manifest name differs from its v1 name. */
        public Builder pluginRename(String v1Name, String v2Name) {
            pluginRenames.put(requireNonNull(v1Name, "v1Name"), requireNonNull(v2Name, "v2Name"));
            return this;
        }

        /** Shards and replicas of created indices ({@code null} = Elasticsearch default). */
        public Builder targetShape(Integer shards, Integer replicas) {
            this.targetShards = shards;
            this.targetReplicas = replicas;
            return this;
        }

        /** Where the verify step writes its JSON report (optional). */
        public Builder reportFile(Path file) {
            this.reportFile = file;
            return this;
        }

        /** Documents compared per collection by the verify step (default 20). */
        public Builder sampleSize(int size) {
            this.sampleSize = size;
            return this;
        }

        /**
         * Put each Elasticsearch alias of a v1 public index (with its filter and routing) on every
         * v2 indice made from that index (the script's "upgrade aliases?" question, default no).
         * These are not Kuzzle {@code @} aliases; Kuzzle 2.14–2.17 may reject indices with extra aliases.
         */
        public Builder copySourceAliases(boolean copy) {
            this.copySourceAliases = copy;
            return this;
        }

        /**
         * Also copy Kuzzle's memory storage ({@code services.memoryStorage.database}, default 5) to
         * a separate target Redis, keys unchanged, TTLs kept; the target is never flushed. Only
         * meaningful with {@link #targetRedis}: in-place, the memory storage needs no change.
         */
        public Builder copyMemoryStorage(int sourceDb, int targetDb) {
            this.memoryStorageSourceDb = sourceDb;
            this.memoryStorageTargetDb = targetDb;
            return this;
        }

        public KuzzleUpgradeSettings build() {
            check(sourceElasticsearch != null, "sourceElasticsearch is required: give the URL of the Kuzzle 1 cluster");
            check(targetVersion != null, "targetVersion is required: give the Kuzzle 2 release, e.g. targetVersion(\"2.20.0\")");
            check(pageSize >= 1 && pageSize <= 10_000, "pageSize must be between 1 and 10000, was " + pageSize);
            check(writeConcurrency >= 1 && writeConcurrency <= 16,
                    "writeConcurrency must be between 1 and 16, was " + writeConcurrency);
            check(sampleSize >= 0 && sampleSize <= 1000, "sampleSize must be between 0 and 1000, was " + sampleSize);
            check(targetShards == null || targetShards >= 1, "targetShape shards must be at least 1");
            check(targetReplicas == null || targetReplicas >= 0, "targetShape replicas must be 0 or more");
            check(targetElasticsearch == null || destroyPolicy == DestroyPolicy.NOTHING,
                    "destroyPolicy " + destroyPolicy + " needs an in-place upgrade: with a separate target the v1"
                            + " cluster is not touched; use DestroyPolicy.NOTHING or drop targetElasticsearch");
            check(targetRedis == null || sourceRedis != null, "targetRedis needs sourceRedis");
            check(memoryStorageSourceDb == null || targetRedis != null, "copyMemoryStorage needs a separate"
                    + " targetRedis: in-place, the memory storage keys keep their names and need no change");
            check(!v2InternalIndexName.isEmpty() && !v2InternalIndexName.contains(".")
                    && v2InternalIndexName.equals(v2InternalIndexName.toLowerCase(java.util.Locale.ROOT)),
                    "v2InternalIndexName must be a lower-case name without '.', was '" + v2InternalIndexName + "'");
            check(v1InternalIndex.startsWith("%"), "v1InternalIndex must start with '%', was '" + v1InternalIndex + "'");
            check(sameUri(sourceElasticsearch, targetElasticsearch) == false,
                    "targetElasticsearch is the source URL: for an in-place upgrade leave targetElasticsearch unset");
            return new KuzzleUpgradeSettings(this);
        }

        private static boolean sameUri(ElasticsearchEndpoint a, ElasticsearchEndpoint b) {
            return b != null && a.urls().stream().anyMatch(u -> b.urls().stream().anyMatch(
                    v -> u.normalize().toString().replaceAll("/$", "").equals(v.normalize().toString().replaceAll("/$", ""))));
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, message);
            }
        }
    }
}
