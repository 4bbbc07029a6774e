package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.PartitionContext;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.DestroyPolicy;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.kuzzle.TrashcanPolicy;
import io.upgradesdk.upgrade.kuzzle.internal.CollectionMove.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bodies and dry runs of the Kuzzle plan's steps. */
public final class KuzzleSteps {

    private static final Logger LOG = LoggerFactory.getLogger(KuzzleSteps.class);
    /** Id of the v2 data-model marker in the internal config collection. */
    public static final String DATA_MODEL_ID = "internalIndex.dataModelVersion";
    /** Upper bound of the source bytes of one page (read and bulk), whatever the page size. */
    static final long MAX_PAGE_BYTES = 16L << 20;

    private final KuzzleUpgradeSettings settings;
    private final Connectors connectors;
    private final LayoutPlanner planner;
    private final PartitionedStorageCopy partitioned;

    public KuzzleSteps(KuzzleUpgradeSettings settings, Connectors connectors) {
        this(settings, connectors, Runtime.getRuntime().availableProcessors());
    }

    /** Steps that size automatic slices for a machine of {@code processors} processors. */
    KuzzleSteps(KuzzleUpgradeSettings settings, Connectors connectors, int processors) {
        this.settings = settings;
        this.connectors = connectors;
        this.planner = new LayoutPlanner(settings.v1InternalIndex(), settings.v2InternalIndexName(),
                settings.targetVersion(), settings.selection(), settings.pluginRenames());
        this.partitioned = new PartitionedStorageCopy(settings, connectors, planner, this, processors);
    }

    /** The v2 "bootstrap done" marker id ({@code <internal name>.done}). */
    public String doneMarkerId() {
        return settings.v2InternalIndexName() + ".done";
    }

    // ---------------------------------------------------------------- inventory

    /**
     * The v1 {@code .kuzzlerc}, when given, parses and holds values of the expected types: checked
     * before anything is read or written (dry run too), not only when the config step comes.
     */
    private void requireReadableKuzzlerc() {
        settings.kuzzlerc().ifPresent(KuzzlercFiles::read);
    }

    /**
     * The target cluster's Elasticsearch major is one the target Kuzzle release can use (8 needs
     * Kuzzle 2.32.0 or later): checked before anything is written, dry run too.
     */
    private void requireUsableTarget(EsPort dst) {
        String targetName = settings.targetElasticsearch().orElse(settings.sourceElasticsearch()).displayName();
        StorageEnginePairing.problem(settings.targetVersion(), dst.majorVersion(), targetName).ifPresent(problem -> {
            throw new UpgradeException(KuzzleErrorCode.INCOMPATIBLE_TARGET, problem);
        });
    }

    /** Checks everything that can be checked before writing: names, endpoints, the target's major, existing targets. */
    public void inventory(StepContext ctx) {
        requireReadableKuzzlerc();
        try (EsPort src = connectors.source(); EsPort dst = connectors.target()) {
            if (!settings.inPlace() && src.clusterIdentity().equals(dst.clusterIdentity())) {
                throw new UpgradeException(KuzzleErrorCode.SAME_ENDPOINT, "the target Elasticsearch "
                        + settings.targetElasticsearch().orElseThrow().displayName() + " is the source cluster; for an in-place"
                        + " upgrade leave targetElasticsearch unset, otherwise give the new cluster's URL");
            }
            requireUsableTarget(dst);
            Layout layout = planner.plan(src.inventory());
            if (!layout.problems().isEmpty()) {
                throw new UpgradeException(KuzzleErrorCode.UNADDRESSABLE_NAMES, "nothing was written; fix these first:\n - "
                        + String.join("\n - ", layout.problems()));
            }
            List<String> existing = List.copyOf(dst.existing(layout.targets()));
            if (!existing.isEmpty()) {
                throw new UpgradeException(KuzzleErrorCode.TARGET_EXISTS, "nothing was written: target indices already"
                        + " exist: " + existing + "; delete them (they are not from this plan's checkpoint) and run again");
            }
            layout.skipped().forEach(s -> LOG.info("Kuzzle upgrade skips {}", s));
            LOG.info("Kuzzle upgrade will write {} indices: {}", layout.targets().size(), layout.targets());
        }
        try (TokenCache cache = connectors.cache()) {
            if (cache != null) {
                LOG.info("Kuzzle upgrade: {} v1 token keys found", cache.countV1());
            }
        }
    }

