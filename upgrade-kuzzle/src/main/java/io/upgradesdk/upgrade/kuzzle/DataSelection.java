package io.upgradesdk.upgrade.kuzzle;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which public (data) indexes and collections to upgrade; the original script's "upgrade all /
 * choose indexes / choose collections / skip" question. Default: {@link #all()}.
 * Names are the v1 names (index and ES 5 type, case as stored).
 */
public final class DataSelection {

    private final boolean all;
    private final Set<String> indices;
    private final Map<String, Set<String>> collections;

    private DataSelection(boolean all, Set<String> indices, Map<String, Set<String>> collections) {
        this.all = all;
        this.indices = Set.copyOf(indices);
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        collections.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        this.collections = Map.copyOf(copy);
    }

    /** Every public index and collection (the default). */
    public static DataSelection all() {
        return new DataSelection(true, Set.of(), Map.of());
    }

    /** No public data at all ("skip all data index upgrades"); internal and plugin storages are still upgraded. */
    public static DataSelection none() {
        return new DataSelection(false, Set.of(), Map.of());
    }

    /** Whole indexes, every collection of each. */
    public static DataSelection indices(String... names) {
        Set<String> set = new LinkedHashSet<>();
        for (String n : names) {
            set.add(Objects.requireNonNull(n, "index"));
        }
        return new DataSelection(false, set, Map.of());
    }

    /** Adds one collection of one index to this selection (returns a new selection). */
    public DataSelection plusCollection(String index, String collection) {
        if (all) {
            return this;
        }
        Map<String, Set<String>> copy = new LinkedHashMap<>(collections);
        Set<String> set = new LinkedHashSet<>(copy.getOrDefault(index, Set.of()));
        set.add(Objects.requireNonNull(collection, "collection"));
        copy.put(Objects.requireNonNull(index, "index"), set);
        return new DataSelection(false, indices, copy);
    }

    /** True when this collection of this index is selected. */
    public boolean includes(String index, String collection) {
        return all || indices.contains(index)
                || collections.getOrDefault(index, Set.of()).contains(collection);
    }

    /** True when every collection of this index is selected. */
    public boolean includesWholeIndex(String index) {
        return all || indices.contains(index);
    }

    /** True when nothing public is selected. */
    public boolean isNone() {
        return !all && indices.isEmpty() && collections.isEmpty();
    }

    /** Equal when the same indexes and collections are selected (so equal settings compare equal). */
    @Override
    public boolean equals(Object o) {
        return o instanceof DataSelection d && all == d.all && indices.equals(d.indices)
                && collections.equals(d.collections);
    }

    @Override
    public int hashCode() {
        return Objects.hash(all, indices, collections);
    }

    @Override
    public String toString() {
        if (all) {
            return "all";
        }
        if (isNone()) {
            return "none";
        }
        return "indices=" + indices + " collections=" + collections;
    }
}
