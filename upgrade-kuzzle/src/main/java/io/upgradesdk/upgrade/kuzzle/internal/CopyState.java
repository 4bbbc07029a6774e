package io.upgradesdk.upgrade.kuzzle.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The typed cursor of a storage step: the target indices already finished, and the one in
 * progress with the copy's own cursor (names and cursors only, no data). Stored as JSON by
 * {@code ctx.saveCursor(state)}, in the same shape the hand-written form had, so a checkpoint saved
 * before the typed cursor still resumes:
 * {@code {"done":["&nyc.taxi"],"current":{"target":"&nyc.bikes","cursor":"{\"i\":0,...}"}}}.
 */
record CopyState(List<String> done, Current current) {

    /** Nothing copied yet. */
    static final CopyState START = new CopyState(List.of(), null);

    /** The collection being copied and the copy cursor after its last written page (null: none yet). */
    record Current(String target, String cursor) {
    }

    CopyState {
        done = done == null ? List.of() : List.copyOf(done);
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
        return new CopyState(done, new Current(target, null));
    }

    /** The collection in progress has been written up to {@code cursor}. */
    CopyState advance(String cursor) {
        return new CopyState(done, new Current(current.target(), cursor));
    }

    /** The collection in progress is finished. */
    CopyState finish() {
        List<String> all = new ArrayList<>(done);
        all.add(current.target());
        return new CopyState(all, null);
    }
}
