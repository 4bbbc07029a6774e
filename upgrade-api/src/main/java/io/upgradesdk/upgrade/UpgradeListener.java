package io.upgradesdk.upgrade;

/**
 * Receives the runner's typed events. Most come on the thread that runs the plan; a partitioned
 * step's events come on its worker threads, and {@link UpgradeEvent.StepStillRunning} on the
 * lease heartbeat's thread, so a listener that keeps state must be thread-safe. A listener that
 * throws is logged and ignored; it never stops a run.
 */
@FunctionalInterface
public interface UpgradeListener {
    void onEvent(UpgradeEvent event);
}
