package io.upgradesdk.upgrade;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request, from any thread, that runs stop at their next safe point: between steps, and in a
 * step right after it saved a cursor (the cursor is kept). The run then ends with
 * {@link UpgradeErrorCode#STOPPED}, releases its lease, and a later run resumes where it stopped.
 * Hand one to {@link UpgradeRunner.Builder#stopSignal}; a host typically requests the stop from a
 * shutdown hook (SIGTERM) or an admin endpoint. Steps that loop without saving cursors check
 * {@link StepContext#stopRequested()}. Thread-safe; a request cannot be withdrawn.
 */
public final class StopSignal {

    private final AtomicReference<String> reason = new AtomicReference<>();

    /** Asks every run using this signal to stop at its next safe point; the first reason is kept. */
    public void requestStop(String why) {
        reason.compareAndSet(null, why == null || why.isBlank() ? "stop requested" : why);
    }

    /** Whether a stop was requested. */
    public boolean isStopRequested() {
        return reason.get() != null;
    }

    /** Why the stop was requested, once it was. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }

    @Override
    public String toString() {
        return "StopSignal[" + reason().orElse("not requested") + "]";
    }
}
