package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import io.upgradesdk.upgrade.kuzzle.internal.CollectionMove.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Computes the {@link Layout} from the v1 index inventory. Pure: no I/O.
 *
 * @param v1InternalIndex the v1 internal index ({@code %kuzzle}); independent of the v2 name (defect B14)
 * @param v2InternalName  the v2 internal index name ({@code kuzzle})
 * @param pluginRenames   v1 plugin name → v2 plugin name, for plugins renamed in their v2 manifest (defect B14)
 */
public record LayoutPlanner(String v1InternalIndex, String v2InternalName, KuzzleVersion target,
        DataSelection selection, Map<String, String> pluginRenames) {

    public LayoutPlanner {
        pluginRenames = Map.copyOf(pluginRenames);
    }

    /** The layout of this inventory: every index classified, then the whole plan checked. */
    public Layout plan(List<SourceIndex> inventory) {
        Draft draft = new Draft();
        for (SourceIndex index : inStableOrder(inventory)) {
            switch (KuzzleNames.classify(index.name(), v1InternalIndex, v2InternalName)) {
                case INTERNAL -> planInternal(index, draft);
                case PLUGIN -> planPlugin(index, draft);
                case PUBLIC -> planPublic(index, draft);
                case SYSTEM -> draft.skipped.add(index.name() + ": system index, never migrated");
                case V2 -> draft.skipped.add(index.name()
                        + ": already in the Kuzzle 2 layout (written by an earlier run?)");
                case OTHER_PRIVATE -> draft.skipped.add(index.name() + ": private index that is not Kuzzle 1 data");
            }
        }
        List<CollectionMove> moves = draft.moves();
        refuseCollidingTargets(moves, draft.problems);
        if (!draft.internalPresent) {
            draft.problems.add("the v1 internal index " + v1InternalIndex + " was not found on the source: it holds"
                    + " users, roles and the token seed; check the source URL and v1InternalIndex (if the v1"
                    + " structure was already destroyed, the upgrade is over)");
        }
        return new Layout(moves, draft.skipped, draft.problems, draft.removable, draft.pluginIndices,
                draft.internalPresent);
    }

    /** What {@link #plan} collects while it walks the inventory. */
    private static final class Draft {
        final List<CollectionMove> internal = new ArrayList<>();
        final List<CollectionMove> plugins = new ArrayList<>();
        final List<CollectionMove> publics = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<String> removable = new ArrayList<>();
        final List<String> pluginIndices = new ArrayList<>();
        boolean internalPresent;

        /** Every move, in the order the plan migrates them: internal, plugins, public. */
        List<CollectionMove> moves() {
            List<CollectionMove> all = new ArrayList<>(internal);
            all.addAll(plugins);
            all.addAll(publics);
            return all;
        }
    }

    /** Indices by name, each with its types sorted: the same plan whatever order the cluster lists them in. */
    private static List<SourceIndex> inStableOrder(List<SourceIndex> inventory) {
        return inventory.stream()
                .map(i -> new SourceIndex(i.name(), i.types().stream().sorted().toList()))
                .sorted(Comparator.comparing(SourceIndex::name))
                .toList();
    }

    /** The collections Kuzzle 2 keeps from {@code %kuzzle}; any other type is skipped. */
    private void planInternal(SourceIndex index, Draft draft) {
        draft.internalPresent = true;
        for (String coll : KuzzleNames.INTERNAL_COLLECTIONS) {
            if (index.types().contains(coll)) {
                draft.internal.add(move(Kind.INTERNAL, index.name(), coll,
                        KuzzleNames.internalTarget(v2InternalName, coll)));
            }
        }
        for (String type : index.types()) {
            if (!KuzzleNames.INTERNAL_COLLECTIONS.contains(type)) {
                draft.skipped.add(index.name() + "/" + type + ": not part of Kuzzle 2's internal storage");
            }
        }
    }

    /** A plugin storage under its (possibly renamed) v2 plugin name, refused when Kuzzle 2 rejects that name. */
    private void planPlugin(SourceIndex index, Draft draft) {
        String v1Name = KuzzleNames.pluginName(index.name());
        String v2Name = pluginRenames.getOrDefault(v1Name, v1Name).toLowerCase(Locale.ROOT);
        Optional<String> problem = KuzzleNames.v2PluginNameProblem(v2Name);
        if (problem.isPresent()) {
            draft.problems.add("plugin storage " + index.name() + ": plugin name '" + v2Name + "' " + problem.get()
                    + "; map it to its Kuzzle 2 manifest name with pluginRename(\"" + v1Name + "\", \"<v2 name>\")");
            return;
        }
        draft.pluginIndices.add(index.name());
        for (String type : index.types()) {
            checkCollection(index.name(), type, draft.problems);
            draft.plugins.add(move(Kind.PLUGIN, index.name(), type, KuzzleNames.pluginTarget(v2Name, type)));
        }
    }

    /**
     * The selected collections of a public index; the index is a destroy candidate only when every
     * one of its collections is selected.
     */
    private void planPublic(SourceIndex index, Draft draft) {
        boolean whole = true;
        boolean any = false;
        for (String type : index.types()) {
            if (!selection.includes(index.name(), type)) {
                whole = false;
                continue;
            }
            any = true;
            Optional<String> indexProblem = KuzzleNames.v2NameProblem(index.name());
            if (indexProblem.isPresent()) {
                draft.problems.add("index '" + index.name() + "' " + indexProblem.get()
                        + ": Kuzzle 2 cannot address it; reindex it under a valid name in v1 first,"
                        + " or leave it out of the data selection");
                break;
            }
            checkCollection(index.name(), type, draft.problems);
            draft.publics.add(move(Kind.PUBLIC, index.name(), type, KuzzleNames.publicTarget(index.name(), type)));
        }
        if (whole && any) {
            draft.removable.add(index.name());
        }
        if (index.types().isEmpty()) {
            draft.skipped.add(index.name() + ": no collection (an empty v1 index has nothing to migrate)");
        }
    }

    /** Two v1 collections that would land in the same v2 indice (Kuzzle 2 names are lower-case). */
    private static void refuseCollidingTargets(List<CollectionMove> moves, List<String> problems) {
        Map<String, CollectionMove> byTarget = new HashMap<>();
        for (CollectionMove m : moves) {
            CollectionMove other = byTarget.putIfAbsent(m.target(), m);
            if (other != null) {
                problems.add("collections " + other.source() + " and " + m.source() + " would both become "
                        + m.target() + " (Kuzzle 2 collection names are lower-case); rename one of them in v1 first,"
                        + " or leave one out of the data selection");
            }
        }
    }

    private static void checkCollection(String index, String type, List<String> problems) {
        Optional<String> cp = KuzzleNames.v2NameProblem(type.toLowerCase(Locale.ROOT));
        cp.ifPresent(p -> problems.add("collection " + index + "/" + type + " " + p
                + ": Kuzzle 2 cannot address it; rename it in v1 first, or leave it out of the data selection"));
    }

    private CollectionMove move(Kind kind, String index, String type, String target) {
        return new CollectionMove(kind, index, type, target, target().usesAliases() ? KuzzleNames.alias(target) : null,
                !target.endsWith("." + type));
    }
}
