package io.upgradesdk.samples;

import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Prints the runner's events as a readable console log with progress (count, rate, ETA) for long
 * steps. On a terminal ({@code System.console() != null}) progress is one live line rewritten in
 * place with {@code \r}; otherwise (a pipe, a pod log) it is plain lines: a step's first report,
 * then one every 10 s (by the events' time) and each one that reaches its total.
 */
public final class ConsoleListener implements UpgradeListener {

    private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);

    private final PrintStream out;
    private final boolean live;
    private int liveWidth;
    private Instant lastPlain;

    /** Live progress line when this process has a console, plain lines otherwise. */
    public ConsoleListener(PrintStream out) {
        this(out, System.console() != null);
    }

    /** {@code live}: rewrite one progress line in place (a terminal) rather than print plain lines. */
    public ConsoleListener(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    @Override
    public synchronized void onEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.StepProgress e) {
            progress(e);
            return;
        }
        endLiveLine();
        if (event instanceof UpgradeEvent.LeaseWaiting e) {
            out.printf("   waiting for the lease held by '%s' until %s (up to %d s)%n", e.holder(), e.holderExpiresAt(),
                    e.lockWait().toSeconds());
        } else if (event instanceof UpgradeEvent.PlanStarted e) {
            out.printf("== %s of plan '%s' (lease token %d)%n", e.operation(), e.planId(), e.leaseToken());
        } else if (event instanceof UpgradeEvent.StepStarted e) {
            lastPlain = null;
            out.printf("-> %s%s%n", e.stepId(), e.resumeCursor() == null ? ""
                    : " (resuming after " + e.resumeCursor() + ")");
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

    private void progress(UpgradeEvent.StepProgress e) {
        String line = String.format("   %s %s %s", bar(e.done(), e.total()), e.summary(), e.message());
        if (live) {
            out.print("\r" + line + " ".repeat(Math.max(0, liveWidth - line.length())));
            out.flush();
            liveWidth = line.length();
        } else if (lastPlain == null || e.reachedTotal() || !e.time().isBefore(lastPlain.plus(PLAIN_INTERVAL))) {
            lastPlain = e.time();
            out.println(line);
        }
    }

    /** Moves past the live progress line before printing anything else. */
    private void endLiveLine() {
        if (liveWidth > 0) {
            out.println();
            liveWidth = 0;
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
