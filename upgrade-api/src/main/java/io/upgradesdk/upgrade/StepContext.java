package io.upgradesdk.upgrade;

import io.upgradesdk.upgrade.internal.CursorJson;
import java.time.Clock;
import java.util.Optional;

/**
 * What a running step can see and do: its resume cursor, progress reporting, secrets, the clock.
 * One context is given per attempt; it is not shared between threads.
 */
public interface StepContext {

    /** The id of the plan being run. */
    String planId();

    /** The id of the step being run. */
    String stepId();

    /** The attempt number within this run, starting at 1. */
    int attempt();

    /** True during {@code preview}: the step must not change anything. */
    boolean isDryRun();

    /**
     * The cursor this step saved last, in this run or an interrupted earlier one; empty when the
     * step starts from the beginning.
     */
    Optional<String> cursor();

    /**
     * Durably records how far the step got (e.g. "copied up to id X"), so that a resumed run
     * continues from here. Refused (with {@link UpgradeErrorCode#LEASE_LOST}) when this run no
     * longer holds the plan's lease, and (with {@link UpgradeErrorCode#SECRET_EXPOSED}) when the
     * cursor contains a secret value.
     */
    void saveCursor(String cursor);

    /**
     * The cursor this step saved last, read from its JSON form as {@code type} (a record or a class
     * with a default constructor); empty when the step starts from the beginning. Fields of the
     * stored JSON that {@code type} lacks are ignored, so a state class may evolve. Fails with
     * {@link UpgradeErrorCode#CHECKPOINT_UNREADABLE} when the saved cursor is not such JSON.
     */
    default <T> Optional<T> cursor(Class<T> type) {
        return cursor().map(saved -> CursorJson.read(stepId(), saved, type));
    }

    /**
     * Durably records {@code state} as this step's cursor, stored as JSON and read back with
     * {@link #cursor(Class)}; same rules as {@link #saveCursor(String)} (fenced, secrets refused).
     */
    default void saveCursor(Object state) {
        saveCursor(CursorJson.write(stepId(), state));
    }

    /** Reports progress; {@code total} is negative when unknown. Does not write the checkpoint. */
    void progress(long done, long total, String message);

    /** A secret registered with the runner, by name; its value never appears in any output. */
    Secret secret(String name);

    /** The runner's clock. */
    Clock clock();

    /**
     * Whether the runner's {@link StopSignal} was raised: a step that loops without saving cursors
     * returns or throws at its next safe point. (After {@link #saveCursor(String)} the runner
     * stops the step itself, keeping the cursor.) An attempt that ends, once a stop was requested,
     * with an {@link UpgradeException} of code {@link UpgradeErrorCode#STOPPED} (a
     * {@code ProcessRunner} given {@code stopWhen(ctx::stopRequested)}, or the step's own) stops
     * the run instead of failing the step: the step runs again, from its cursor, on the next run.
     */
    default boolean stopRequested() {
        return false;
    }
}
