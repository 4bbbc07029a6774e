package io.upgradesdk.upgrade;

/**
 * Receives the runner's typed events, on the thread that runs the plan. A listener that throws
 * is logged and ignored; it never stops a run.
 */
@FunctionalInterface
public interface UpgradeListener {
    void onEvent(UpgradeEvent event);
}
