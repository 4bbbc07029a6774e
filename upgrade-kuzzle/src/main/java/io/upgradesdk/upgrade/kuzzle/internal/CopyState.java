package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed cursor of a storage step: the target indices already finished, the one in progress
 * with the copy's own cursor, and those created ahead of their copy (several at once; absent from
 * the JSON when none, so older checkpoints read and write the same) — names and cursors only, no
 * data. Stored as JSON by
 * {@code ctx.saveCursor(state)}, in the same shape the hand-written form had, so a checkpoint saved
 * before the typed cursor still resumes:
 * {@code {"done":["&nyc.taxi"],"current":{"target":"&nyc.bikes","cursor":"{\"i\":0,...}"}}}.
 */
record CopyState(List<String> done, Current current,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> created) {

    /** Nothing copied yet. */
    static final CopyState START = new CopyState(List.of(), null, List.of());

    /** The collection being copied and the copy cursor after its last written page (null: none yet). */
    record Current(String target, String cursor) {
    }

    CopyState {
        done = done == null ? List.of() : List.copyOf(done);
        created = created == null ? List.of() : List.copyOf(created);
    }

    CopyState(List<String> done, Current current) {
        this(done, current, List.of());
    }

    /** Whether this plan created {@code target} ahead of its copy (so an existing index is its own). */
    boolean createdAhead(String target) {
        return created.contains(target);
    }

    /** These targets are about to be created ahead of their copy. */
    CopyState creatingAhead(List<String> targets) {
        List<String> all = new ArrayList<>(created);
        targets.stream().filter(t -> !all.contains(t)).forEach(all::add);
        return new CopyState(done, current, all);
    }

    boolean finished(String target) {
        return done.contains(target);
    }

    boolean inProgress(String target) {
        return current != null && current.target().equals(target);
    }

    /** The copy cursor of the collection in progress, null when it starts from the beginning. */
    String copyCursor() {
        return current == null ? null : current.cursor();
    }

    /** Starts copying {@code target} from its beginning. */
    CopyState begin(String target) {
        return new CopyState(done, new Current(target, null), created);
    }

    /** The collection in progress has been written up to {@code cursor}. */
    CopyState advance(String cursor) {
        return new CopyState(done, new Current(current.target(), cursor), created);
    }

    /** The collection in progress is finished. */
    CopyState finish() {
        List<String> all = new ArrayList<>(done);
        all.add(current.target());
        List<String> stillAhead = new ArrayList<>(created);
        stillAhead.remove(current.target());
        return new CopyState(all, null, stillAhead);
    }
}
