package io.upgradesdk.upgrade.kuzzle;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the Kuzzle 1.x → 2.x upgrade migrates, immutable and validated; every interactive question
 * of the original script is a setting here with a safe default. Built with {@link #builder()}:
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
 *
 * Each component is described on the {@link Builder} method that sets it. Every constructor call,
 * the builder's included, is validated here and fails with {@link KuzzleErrorCode#INVALID_SETTINGS}
 * and a message that says what to change.
 *
 * @param targetElasticsearch   the v2 cluster; empty for an in-place upgrade
 * @param sourceRedis           the v1 internal cache; empty = no cache step
 * @param targetRedis           a separate target Redis; empty = in-place (same server and database)
 * @param kuzzlercOutput        where the v2 configuration is written: {@code <kuzzlerc>.v2} unless set;
 *                              empty without {@code kuzzlerc}
 * @param memoryStorageSourceDb source database of Kuzzle's memory storage to copy to a separate target
 * @param memoryStorageTargetDb target database of the memory storage copy
 * @param pageSize              documents per page, or {@link #AUTOMATIC} (default): pages sized by bytes
 * @param writeConcurrency      bulk requests in flight, or {@link #AUTOMATIC} (default): from the target's nodes
 * @param slices                slices (partitions) per copied plugin or public collection, at most its source
 *                              shards, or {@link #AUTOMATIC} (default): from the shards, the documents and the machine
 * @param workers               partitions copied at once by this process, or {@link #AUTOMATIC} (default): from
 *                              the partitions and the machine
 */
public record KuzzleUpgradeSettings(
        String planId,
        ElasticsearchEndpoint sourceElasticsearch,
        Optional<ElasticsearchEndpoint> targetElasticsearch,
        Optional<RedisURI> sourceRedis,
        Optional<RedisURI> targetRedis,
        Optional<ClientOptions> redisClientOptions,
        Optional<Path> kuzzlerc,
        Optional<Path> kuzzlercOutput,
        boolean overwriteKuzzlercOutput,
        KuzzleVersion targetVersion,
        DataSelection selection,
        CacheMode cacheMode,
        int pageSize,
        int writeConcurrency,
        int slices,
        int workers,
        DestroyPolicy destroyPolicy,
        TrashcanPolicy trashcanPolicy,
        ClosurePolicy closurePolicy,
        boolean dropRemovedActions,
        String v1InternalIndex,
        String v2InternalIndexName,
        Map<String, String> pluginRenames,
        Optional<Integer> targetShards,
        Optional<Integer> targetReplicas,
        Optional<Path> reportFile,
        int sampleSize,
        boolean copySourceAliases,
        Optional<Integer> memoryStorageSourceDb,
        Optional<Integer> memoryStorageTargetDb) {

    /** {@link #pageSize}, {@link #writeConcurrency}, {@link #slices}, {@link #workers}: "chosen by the copy engine". */
    public static final int AUTOMATIC = 0;
    /** The most slices of one collection. */
    public static final int MAX_SLICES = 64;
    /** The most workers of one process. */
    public static final int MAX_WORKERS = 64;

    /** Validates every setting and fills the derived default ({@code kuzzlercOutput}). */
    public KuzzleUpgradeSettings {
        check(sourceElasticsearch != null, "sourceElasticsearch is required: give the URL of the Kuzzle 1 cluster");
        check(targetVersion != null,
                "targetVersion is required: give the Kuzzle 2 release, e.g. targetVersion(\"2.20.0\")");
        requireSet(planId, "planId");
        requireSet(selection, "selection");
        requireSet(cacheMode, "cacheMode");
        requireSet(destroyPolicy, "destroyPolicy");
        requireSet(trashcanPolicy, "trashcanPolicy");
        requireSet(closurePolicy, "closurePolicy");
        requireSet(v1InternalIndex, "v1InternalIndex");
        requireSet(v2InternalIndexName, "v2InternalIndexName");
        requireSet(pluginRenames, "pluginRenames");
        for (Optional<?> o : new Optional<?>[] {targetElasticsearch, sourceRedis, targetRedis, redisClientOptions,
            kuzzlerc, kuzzlercOutput, targetShards, targetReplicas, reportFile, memoryStorageSourceDb,
            memoryStorageTargetDb}) {
            check(o != null, "an optional setting is null: pass Optional.empty() for \"not set\"");
        }
        checkAutomaticOrRange("pageSize", pageSize, 10_000);
        checkAutomaticOrRange("writeConcurrency", writeConcurrency, 16);
        checkAutomaticOrRange("slices", slices, MAX_SLICES);
        checkAutomaticOrRange("workers", workers, MAX_WORKERS);
        checkRange("sampleSize", sampleSize, 0, 1000);
        check(targetShards.map(n -> n >= 1).orElse(true), "targetShape shards must be at least 1");
        check(targetReplicas.map(n -> n >= 0).orElse(true), "targetShape replicas must be 0 or more");
        check(targetElasticsearch.isEmpty() || destroyPolicy == DestroyPolicy.NOTHING,
                "destroyPolicy " + destroyPolicy + " needs an in-place upgrade: with a separate target the v1"
                        + " cluster is not touched; use DestroyPolicy.NOTHING or drop targetElasticsearch");
        check(targetRedis.isEmpty() || sourceRedis.isPresent(), "targetRedis needs sourceRedis");
        check(memoryStorageSourceDb.isEmpty() || targetRedis.isPresent(), "copyMemoryStorage needs a separate"
                + " targetRedis: in-place, the memory storage keys keep their names and need no change");
        check(memoryStorageSourceDb.isPresent() == memoryStorageTargetDb.isPresent(),
                "copyMemoryStorage needs both the source and the target database");
        check(!v2InternalIndexName.isEmpty() && !v2InternalIndexName.contains(".")
                        && v2InternalIndexName.equals(v2InternalIndexName.toLowerCase(Locale.ROOT)),
                "v2InternalIndexName must be a lower-case name without '.', was '" + v2InternalIndexName + "'");
        check(v1InternalIndex.startsWith("%"), "v1InternalIndex must start with '%', was '" + v1InternalIndex + "'");
        check(targetElasticsearch.map(t -> !sourceElasticsearch.sameClusterAs(t)).orElse(true),
                "targetElasticsearch is the source URL: for an in-place upgrade leave targetElasticsearch unset");
        check(pluginRenames.entrySet().stream().allMatch(e -> e.getKey() != null && e.getValue() != null),
                "pluginRename needs both the v1 and the v2 plugin name, was " + pluginRenames);
        pluginRenames = Map.copyOf(pluginRenames);
        kuzzlercOutput = kuzzlerc.isEmpty() ? Optional.empty()
                : kuzzlercOutput.or(() -> kuzzlerc.map(rc -> rc.resolveSibling(rc.getFileName() + ".v2")));
    }

    /** A builder with the defaults of the original script's prompts (see each method). */
    public static Builder builder() {
        return new Builder();
    }

    /** True when the v2 indices are written next to the v1 ones, on the source cluster. */
    public boolean inPlace() {
        return targetElasticsearch.isEmpty();
    }

    /** Names endpoints, never credentials. */
    @Override
    public String toString() {
        return "KuzzleUpgradeSettings[" + planId + ", es " + sourceElasticsearch.displayName() + " -> "
                + targetElasticsearch.map(ElasticsearchEndpoint::displayName).orElse("in-place")
                + ", kuzzle " + targetVersion + ", data " + selection + ", cache " + cacheMode
                + ", destroy " + destroyPolicy + "]";
    }

    private static void checkAutomaticOrRange(String name, int value, int max) {
        check(value == AUTOMATIC || value >= 1 && value <= max, name + " must be between 1 and " + max
                + " (or 0: automatic, the default), was " + value);
    }

    private static void checkRange(String name, int value, int min, int max) {
        check(value >= min && value <= max, name + " must be between " + min + " and " + max + ", was " + value);
    }

    private static void requireSet(Object value, String name) {
        check(value != null, name + " must not be null: leave it unset to keep its default");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, message);
        }
    }

    /**
     * Collects the settings; unset ones keep the script's default. {@link #build()} validates them
     * all at once (see {@link KuzzleUpgradeSettings}).
     */
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
        private int pageSize = AUTOMATIC;
        private int writeConcurrency = AUTOMATIC;
        private int slices = AUTOMATIC;
        private int workers = AUTOMATIC;
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
            this.planId = planId;
            return this;
        }

        /** The v1 cluster (Elasticsearch 5.x), e.g. {@code http://127.0.0.1:9200}. Required. */
        public Builder sourceElasticsearch(ElasticsearchEndpoint endpoint) {
            this.sourceElasticsearch = endpoint;
            return this;
        }

        /**
         * The v2 cluster (7.x, or 8.x with a {@link #targetVersion} of 2.32.0 or later: refused
         * otherwise before anything is written). Leave unset for an in-place upgrade.
         */
        public Builder targetElasticsearch(ElasticsearchEndpoint endpoint) {
            this.targetElasticsearch = endpoint;
            return this;
        }

        /** The v1 internal cache; password, ACL user, TLS and database go in the URI. Unset = no cache step. */
        public Builder sourceRedis(RedisURI uri) {
            this.sourceRedis = uri;
            return this;
        }

        /** A separate target Redis; unset = in-place. One that is the source is refused at run time. */
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

        /**
         * The Kuzzle 2 release that will run on the migrated data, e.g. {@code "2.20.0"}. Required.
         * It decides the shape of what is written and which target Elasticsearch majors are
         * accepted (8 from 2.32.0).
         */
        public Builder targetVersion(String version) {
            this.targetVersion = KuzzleVersion.parse(version);
            return this;
        }

        /** Which public indexes and collections to migrate (default {@link DataSelection#all()}). */
        public Builder selection(DataSelection selection) {
            this.selection = selection;
            return this;
        }

        /** Copy or move the token keys (default {@link CacheMode#COPY}). */
        public Builder cacheMode(CacheMode mode) {
            this.cacheMode = mode;
            return this;
        }

        /**
         * A fixed number of documents per read page and bulk request (the script used 50). Default
         * {@link KuzzleUpgradeSettings#AUTOMATIC}: pages sized by bytes, about 8 MB of bulk body each
         * (at most 10,000 documents, and never more than 16 MB of the largest sampled documents),
         * smaller while the target answers busy.
         */
        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        /**
         * A fixed number of bulk requests in flight while the next page is read (the script sent one
         * at a time). Default {@link KuzzleUpgradeSettings#AUTOMATIC}: as many as the target's data
         * nodes have processors (2 to 8), halved while it answers busy. Memory grows with it: about
         * {@code writeConcurrency + 1} pages.
         */
        public Builder writeConcurrency(int writeConcurrency) {
            this.writeConcurrency = writeConcurrency;
            return this;
        }

        /**
         * Splits the copy of each plugin and public collection into {@code n} slices (1 to
         * {@value KuzzleUpgradeSettings#MAX_SLICES}), each a partition with its own cursor that any
         * worker claims; never more than the source index's primary shards. Default
         * {@link KuzzleUpgradeSettings#AUTOMATIC}: one per shard, at most the processors (at least 2),
         * and one slice for a collection of fewer than 20,000 documents.
         */
        public Builder slices(int n) {
            this.slices = n;
            return this;
        }

        /**
         * How many partitions this process copies at once (1 to {@value KuzzleUpgradeSettings#MAX_WORKERS});
         * other processes joining the run add theirs. Default {@link KuzzleUpgradeSettings#AUTOMATIC}:
         * as many as partitions, at most twice the processors and 8.
         */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** What the FINISH step deletes after an in-place upgrade (default {@link DestroyPolicy#NOTHING}). */
        public Builder destroyPolicy(DestroyPolicy policy) {
            this.destroyPolicy = policy;
            return this;
        }

        /** What happens to v1 soft-deleted documents (default {@link TrashcanPolicy#DROP}). */
        public Builder trashcanPolicy(TrashcanPolicy policy) {
            this.trashcanPolicy = policy;
            return this;
        }

        /** What happens to permission closures in v1 roles (default {@link ClosurePolicy#DENY}). */
        public Builder closurePolicy(ClosurePolicy policy) {
            this.closurePolicy = policy;
            return this;
        }

        /** Remove role rights on API actions that Kuzzle 2 removed (default true; always reported). */
        public Builder dropRemovedActions(boolean drop) {
            this.dropRemovedActions = drop;
            return this;
        }

        /** The v1 internal index (default {@code %kuzzle}). */
        public Builder v1InternalIndex(String name) {
            this.v1InternalIndex = name;
            return this;
        }

        /** Kuzzle 2's {@code services.storageEngine.internalIndex.name} (default {@code kuzzle}). */
        public Builder v2InternalIndexName(String name) {
            this.v2InternalIndexName = name;
            return this;
        }

        /** A plugin whose Kuzzle 2 manifest name differs from its v1 name. */
        public Builder pluginRename(String v1Name, String v2Name) {
            pluginRenames.put(v1Name, v2Name);
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

        /** The validated settings; fails with {@link KuzzleErrorCode#INVALID_SETTINGS}. */
        public KuzzleUpgradeSettings build() {
            return new KuzzleUpgradeSettings(planId, sourceElasticsearch, Optional.ofNullable(targetElasticsearch),
                    Optional.ofNullable(sourceRedis), Optional.ofNullable(targetRedis),
                    Optional.ofNullable(redisClientOptions), Optional.ofNullable(kuzzlerc),
                    Optional.ofNullable(kuzzlercOutput), overwriteKuzzlercOutput, targetVersion, selection, cacheMode,
                    pageSize, writeConcurrency, slices, workers, destroyPolicy, trashcanPolicy, closurePolicy,
                    dropRemovedActions,
                    v1InternalIndex, v2InternalIndexName, pluginRenames, Optional.ofNullable(targetShards),
                    Optional.ofNullable(targetReplicas), Optional.ofNullable(reportFile), sampleSize, copySourceAliases,
                    Optional.ofNullable(memoryStorageSourceDb), Optional.ofNullable(memoryStorageTargetDb));
        }
    }
}
