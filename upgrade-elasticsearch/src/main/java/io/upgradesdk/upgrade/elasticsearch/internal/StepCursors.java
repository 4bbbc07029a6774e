package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a step's typed cursor, and also the plain-string cursor the same step saved before it had
 * a typed one (a checkpoint written by an earlier version must still resume). A typed cursor is
 * a JSON object; every earlier plain-string cursor of these steps is not.
 */
final class StepCursors {

    private StepCursors() {
    }

    /** The saved state as {@code type}; a plain-string cursor is converted by {@code fromPlainString}. */
    static <T> Optional<T> read(StepContext ctx, Class<T> type, Function<String, T> fromPlainString) {
        Optional<String> saved = ctx.cursor();
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        return saved.get().startsWith("{") ? ctx.cursor(type) : Optional.of(fromPlainString.apply(saved.get()));
    }

    /** Converts exactly {@code marker}, the plain-string cursor an earlier version saved, to {@code state}. */
    static <T> Function<String, T> marker(StepContext ctx, String marker, T state) {
        return saved -> {
            if (!saved.equals(marker)) {
                throw new UpgradeException(UpgradeErrorCode.CHECKPOINT_UNREADABLE, "the saved cursor of step '"
                        + ctx.stepId() + "' is neither JSON nor '" + marker + "'; it was written by another program:"
                        + " mark the step undone to run it again, or done once its work is checked");
            }
            return state;
        };
    }
}
