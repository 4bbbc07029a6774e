package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.PartitionContext;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.kuzzle.internal.CollectionMove.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin and public storage copies as partitioned steps: when the step first starts, the
 * target index of every collection is created (recorded first in the step's cursor, so a resumed
 * start knows them as its own) and each collection is split into slices of its source shards, one
 * partition each ({@link CopyPartition}); any worker, in this process or one that joined the run,
 * then copies a slice from its own cursor. Periodic refresh is restored afterwards by
 * {@link #settle}, once every partition is done.
 */
final class PartitionedStorageCopy {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionedStorageCopy.class);
    /** With automatic slices, a collection gets one slice per this many source documents (at least one). */
    static final long DOCUMENTS_PER_AUTOMATIC_SLICE = 10_000;

    private final KuzzleUpgradeSettings settings;
    private final Connectors connectors;
    private final LayoutPlanner planner;
    private final KuzzleSteps steps;
    private final int processors;
    /** The moves of each kind by collection key, learnt once per process (the source layout does not change mid-run). */
    private final Map<Kind, Map<String, CollectionMove>> movesByKey = new ConcurrentHashMap<>();

    PartitionedStorageCopy(KuzzleUpgradeSettings settings, Connectors connectors, LayoutPlanner planner,
            KuzzleSteps steps, int processors) {
        this.settings = settings;
        this.connectors = connectors;
        this.planner = planner;
        this.steps = steps;
        this.processors = Math.max(1, processors);
    }

    /**
     * How many slices a collection of {@code documents} in an index of {@code shards} primary
     * shards is copied in: the configured number, or automatically one per shard up to the
     * processors (at least 2), and one per {@value #DOCUMENTS_PER_AUTOMATIC_SLICE} documents; never
     * more than the shards, never fewer than one.
     */
    int sliceCount(int shards, long documents) {
        int wanted = settings.slices() != KuzzleUpgradeSettings.AUTOMATIC ? settings.slices()
                : (int) Math.min(Math.max(2, processors), Math.max(1, documents / DOCUMENTS_PER_AUTOMATIC_SLICE));
        return Math.max(1, Math.min(wanted, shards));
    }

    /** The partitions of one storage kind, after creating every target index not created yet. */
    List<String> partitionIds(Kind kind, StepContext ctx) {
        try (EsPort src = connectors.source(); EsPort dst = connectors.target()) {
            List<CollectionMove> moves = planner.plan(src.inventory()).moves(kind);
            String targetType = dst.majorVersion() == 5 ? "default" : null;
            Map<String, Long> counts = KuzzleSteps.sourceCountsByTarget(src, moves);
            createTargets(src, dst, moves, counts, targetType, ctx);
            List<String> ids = new ArrayList<>();
            Map<String, CollectionMove> byKey = new LinkedHashMap<>();
            for (CollectionMove move : moves) {
                String key = CopyPartition.keyOf(move.target());
                byKey.put(key, move);
                int slices = sliceCount(src.primaryShards(move.sourceIndex()), counts.get(move.target()));
                for (int k = 0; k < slices; k++) {
                    ids.add(new CopyPartition(key, k, slices).id());
                }
            }
            movesByKey.put(kind, byKey);
            if (ids.isEmpty()) {
                ids.add(NOTHING_TO_COPY);
            }
            LOG.info("Kuzzle upgrade: {} {} collections in {} partitions", moves.size(),
                    kind.name().toLowerCase(), moves.isEmpty() ? 0 : ids.size());
            return ids;
        }
    }

    /** The partition of a storage step without any collection (a partitioned step has at least one). */
    static final String NOTHING_TO_COPY = "nothing-to-copy";

    /**
     * Creates the target index of every collection not created yet, with its alias, at once: refuses
     * first, before creating any, a target that exists and was not recorded as this plan's; then
     * puts the source aliases on public targets when asked. {@code counts}: the source documents of
     * each move, by target. Which targets exist is asked once, for all.
     */
    private void createTargets(EsPort src, EsPort dst, List<CollectionMove> moves, Map<String, Long> counts,
            String targetType, StepContext ctx) {
        CopyState state = ctx.cursor(CopyState.class).orElse(CopyState.START);
        java.util.Set<String> existing = dst.existing(moves.stream().map(CollectionMove::target).toList());
        for (CollectionMove move : moves) {
            if (!state.createdAhead(move.target()) && existing.contains(move.target())) {
                throw new UpgradeException(KuzzleErrorCode.TARGET_EXISTS, move.target() + " exists on the target"
                        + " but was not created by this plan; delete it and run again");
            }
        }
        List<CollectionMove> missing = moves.stream().filter(m -> !existing.contains(m.target())).toList();
        if (!missing.isEmpty()) {
            ctx.saveCursor(state.creatingAhead(missing.stream().map(CollectionMove::target).toList()));
            List<EsPort.NewIndex> indices = new ArrayList<>();
            for (CollectionMove move : missing) {
                indices.add(new EsPort.NewIndex(move.target(),
                        steps.targetIndexBody(src, move, targetType, counts.get(move.target())), move.alias()));
            }
            dst.createIndices(indices);
        }
        for (CollectionMove move : moves) {
            if (move.kind() == Kind.PUBLIC && settings.copySourceAliases()) {
                src.aliases(move.sourceIndex()).forEach((alias, definition) ->
                        dst.putAlias(move.target(), alias, definition));
            }
            if (move.renamed()) {
                LOG.warn("Kuzzle upgrade: collection {} renamed to {}", move.source(), move.target());
            }
        }
    }

    /** Copies one slice of one collection from the partition's cursor, saving it after every written page. */
    void copy(Kind kind, PartitionContext part) {
        if (part.partitionId().equals(NOTHING_TO_COPY)) {
            return;
        }
        CopyPartition partition = CopyPartition.parse(part.partitionId()).orElseThrow(() -> unknown(part, kind));
        try (EsPort src = connectors.source(); EsPort dst = connectors.target()) {
            CollectionMove move = move(kind, partition, src).orElseThrow(() -> unknown(part, kind));
            String targetType = dst.majorVersion() == 5 ? "default" : null;
            String label = move.source() + " -> " + move.target()
                    + (partition.slices() > 1 ? " slice " + (partition.slice() + 1) + "/" + partition.slices() : "");
            long total = (src.count(move.sourceIndex(), move.sourceType(), false) + partition.slices() - 1)
                    / partition.slices();
            List<String> findings = new ArrayList<>();
            Function<Doc, Doc> transform = steps.transformFor(move, findings);
            int pageSize = steps.pageSize(src, move);
            String cursor = part.cursor().orElse(null);
            EsPort.CopyResult result = partition.slices() == 1
                    ? src.copy(move.sourceIndex(), move.sourceType(), dst, move.target(), targetType, pageSize, cursor,
                            transform, part::saveCursor, n -> part.progress(n, total, label))
                    : src.copySlice(move.sourceIndex(), move.sourceType(), dst, move.target(), targetType,
                            partition.slice(), partition.slices(), pageSize, cursor, transform, part::saveCursor,
                            n -> part.progress(n, total, label));
            findings.forEach(f -> LOG.warn("Kuzzle upgrade: {}", f));
            LOG.info("Kuzzle upgrade migrated {}: {} documents written, {} dropped", label, result.written(),
                    result.dropped());
        }
    }

    private Optional<CollectionMove> move(Kind kind, CopyPartition partition, EsPort src) {
        CollectionMove known = movesByKey.getOrDefault(kind, Map.of()).get(partition.collectionKey());
        if (known != null) {
            return Optional.of(known);
        }
        Map<String, CollectionMove> byKey = new LinkedHashMap<>();
        planner.plan(src.inventory()).moves(kind).forEach(m -> byKey.put(CopyPartition.keyOf(m.target()), m));
        movesByKey.put(kind, byKey);
        return Optional.ofNullable(byKey.get(partition.collectionKey()));
    }

    private static UpgradeException unknown(PartitionContext part, Kind kind) {
        return new UpgradeException(KuzzleErrorCode.SOURCE_MISSING, "partition '" + part.partitionId() + "' names no "
                + kind.name().toLowerCase() + " collection of the source any more; if the source changed since the"
                + " step started, roll the plan back (or reset the step's partitions) and run again");
    }

    /**
     * After every partition of the plugin and public copies is done: periodic refresh (and the
     * replicas asked for) back on the targets loaded without them, in one settings update, and
     * every target refreshed so that it is searchable.
     */
    void settle(StepContext ctx) {
        try (EsPort src = connectors.source(); EsPort dst = connectors.target()) {
            List<String> targets = new ArrayList<>();
            List<String> bulkLoaded = new ArrayList<>();
            List<CollectionMove> moves = settledMoves(src);
            Map<String, Long> counts = KuzzleSteps.sourceCountsByTarget(src, moves);
            for (CollectionMove move : moves) {
                if (KuzzleSteps.bulkLoaded(move, counts.get(move.target()))) {
                    bulkLoaded.add(move.target());
                }
                targets.add(move.target());
            }
            if (!bulkLoaded.isEmpty()) {
                dst.putSettings(bulkLoaded, steps.afterBulkLoad());
            }
            dst.refresh(targets);
            LOG.info("Kuzzle upgrade: {} plugin and public targets refreshed", targets.size());
        }
    }

    List<PlannedAction> settleDryRun(StepContext ctx) {
        try (EsPort src = connectors.source()) {
            return settledMoves(src).stream().map(m -> PlannedAction.of("refresh", m.target())).toList();
        }
    }

    private List<CollectionMove> settledMoves(EsPort src) {
        Layout layout = planner.plan(src.inventory());
        List<CollectionMove> moves = new ArrayList<>(layout.moves(Kind.PLUGIN));
        moves.addAll(layout.moves(Kind.PUBLIC));
        return moves;
    }

    /** The slices of one collection as the dry run shows them. */
    String describeSlices(EsPort src, CollectionMove move, long documents) {
        int shards = src.primaryShards(move.sourceIndex());
        return sliceCount(shards, documents) + " (source shards: " + shards + ")";
    }
}
