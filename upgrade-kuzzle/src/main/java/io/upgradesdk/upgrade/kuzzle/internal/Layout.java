package io.upgradesdk.upgrade.kuzzle.internal;

import java.util.List;

/**
 * The complete v1 → v2 name plan computed from a source inventory: what moves where, what is
 * skipped and why, and the problems that forbid starting (nothing may be written while
 * {@link #problems()} is not empty).
 *
 * @param removablePublic public source indexes whose every collection is migrated (destroy candidates)
 * @param pluginIndices   v1 plugin indexes that are migrated
 */
public record Layout(List<CollectionMove> moves, List<String> skipped, List<String> problems,
        List<String> removablePublic, List<String> pluginIndices, boolean internalPresent) {

    public Layout {
        moves = List.copyOf(moves);
        skipped = List.copyOf(skipped);
        problems = List.copyOf(problems);
        removablePublic = List.copyOf(removablePublic);
        pluginIndices = List.copyOf(pluginIndices);
    }

    /** The moves of one storage kind, in order. */
    public List<CollectionMove> moves(CollectionMove.Kind kind) {
        return moves.stream().filter(m -> m.kind() == kind).toList();
    }

    /** Every target indice name this plan writes. */
    public List<String> targets() {
        return moves.stream().map(CollectionMove::target).toList();
    }
}