    public List<PlannedAction> inventoryDryRun(StepContext ctx) {
        requireReadableKuzzlerc();
        List<PlannedAction> out = new ArrayList<>();
        try (EsPort src = connectors.source(); EsPort dst = connectors.target()) {
            requireUsableTarget(dst);
            Layout layout = planner.plan(src.inventory());
            layout.problems().forEach(p -> out.add(PlannedAction.of("refuse", p)));
            layout.skipped().forEach(s -> out.add(PlannedAction.of("skip", s)));
            for (String t : dst.existing(layout.targets())) {
                out.add(PlannedAction.of("refuse", t + " already exists on the target"));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- config

    public void config(StepContext ctx) {
        if (settings.kuzzlerc().isEmpty()) {
            return;
        }
        KuzzlercConverter.Result r = KuzzlercFiles.read(settings.kuzzlerc().get(), targetMajor());
        Path out = settings.kuzzlercOutput().orElseThrow();
        boolean written = KuzzlercFiles.write(r, out, settings.overwriteKuzzlercOutput());
        r.changes().forEach(c -> LOG.info("Kuzzle configuration: {}", c));
        r.notes().forEach(n -> LOG.warn("Kuzzle configuration: {}", n));
        LOG.info("Kuzzle 2 configuration {} {}", out, written ? "written" : "already up to date");
    }

    public List<PlannedAction> configDryRun(StepContext ctx) {
        if (settings.kuzzlerc().isEmpty()) {
            return List.of(PlannedAction.of("skip", "no .kuzzlerc given"));
        }
        KuzzlercConverter.Result r = KuzzlercFiles.read(settings.kuzzlerc().get(), targetMajor());
        List<PlannedAction> out = new ArrayList<>();
        r.changes().forEach(c -> out.add(PlannedAction.of("config-change", c)));
        r.notes().forEach(n -> out.add(PlannedAction.of("config-note", n)));
        out.add(PlannedAction.of("write-config", settings.kuzzlercOutput().orElseThrow().toString()));
        return out;
    }

    /** The Elasticsearch major of the cluster Kuzzle 2 will run on, which the converted file must name. */
    private int targetMajor() {
        try (EsPort dst = connectors.target()) {
            return dst.majorVersion();
        }
    }

    // ---------------------------------------------------------------- storages

    /**
     * The partitions of a plugin or public storage copy (collection × slice), computed when its
     * partitioned step first starts, after every target index is created.
     */
    public List<String> storagePartitions(Kind kind, StepContext ctx) {
        return partitioned.partitionIds(kind, ctx);
    }

    /** Copies one partition (one slice of one collection) of a plugin or public storage, from its cursor. */
    public void copyStoragePartition(Kind kind, PartitionContext part) {
        partitioned.copy(kind, part);
    }

    /** After the partitioned copies: periodic refresh restored on bulk-loaded targets, every target refreshed. */
    public void settleStorages(StepContext ctx) {
        partitioned.settle(ctx);
    }

    public List<PlannedAction> settleStoragesDryRun(StepContext ctx) {
        return partitioned.settleDryRun(ctx);
    }

    /** Copies every collection of one storage kind in one run, resumable per collection. */
    public void storage(Kind kind, StepContext ctx) {
        try (EsPort src = connectors.source(); EsPort dst = connectors.target()) {
            Layout layout = planner.plan(src.inventory());
            refuseWithoutInternalSource(layout, kind);
            String targetType = dst.majorVersion() == 5 ? "default" : null;
            CopyState state = ctx.cursor(CopyState.class).orElse(CopyState.START);
            List<CollectionMove> moves = layout.moves(kind);
            Known known = Known.of(src, dst, moves);
            if (kind != Kind.PUBLIC) {
                state = createTargetsAhead(src, dst, moves, targetType, state, ctx, known);
            }
            for (int i = 0; i < moves.size(); i++) {
                CollectionMove move = moves.get(i);
                if (state.finished(move.target())) {
                    continue;
                }
                state = prepareTarget(src, dst, move, targetType, state, ctx, known);
                state = copyCollection(src, dst, move, targetType, state, ctx, "(" + (i + 1) + "/" + moves.size() + ")",
                        known.sourceCount(move));
            }
            List<String> written = new ArrayList<>(moves.stream().map(CollectionMove::target).toList());
            if (kind == Kind.INTERNAL && moves.stream().noneMatch(m -> m.sourceType().equals("config"))) {
                written.add(writeConfigWithoutSource(dst, targetType, ctx));
            }
            dst.refresh(written);
        }
    }

    /** The source documents of each collection (trash included), by target index, asked in one request. */
    static Map<String, Long> sourceCountsByTarget(EsPort src, List<CollectionMove> moves) {
        List<Long> counts = src.counts(moves.stream()
                .map(m -> new EsPort.CountQuery(m.sourceIndex(), m.sourceType(), false)).toList());
        Map<String, Long> byTarget = new HashMap<>();
        for (int k = 0; k < moves.size(); k++) {
            byTarget.put(moves.get(k).target(), counts.get(k));
        }
        return byTarget;
    }

    /**
     * What one storage step learns of both clusters up front, in one request each, instead of per
     * collection: which targets exist already (kept up to date as the step creates them), and the
     * source documents of every collection.
     */
    private record Known(Set<String> existing, Map<String, Long> sourceCounts) {

        static Known of(EsPort src, EsPort dst, List<CollectionMove> moves) {
            Set<String> existing = new HashSet<>(
                    dst.existing(moves.stream().map(CollectionMove::target).toList()));
            return new Known(existing, sourceCountsByTarget(src, moves));
        }

        long sourceCount(CollectionMove move) {
            return sourceCounts.get(move.target());
        }
    }

    /** Defect B10: never touch a target when the source is gone. */
    private void refuseWithoutInternalSource(Layout layout, Kind kind) {
        if (!layout.internalPresent() && kind == Kind.INTERNAL) {
            throw new UpgradeException(KuzzleErrorCode.SOURCE_MISSING, "the v1 internal index "
                    + settings.v1InternalIndex() + " is missing on the source; nothing was changed on the target."
                    + " If the v1 structure was destroyed after a finished upgrade, there is nothing left to do");
        }
    }

    /**
     * Internal and plugin storages: creates the target indices of every collection not started yet
     * at once (each with its alias) when there are several: index creation is a cluster state update
     * and a wait for shards each, which dominate the time of these small collections (public ones are
     * created one by one, when their copy starts). They are recorded in the cursor first, so a
     * resumed run knows them as this plan's own. Refuses, before creating any, a target that exists
     * and is not this plan's.
     */
    private CopyState createTargetsAhead(EsPort src, EsPort dst, List<CollectionMove> moves, String targetType,
            CopyState state, StepContext ctx, Known known) {
        List<CollectionMove> fresh = moves.stream().filter(m -> !state.finished(m.target()) && !state.inProgress(m.target())
                && !state.createdAhead(m.target())).toList();
        if (fresh.size() < 2) {
            return state;
        }
        for (CollectionMove move : fresh) {
            if (known.existing().contains(move.target())) {
                throw new UpgradeException(KuzzleErrorCode.TARGET_EXISTS, move.target() + " exists on the target"
                        + " but was not created by this plan; delete it and run again");
            }
        }
        List<EsPort.NewIndex> indices = new ArrayList<>();
        for (CollectionMove move : fresh) {
            indices.add(new EsPort.NewIndex(move.target(),
                    targetIndexBody(src, move, targetType, known.sourceCount(move)), move.alias()));
        }
        CopyState next = state.creatingAhead(fresh.stream().map(CollectionMove::target).toList());
        ctx.saveCursor(next);
        dst.createIndices(indices);
        fresh.forEach(m -> known.existing().add(m.target()));
        return next;
    }

    /**
     * Makes the target index of a collection ready: refuses one this plan did not create, records
     * the collection as in progress, creates the index (unless a resumed run already did) and its
     * aliases.
     */
    private CopyState prepareTarget(EsPort src, EsPort dst, CollectionMove move, String targetType, CopyState state,
            StepContext ctx, Known known) {
        CopyState next = state;
        boolean createdAhead = state.createdAhead(move.target());
        if (!state.inProgress(move.target())) {
            if (!createdAhead && known.existing().contains(move.target())) {
                throw new UpgradeException(KuzzleErrorCode.TARGET_EXISTS, move.target() + " exists on the target"
                        + " but was not created by this plan; delete it and run again");
            }
            next = state.begin(move.target());
            ctx.saveCursor(next);
        }
        if (!known.existing().contains(move.target())) {
            createTargetIndex(src, dst, move, targetType, known.sourceCount(move));
            known.existing().add(move.target());
        } else if (move.alias() != null && !createdAhead) {
            dst.putAlias(move.target(), move.alias());
        }
        if (move.kind() == Kind.PUBLIC && settings.copySourceAliases()) {
            src.aliases(move.sourceIndex()).forEach((alias, definition) -> dst.putAlias(move.target(), alias, definition));
        }
        if (move.renamed()) {
            LOG.warn("Kuzzle upgrade: collection {} renamed to {}", move.source(), move.target());
        }
        return next;
    }

    /**
     * Creates the v2 index of a collection with its alias in the same request; a public or large
     * collection without periodic refresh while bulk loading (restored after the copy), a small
     * internal or plugin one as it is (one cluster state update less; the refresh at the end makes it
     * searchable anyway).
     */
    private void createTargetIndex(EsPort src, EsPort dst, CollectionMove move, String targetType,
            long sourceDocuments) {
        ObjectNode body = targetIndexBody(src, move, targetType, sourceDocuments);
        if (move.alias() != null) {
            dst.createIndex(move.target(), body, move.alias());
        } else {
            dst.createIndex(move.target(), body);
        }
    }

    /** The creation body of a collection's v2 index (settings and transformed mapping); logs the mapping findings. */
    ObjectNode targetIndexBody(EsPort src, CollectionMove move, String targetType, long sourceDocuments) {
        List<String> findings = new ArrayList<>();
        ObjectNode indexSettings = settingsFor(src, move);
        if (bulkLoaded(move, sourceDocuments)) {
            ObjectNode idx = indexSettings.get("index") instanceof ObjectNode i ? i : indexSettings.putObject("index");
            idx.put("refresh_interval", "-1");
            if (replicasAddedAfterBulkLoad().isPresent()) {
                indexSettings.remove("number_of_replicas");
                idx.put("number_of_replicas", 0);
            }
        }
        ObjectNode body = MappingTransforms.createBody(indexSettings, mappingFor(src, move, findings), targetType != null);
        findings.forEach(f -> LOG.info("Kuzzle upgrade mapping: {}", f));
        return body;
    }

    /** Internal and plugin collections above this many source documents are loaded with periodic refresh off. */
    static final long BULK_LOAD_DOCUMENTS = 10_000;

    /** Whether a collection is copied with periodic refresh off: public ones, and large others. */
    static boolean bulkLoaded(CollectionMove move, long sourceDocuments) {
        return move.kind() == Kind.PUBLIC || sourceDocuments > BULK_LOAD_DOCUMENTS;
    }

    /**
     * Copies the documents of one collection ({@code total} in the source) from where {@code state}
     * says, saving the cursor after every written page; then restores refresh, writes the bootstrap
     * markers into the v2 config collection, and records the collection as finished. The step
     * refreshes every target at its end, in one request.
     */
    private CopyState copyCollection(EsPort src, EsPort dst, CollectionMove move, String targetType, CopyState state,
            StepContext ctx, String position, long total) {
        String label = move.source() + " -> " + move.target();
        List<String> findings = new ArrayList<>();
        EsPort.CopyResult result = src.copy(move.sourceIndex(), move.sourceType(), dst, move.target(), targetType,
                pageSize(src, move), state.copyCursor(), transformFor(move, findings),
                cursor -> ctx.saveCursor(state.advance(cursor)), n -> ctx.progress(n, total, label + " " + position));
        findings.forEach(f -> LOG.warn("Kuzzle upgrade: {}", f));
        if (bulkLoaded(move, total)) {
            dst.putSettings(move.target(), afterBulkLoad());
        }
        if (move.kind() == Kind.INTERNAL && move.sourceType().equals("config")) {
            writeBootstrapMarkers(dst, move.target(), targetType, ctx);
        }
        LOG.info("Kuzzle upgrade migrated {}: {} documents written, {} dropped", label, result.written(), result.dropped());
        CopyState finished = state.finish();
        ctx.saveCursor(finished);
        return finished;
    }

    /** A v1 stack without a config collection still gets a v2 one holding the bootstrap markers; returns its name. */
    private String writeConfigWithoutSource(EsPort dst, String targetType, StepContext ctx) {
        String config = KuzzleNames.internalTarget(settings.v2InternalIndexName(), "config");
        if (!dst.exists(config)) {
            InternalCollections.Spec spec = InternalCollections.of("config", settings.targetVersion());
            dst.createIndex(config, MappingTransforms.createBody(shaped(spec.settings()), spec.mappings(),
                    targetType != null));
            if (settings.targetVersion().usesAliases()) {
                dst.putAlias(config, KuzzleNames.alias(config));
            }
        }
        writeBootstrapMarkers(dst, config, targetType, ctx);
        return config;
    }

    /**
     * Documents per page: the configured page size, lowered so that a page of the largest sampled
     * documents stays under {@link #MAX_PAGE_BYTES} (bounded memory with large documents, issue #1982);
     * {@link KuzzleUpgradeSettings#AUTOMATIC} by default, where the copy engine sizes pages by bytes
     * under the same bound.
     */
    int pageSize(EsPort src, CollectionMove move) {
        if (settings.pageSize() == KuzzleUpgradeSettings.AUTOMATIC) {
            return KuzzleUpgradeSettings.AUTOMATIC;
        }
        long largest = 1;
        for (Doc d : src.sample(move.sourceIndex(), move.sourceType(), 50)) {
            largest = Math.max(largest, Json.write(d.source()).length());
        }
        long fit = Math.max(1, MAX_PAGE_BYTES / largest);
        return (int) Math.min(settings.pageSize(), fit);
    }

    /**
     * Writes the v2 data-model and bootstrap-done markers that the config target lacks (a resumed
     * run keeps those already written): one lookup for both, one write for the missing ones.
     */
    private void writeBootstrapMarkers(EsPort dst, String configIndex, String type, StepContext ctx) {
        Map<String, ObjectNode> present = dst.getAll(configIndex, type, List.of(DATA_MODEL_ID, doneMarkerId()));
        List<Doc> missing = new ArrayList<>();
        if (!present.containsKey(DATA_MODEL_ID)) {
            missing.add(new Doc(DATA_MODEL_ID, Json.object().put("version", "2.0.0")));
        }
        if (!present.containsKey(doneMarkerId())) {
            missing.add(new Doc(doneMarkerId(), Json.object().put("timestamp", ctx.clock().millis())));
        }
        dst.putAll(configIndex, type, missing);
    }

    public List<PlannedAction> storageDryRun(Kind kind, StepContext ctx) {
        List<PlannedAction> out = new ArrayList<>();
        try (EsPort src = connectors.source()) {
            Layout layout = planner.plan(src.inventory());
            for (CollectionMove move : layout.moves(kind)) {
                Map<String, String> details = new LinkedHashMap<>();
                long total = src.count(move.sourceIndex(), move.sourceType(), false);
                details.put("documents", Long.toString(total));
                if (kind == Kind.PUBLIC) {
                    long live = src.count(move.sourceIndex(), move.sourceType(), true);
                    details.put("trashcan", Long.toString(total - live)
                            + (settings.trashcanPolicy() == TrashcanPolicy.DROP ? " (dropped)" : " (copied as live)"));
                }
                if (move.alias() != null) {
                    details.put("alias", move.alias());
                }
                if (move.renamed()) {
                    details.put("renamed", "true");
                }
                if (kind != Kind.INTERNAL) {
                    details.put("slices", partitioned.describeSlices(src, move, total));
                }
                out.add(PlannedAction.of("copy", move.source() + " -> " + move.target(), details));
                if (kind == Kind.PUBLIC && settings.copySourceAliases()) {
                    src.aliases(move.sourceIndex()).keySet().forEach(a ->
                            out.add(PlannedAction.of("alias", a + " -> " + move.target())));
                }
            }
            if (kind == Kind.INTERNAL) {
                String config = KuzzleNames.internalTarget(settings.v2InternalIndexName(), "config");
                out.add(PlannedAction.of("write-marker", config + "/" + DATA_MODEL_ID));
                out.add(PlannedAction.of("write-marker", config + "/" + doneMarkerId()));
                if (copiesRoles(layout)) {
                    roleChanges(src).forEach(f -> out.add(PlannedAction.of("role-change", f)));
                }
            }
        }
        return out;
    }

    private ObjectNode settingsFor(EsPort src, CollectionMove move) {
        if (move.kind() == Kind.INTERNAL) {
            return shaped(move.sourceType().equals("users") ? Json.object()
                    : InternalCollections.of(move.sourceType(), settings.targetVersion()).settings());
        }
        return MappingTransforms.settings(src.indexSettings(move.sourceIndex()),
                settings.targetShards().orElse(null), settings.targetReplicas().orElse(null));
    }

    /**
     * The replicas a bulk-loaded target gets once its copy is done, when the settings ask for some
     * ({@code targetShape(n, replicas > 0)}): it is loaded without them, each document indexed once
     * instead of once per copy, and the replicas are then recovered from the primary's files.
     * Empty when the settings leave replicas to the cluster (an index template may choose them:
     * the plan cannot restore a value it does not know, so it does not change it).
     */
    private Optional<Integer> replicasAddedAfterBulkLoad() {
        return settings.targetReplicas().filter(n -> n > 0);
    }

    /**
     * The settings update that ends a bulk load, in one request (one cluster state update):
     * periodic refresh back to the cluster's default, and the replicas asked for, if any.
     */
    ObjectNode afterBulkLoad() {
        ObjectNode body = Json.object();
        ObjectNode index = body.putObject("index");
        index.putNull("refresh_interval");
        replicasAddedAfterBulkLoad().ifPresent(n -> index.put("number_of_replicas", n));
        return body;
    }

    private ObjectNode shaped(ObjectNode base) {
        ObjectNode s = base.deepCopy();
        settings.targetShards().ifPresent(n -> s.put("number_of_shards", n));
        settings.targetReplicas().ifPresent(n -> s.put("number_of_replicas", n));
        return s;
    }

    private ObjectNode mappingFor(EsPort src, CollectionMove move, List<String> findings) {
        Optional<JsonNode> v1 = src.typeMapping(move.sourceIndex(), move.sourceType());
        if (move.kind() == Kind.INTERNAL) {
            return move.sourceType().equals("users")
                    ? InternalCollections.usersMapping(v1.orElse(null), settings.targetVersion(), findings)
                    : InternalCollections.of(move.sourceType(), settings.targetVersion()).mappings();
        }
        return MappingTransforms.mapping(move.source(), v1.orElse(null), findings);
    }

    /** The document transformation of a collection (null result = not copied). */
    public Function<Doc, Doc> transformFor(CollectionMove move, List<String> findings) {
        if (move.kind() == Kind.PUBLIC) {
            TrashcanPolicy trashcan = settings.trashcanPolicy();
            return d -> DocumentTransforms.data(d.source(), trashcan) == null ? null : d; // source changed in place
        }
        if (move.kind() == Kind.PLUGIN) {
            return d -> new Doc(d.id(), DocumentTransforms.stripKuzzleInfo(d.source()));
        }
        return switch (move.sourceType()) {
            case "profiles" -> d -> new Doc(d.id(), DocumentTransforms.profile(d.source()));
            case "roles" -> d -> new Doc(d.id(), DocumentTransforms.role(d.id(), d.source(), settings.closurePolicy(),
                    settings.dropRemovedActions(), findings));
            case "validations" -> d -> new Doc(DocumentTransforms.validationId(d.id(), d.source()), d.source());
            default -> d -> new Doc(d.id(), DocumentTransforms.stripKuzzleInfo(d.source()));
        };
    }

    // ---------------------------------------------------------------- cache

    public void cache(StepContext ctx) {
        try (TokenCache cache = connectors.cache()) {
            if (cache == null) {
                return;
            }
            TokenCache.Counts counts = cache.migrate(settings.cacheMode(), ctx.cursor().orElse("0"), 500, c -> {
                ctx.saveCursor(c);
            });
            LOG.info("Kuzzle upgrade cache: {} token keys scanned, {} copied, {} expired meanwhile, {} v1 keys deleted",
                    counts.scanned(), counts.copied(), counts.vanished(), counts.deleted());
            if (settings.memoryStorageSourceDb().isPresent()) {
                long n = cache.copyDatabase(settings.memoryStorageSourceDb().get(),
                        settings.memoryStorageTargetDb().orElseThrow(), 500);
                LOG.info("Kuzzle upgrade cache: {} memory storage keys copied", n);
            }
        }
    }

    public List<PlannedAction> cacheDryRun(StepContext ctx) {
        try (TokenCache cache = connectors.cache()) {
            if (cache == null) {
                return List.of(PlannedAction.of("skip", "no Redis given: token keys are not migrated"));
            }
            return List.of(PlannedAction.of(settings.cacheMode().name().toLowerCase() + "-tokens",
                    TokenCache.V1_PREFIX + "* -> " + TokenCache.V2_PREFIX + "*", Map.of(
                            "v1Tokens", Long.toString(cache.countV1()),
                            "v2TokensAlready", Long.toString(cache.countV2()),
                            "target", cache.isInPlace() ? "in-place" : "separate",
                            "memoryStorage", settings.memoryStorageSourceDb().map(db -> "copy db " + db + " -> db "
                                    + settings.memoryStorageTargetDb().orElseThrow()).orElse("not copied"))));
        }
    }

    // ---------------------------------------------------------------- verify

    /** Counts and samples every collection, counts tokens; writes the JSON report; fails on a difference. */
    public ObjectNode verify(StepContext ctx) {
        ObjectNode report = Json.object();
        report.put("plan", settings.planId());
        report.put("targetKuzzle", settings.targetVersion().toString());
        report.put("mode", settings.inPlace() ? "in-place" : "separate target");
        ArrayNode collections = report.putArray("collections");
        List<String> failures = new ArrayList<>();
        try (EsPort src = connectors.source(); EsPort dst = connectors.target()) {
            Layout layout = planner.plan(src.inventory());
            List<CollectionMove> moves = layout.moves();
            dst.refresh(moves.stream().map(CollectionMove::target).toList());
            List<Long> sourceCounts = src.counts(moves.stream().map(m -> new EsPort.CountQuery(m.sourceIndex(),
                    m.sourceType(), m.kind() == Kind.PUBLIC && settings.trashcanPolicy() == TrashcanPolicy.DROP)).toList());
            List<Long> targetCounts = dst.counts(moves.stream()
                    .map(m -> new EsPort.CountQuery(m.target(), null, false)).toList());
            List<SampleCheck> samples = checkSamples(src, dst, moves);
            for (int k = 0; k < moves.size(); k++) {
                verifyCollection(src, moves.get(k), sourceCounts.get(k), targetCounts.get(k), samples.get(k),
                        collections.addObject(), failures);
            }
            ArrayNode skipped = report.putArray("skipped");
            layout.skipped().forEach(skipped::add);
            if (copiesRoles(layout)) {
                ArrayNode roles = report.putArray("roleChanges");
                roleChanges(src).forEach(roles::add);
            }
        }
        settings.kuzzlerc().ifPresent(rc -> reportConfig(rc, report.putObject("config")));
        verifyTokens(report, failures);
        report.put("ok", failures.isEmpty());
        settings.reportFile().ifPresent(f -> writeReport(f, report));
        if (!failures.isEmpty()) {
            throw new UpgradeException(KuzzleErrorCode.VERIFICATION_FAILED, "verification found differences: "
                    + String.join("; ", failures) + "; see the report"
                    + settings.reportFile().map(p -> " " + p).orElse("") + ", fix the cause and run the plan again");
        }
        LOG.info("Kuzzle upgrade verified {} collections", collections.size());
        return report;
    }

    /**
     * Compares one collection's count on the target ({@code actual}) with the source's
     * ({@code sourceCount}: without trash when dropped) and a sample of its documents; reports into {@code c}.
     */
    private void verifyCollection(EsPort src, CollectionMove move, long sourceCount, long actual, SampleCheck sample,
            ObjectNode c, List<String> failures) {
        long expected = expectedCount(src, move, sourceCount);
        List<String> mismatches = sample.mismatches();
        c.put("source", move.source());
        c.put("target", move.target());
        c.put("expected", expected);
        c.put("actual", actual);
        c.put("sampled", sample.sampled());
        ArrayNode mm = c.putArray("sampleMismatches");
        mismatches.forEach(mm::add);
        boolean ok = expected == actual && mismatches.isEmpty();
        c.put("ok", ok);
        if (!ok) {
            failures.add(move.target() + " (expected " + expected + ", found " + actual + ", "
                    + mismatches.size() + " sample mismatches)");
        }
    }

    /** The documents a collection should have on the target: the source's (without trash when dropped), plus missing markers. */
    private long expectedCount(EsPort src, CollectionMove move, long sourceCount) {
        long expected = sourceCount;
        if (move.target().equals(KuzzleNames.internalTarget(settings.v2InternalIndexName(), "config"))) {
            for (String marker : List.of(DATA_MODEL_ID, doneMarkerId())) {
                if (src.get(move.sourceIndex(), move.sourceType(), marker).isEmpty()) {
                    expected++;
                }
            }
        }
        return expected;
    }

    /** Source documents compared with the target, and the ids of those whose transformed form differs there. */
    private record SampleCheck(int sampled, List<String> mismatches) {
    }

    /**
     * Samples every collection: the first documents of each source collection (one request for
     * all), transformed as the copy does, compared with the target's documents of the same ids (one
     * request for all).
     */
    private List<SampleCheck> checkSamples(EsPort src, EsPort dst, List<CollectionMove> moves) {
        String type = dst.majorVersion() == 5 ? "default" : null;
        List<List<Doc>> samples = src.samples(moves.stream()
                .map(m -> new EsPort.SampleQuery(m.sourceIndex(), m.sourceType(), settings.sampleSize())).toList());
        List<Map<String, Doc>> wanted = new ArrayList<>();
        List<EsPort.DocIds> lookups = new ArrayList<>();
        for (int k = 0; k < moves.size(); k++) {
            Function<Doc, Doc> transform = transformFor(moves.get(k), new ArrayList<>());
            Map<String, Doc> want = new LinkedHashMap<>();
            for (Doc d : samples.get(k)) {
                want.put(d.id(), transform.apply(new Doc(d.id(), d.source().deepCopy())));
            }
            wanted.add(want);
            lookups.add(new EsPort.DocIds(moves.get(k).target(), type, want.entrySet().stream()
                    .map(e -> e.getValue() == null ? e.getKey() : e.getValue().id()).distinct().toList()));
        }
        List<Map<String, ObjectNode>> found = dst.getAll(lookups);
        List<SampleCheck> out = new ArrayList<>();
        for (int k = 0; k < moves.size(); k++) {
            out.add(compare(wanted.get(k), found.get(k)));
        }
        return out;
    }

    /** The sampled source ids whose transformed document differs on the target (null transform: must be absent). */
    private static SampleCheck compare(Map<String, Doc> wanted, Map<String, ObjectNode> found) {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Doc> e : wanted.entrySet()) {
            Doc want = e.getValue();
            ObjectNode got = found.get(want == null ? e.getKey() : want.id());
            boolean ok = want == null ? got == null : got != null && got.equals(want.source());
            if (!ok) {
                mismatches.add(e.getKey());
            }
        }
        return new SampleCheck(wanted.size(), mismatches);
    }

    private static boolean copiesRoles(Layout layout) {
        return layout.moves(Kind.INTERNAL).stream().anyMatch(m -> m.sourceType().equals("roles"));
    }

    /** What the role transformation changes or drops, for the dry run and the report. */
    private List<String> roleChanges(EsPort src) {
        List<String> findings = new ArrayList<>();
        for (Doc role : src.sample(settings.v1InternalIndex(), "roles", 1000)) {
            DocumentTransforms.role(role.id(), role.source(), settings.closurePolicy(), settings.dropRemovedActions(),
                    findings);
        }
        return findings;
    }

    private void reportConfig(Path kuzzlerc, ObjectNode config) {
        KuzzlercConverter.Result r = KuzzlercFiles.read(kuzzlerc);
        config.put("v1", kuzzlerc.toString());
        config.put("v2", settings.kuzzlercOutput().orElseThrow().toString());
        ArrayNode changes = config.putArray("changes");
        r.changes().forEach(changes::add);
        ArrayNode notes = config.putArray("notes");
        r.notes().forEach(notes::add);
    }

    /** Counts v1 and v2 token keys and their TTLs into the report; in copy mode, fewer v2 than v1 keys is a failure. */
    private void verifyTokens(ObjectNode report, List<String> failures) {
        try (TokenCache cache = connectors.cache()) {
            if (cache == null) {
                return;
            }
            ObjectNode tokens = report.putObject("tokens");
            long v1 = cache.countV1();
            long v2 = cache.countV2();
            List<Long> ttls = cache.v2Ttls(10_000);
            tokens.put("v1Remaining", v1);
            tokens.put("v2", v2);
            tokens.put("v2Persistent", ttls.stream().filter(t -> t == -1).count());
            tokens.put("v2MinTtlMs", ttls.stream().filter(t -> t >= 0).mapToLong(Long::longValue).min().orElse(-1));
            tokens.put("v2MaxTtlMs", ttls.stream().filter(t -> t >= 0).mapToLong(Long::longValue).max().orElse(-1));
            if (settings.cacheMode() == io.upgradesdk.upgrade.kuzzle.CacheMode.COPY && v2 < v1) {
                failures.add("tokens: " + v1 + " v1 token keys but only " + v2 + " v2 ones");
            }
        }
    }

    private static void writeReport(Path file, ObjectNode report) {
        try {
            Files.writeString(file, Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UpgradeException(KuzzleErrorCode.VERIFICATION_FAILED, "cannot write the report " + file + " ("
                    + e.getClass().getSimpleName() + "); check the directory", e);
        }
    }

    // ---------------------------------------------------------------- destroy

    /** The v1 indices the destroy step would delete (in-place only; never an index this plan writes). */
    public List<String> destroyCandidates(EsPort src) {
        if (!settings.inPlace() || settings.destroyPolicy() == DestroyPolicy.NOTHING) {
            return List.of();
        }
        Layout layout = planner.plan(src.inventory());
        List<String> out = new ArrayList<>();
        out.add(settings.v1InternalIndex());
        if (settings.destroyPolicy() != DestroyPolicy.INTERNAL) {
            out.addAll(layout.pluginIndices());
        }
        if (settings.destroyPolicy() == DestroyPolicy.EVERYTHING) {
            out.addAll(layout.removablePublic());
        }
        out.removeAll(layout.targets());
        return out.stream().filter(src::exists).toList();
    }

    public void destroy(StepContext ctx) {
        try (EsPort src = connectors.source()) {
            List<String> doomed = destroyCandidates(src);
            if (doomed.isEmpty()) {
                LOG.info("Kuzzle upgrade: previous structure left intact (destroy policy {}, {})",
                        settings.destroyPolicy(), settings.inPlace() ? "in-place" : "separate target");
                return;
            }
            src.deleteIndices(doomed);
            LOG.info("Kuzzle upgrade: previous structure destroyed: {}", doomed);
        }
    }

    public List<PlannedAction> destroyDryRun(StepContext ctx) {
        try (EsPort src = connectors.source()) {
            List<String> doomed = destroyCandidates(src);
            if (doomed.isEmpty()) {
                return List.of(PlannedAction.of("keep", "v1 structure (destroy policy " + settings.destroyPolicy()
                        + (settings.inPlace() ? "" : ", separate target") + ")"));
            }
            return doomed.stream().map(i -> PlannedAction.of("delete-index", i,
                    Map.of("requiresConfirmation", "true", "policy", settings.destroyPolicy().name()))).toList();
        }
    }
}
