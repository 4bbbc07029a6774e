package io.upgradesdk.samples;

import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import java.io.PrintStream;

/** Prints the runner's events as a readable console log with a progress line for long steps. */
public final class ConsoleListener implements UpgradeListener {

    private final PrintStream out;

    public ConsoleListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.PlanStarted e) {
            out.printf("== %s of plan '%s' (lease token %d)%n", e.operation(), e.planId(), e.leaseToken());
        } else if (event instanceof UpgradeEvent.StepStarted e) {
            out.printf("-> %s%s%n", e.stepId(), e.resumeCursor() == null ? ""
                    : " (resuming after " + e.resumeCursor() + ")");
        } else if (event instanceof UpgradeEvent.StepProgress e) {
            out.printf("   %s%s %s%n", bar(e.done(), e.total()), e.total() < 0 ? " " + e.done()
                    : String.format(" %d/%d", e.done(), e.total()), e.message());
        } else if (event instanceof UpgradeEvent.StepRetrying e) {
            out.printf("   attempt %d failed (%s), retrying in %d ms%n", e.failedAttempt(), e.error(), e.delay().toMillis());
        } else if (event instanceof UpgradeEvent.StepSucceeded e) {
            out.printf("   done: %s (%d ms)%n", e.stepId(), e.duration().toMillis());
        } else if (event instanceof UpgradeEvent.StepFailed e) {
            out.printf("   FAILED: %s: %s%n", e.stepId(), e.error());
        } else if (event instanceof UpgradeEvent.StepSkipped e) {
            out.printf("   skip %s (%s)%n", e.stepId(), e.reason());
        } else if (event instanceof UpgradeEvent.StepCompensated e) {
            out.printf("   undone: %s%n", e.stepId());
        } else if (event instanceof UpgradeEvent.ConfirmationAnswered e) {
            out.printf("   point of no return '%s': %s%n", e.stepId(), e.confirmed() ? "confirmed" : "NOT confirmed");
        } else if (event instanceof UpgradeEvent.PlanFinished e) {
            out.printf("== %s: %s in %d ms%n", e.operation(), e.outcome(), e.duration().toMillis());
        }
    }

    private static String bar(long done, long total) {
        if (total <= 0) {
            return "[" + "?".repeat(20) + "]";
        }
        int filled = (int) Math.min(20, done * 20 / total);
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
    }
}
