package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import io.upgradesdk.upgrade.kuzzle.internal.CollectionMove.Kind;
import io.upgradesdk.upgrade.kuzzle.internal.KuzzleNames.IndexKind;
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
 * @param v1InternalIndex the v1 internal index ({@code %kuzzle}); independent of the v2 name (B14)
 * @param v2InternalName  the v2 internal index name ({@code kuzzle})
 * @param pluginRenames   v1 plugin name → v2 plugin name, for plugins renamed in their v2 manifest (B14)
 */
public record LayoutPlanner(String v1InternalIndex, String v2InternalName, KuzzleVersion target,
        DataSelection selection, Map<String, String> pluginRenames) {

    public LayoutPlanner {
        pluginRenames = Map.copyOf(pluginRenames);
    }

    public Layout plan(List<SourceIndex> inventory) {
        // a stable order whatever order the cluster lists things in
        List<SourceIndex> sorted = new ArrayList<>();
        for (SourceIndex i : inventory) {
            sorted.add(new SourceIndex(i.name(), i.types().stream().sorted().toList()));
        }
        sorted.sort(Comparator.comparing(SourceIndex::name));
        List<CollectionMove> internal = new ArrayList<>();
        List<CollectionMove> plugins = new ArrayList<>();
        List<CollectionMove> publics = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> removable = new ArrayList<>();
        List<String> pluginIndices = new ArrayList<>();
        boolean internalPresent = false;

        for (SourceIndex index : sorted) {
            IndexKind kind = KuzzleNames.classify(index.name(), v1InternalIndex, v2InternalName);
            switch (kind) {
                case INTERNAL -> {
                    internalPresent = true;
                    for (String coll : KuzzleNames.INTERNAL_COLLECTIONS) {
                        if (index.types().contains(coll)) {
                            internal.add(move(Kind.INTERNAL, index.name(), coll,
                                    KuzzleNames.internalTarget(v2InternalName, coll)));
                        }
                    }
                    for (String type : index.types()) {
                        if (!KuzzleNames.INTERNAL_COLLECTIONS.contains(type)) {
                            skipped.add(index.name() + "/" + type + ": not part of Kuzzle 2's internal storage");
                        }
                    }
                }
                case PLUGIN -> {
                    String v1Name = KuzzleNames.pluginName(index.name());
                    String v2Name = pluginRenames.getOrDefault(v1Name, v1Name).toLowerCase(Locale.ROOT);
                    Optional<String> p = KuzzleNames.v2PluginNameProblem(v2Name);
                    if (p.isPresent()) {
                        problems.add("plugin storage " + index.name() + ": plugin name '" + v2Name + "' " + p.get()
                                + "; map it to its Kuzzle 2 manifest name with pluginRename(\"" + v1Name
                                + "\", \"<v2 name>\")");
                        continue;
                    }
                    pluginIndices.add(index.name());
                    for (String type : index.types()) {
                        String target = KuzzleNames.pluginTarget(v2Name, type);
                        checkCollection(index.name(), type, problems);
                        plugins.add(move(Kind.PLUGIN, index.name(), type, target));
                    }
                }
                case PUBLIC -> {
                    boolean whole = true;
                    boolean any = false;
                    for (String type : index.types()) {
                        if (!selection.includes(index.name(), type)) {
                            whole = false;
                            continue;
                        }
                        any = true;
                        Optional<String> ip = KuzzleNames.v2NameProblem(index.name());
                        if (ip.isPresent()) {
                            problems.add("index '" + index.name() + "' " + ip.get()
                                    + ": Kuzzle 2 cannot address it; reindex it under a valid name in v1 first,"
                                    + " or leave it out of the data selection");
                            break;
                        }
                        checkCollection(index.name(), type, problems);
                        publics.add(move(Kind.PUBLIC, index.name(), type, KuzzleNames.publicTarget(index.name(), type)));
                    }
                    if (whole && any) {
                        removable.add(index.name());
                    }
                    if (index.types().isEmpty()) {
                        skipped.add(index.name() + ": no collection (an empty v1 index has nothing to migrate)");
                    }
                }
                case SYSTEM -> skipped.add(index.name() + ": system index, never migrated");
                case V2 -> skipped.add(index.name() + ": already in the Kuzzle 2 layout (written by an earlier run?)");
                case OTHER_PRIVATE -> skipped.add(index.name() + ": private index that is not Kuzzle 1 data");
                default -> throw new IllegalStateException(kind.toString());
            }
        }
        List<CollectionMove> all = new ArrayList<>(internal);
        all.addAll(plugins);
        all.addAll(publics);
        Map<String, CollectionMove> byTarget = new HashMap<>();
        for (CollectionMove m : all) {
            CollectionMove other = byTarget.putIfAbsent(m.target(), m);
            if (other != null) {
                problems.add("collections " + other.source() + " and " + m.source() + " would both become " + m.target()
                        + " (Kuzzle 2 collection names are lower-case); rename one of them in v1 first, or leave one"
                        + " out of the data selection");
            }
        }
        if (!internalPresent) {
            problems.add("the v1 internal index " + v1InternalIndex + " was not found on the source: it holds users,"
                    + " roles and the token seed; check the source URL and v1InternalIndex (if the v1 structure was"
                    + " already destroyed, the upgrade is over)");
        }
        return new Layout(all, skipped, problems, removable, pluginIndices, internalPresent);
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
