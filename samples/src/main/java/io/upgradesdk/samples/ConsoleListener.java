package io.upgradesdk.samples;

import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Prints the runner's events as a readable console log with progress (count, rate, ETA) for long
 * steps. On a terminal progress is one live line rewritten in place with {@code \r}, cut to the
 * terminal's width (so that it never wraps; {@code $COLUMNS}, else 80), redrawn at most ten times a
 * second (by the events' time) and at each report that reaches its total, and moved past only
 * before a line is printed; otherwise (a pipe, a file, a pod log) it is plain lines: a step's first
 * report, then one every 10 s (by the events' time) and each one that reaches its total (the first
 * one only when later ones of that total and text go past it: a copy of an index written
 * meanwhile). A notice
 * (a report that counts nothing, {@code progress(0, -1, text)}) is a line of its own, its text
 * alone.
 */
public final class ConsoleListener implements UpgradeListener {

    private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);
    /** The least time between two redraws of the live line: ten a second are all an eye can read. */
    private static final Duration LIVE_INTERVAL = Duration.ofMillis(100);
    private static final int DEFAULT_WIDTH = 80;
    private static final String CUT = "...";

    private final PrintStream out;
    private final boolean live;
    /** The longest live line: one column less than the terminal, whose last column may wrap the line. */
    private final int maxLiveLine;
    private int liveWidth;
    private Instant lastPlain;
    /** When the live line was last drawn, or null when the step has not drawn it yet. */
    private Instant lastLive;
    /** The total the last report reached (it was at or past it), or -1, and that report's message. */
    private long totalReached = -1;
    private String totalReachedBy;

    /**
     * Live progress line when {@code out} is a terminal ({@code System.out} or {@code System.err}
     * on a terminal), plain lines otherwise.
     */
    public ConsoleListener(PrintStream out) {
        this(out, isTerminal(out));
    }

    /** {@code live}: rewrite one progress line in place (a terminal) rather than print plain lines. */
    public ConsoleListener(PrintStream out, boolean live) {
        this(out, live, terminalWidth());
    }

    /** A terminal {@code width} columns wide. */
    ConsoleListener(PrintStream out, boolean live, int width) {
        this.out = out;
        this.live = live;
        this.maxLiveLine = Math.max(CUT.length() + 1, width - 1);
    }

    @Override
    public synchronized void onEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.StepProgress e) {
            progress(e);
            return;
        }
        if (event instanceof UpgradeEvent.LeaseWaiting e) {
            println(String.format("   waiting for the lease held by '%s' until %s (up to %d s)", e.holder(),
                    e.holderExpiresAt(), e.lockWait().toSeconds()));
        } else if (event instanceof UpgradeEvent.PlanStarted e) {
            println(String.format("== %s of plan '%s' (lease token %d)", e.operation(), e.planId(), e.leaseToken()));
        } else if (event instanceof UpgradeEvent.StepStarted e) {
            lastPlain = null;
            lastLive = null;
            println(String.format("-> %s%s", e.stepId(), e.resumeCursor() == null ? ""
                    : " (resuming after " + e.shortResumeCursor() + ")"));
        } else if (event instanceof UpgradeEvent.StepRetrying e) {
            println(String.format("   attempt %d failed (%s), retrying in %d ms", e.failedAttempt(), e.error(),
                    e.delay().toMillis()));
        } else if (event instanceof UpgradeEvent.StepSucceeded e) {
            println(String.format("   done: %s (%d ms)", e.stepId(), e.duration().toMillis()));
        } else if (event instanceof UpgradeEvent.StepFailed e) {
            println(String.format("   FAILED: %s: %s", e.stepId(), e.error()));
        } else if (event instanceof UpgradeEvent.StepSkipped e) {
            println(String.format("   skip %s (%s)", e.stepId(), e.reason()));
        } else if (event instanceof UpgradeEvent.StepCompensated e) {
            println(String.format("   undone: %s", e.stepId()));
        } else if (event instanceof UpgradeEvent.ConfirmationRequested) {
            endLiveLine();      // the confirmation's question is asked on the terminal next
        } else if (event instanceof UpgradeEvent.ConfirmationAnswered e) {
            println(String.format("   point of no return '%s': %s", e.stepId(),
                    e.confirmed() ? "confirmed" : "NOT confirmed"));
        } else if (event instanceof UpgradeEvent.PlanFinished e) {
            println(String.format("== %s: %s in %d ms", e.operation(), e.outcome(), e.duration().toMillis()));
        } else if (event instanceof UpgradeEvent.PartitionFailed e) {
            // the step fails only once the other partitions finish: say now which one failed and why
            println(String.format("   partition %s FAILED after %d attempt(s) on %s: %s", e.partitionId(),
                    e.attempts(), e.owner(), e.error()));
        } else if (event instanceof UpgradeEvent.PartitionTakenOver e) {
            println(String.format("   partition %s taken over from an expired or released claim%s", e.partitionId(),
                    e.resumesFromCursor() ? ", resuming from its cursor" : ""));
        }
        // other events (a step still running, partition claims and ends) print nothing: the live line stays
    }

    private void progress(UpgradeEvent.StepProgress e) {
        if (e.isNotice()) {
            println("   " + e.message());       // a notice: no count to show, no line to supersede it
            return;
        }
        String line = String.format("   %s %s %s", bar(e.done(), e.total()), e.summary(), e.message());
        if (live) {
            if (lastLive != null && !e.reachedTotal() && e.time().isBefore(lastLive.plus(LIVE_INTERVAL))
                    && !e.time().isBefore(lastLive)) {
                return;     // a step reporting per document would otherwise redraw thousands of times a second
            }
            lastLive = e.time();
            if (line.length() > maxLiveLine) {
                line = line.substring(0, maxLiveLine - CUT.length()) + CUT;
            }
            out.print("\r" + line + " ".repeat(Math.max(0, liveWidth - line.length())));
            out.flush();
            liveWidth = line.length();
            return;
        }
        // past the total the last report (of the same text) reached, a report is no news
        boolean reachesTotal = e.reachedTotal()
                && !(e.total() == totalReached && java.util.Objects.equals(e.message(), totalReachedBy));
        totalReached = e.reachedTotal() ? e.total() : -1;
        totalReachedBy = e.message();
        if (lastPlain == null || reachesTotal || !e.time().isBefore(lastPlain.plus(PLAIN_INTERVAL))) {
            lastPlain = e.time();
            out.println(line);
        }
    }

    /**
     * Prints a line that is not an event's (a host hook's output) to {@code stream}, below the live
     * progress line if there is one, so that the two never share a line on the terminal. The line
     * is printed outside this listener's lock: {@code stream} may be the guarded standard error.
     */
    public void printLine(PrintStream stream, String line) {
        synchronized (this) {
            endLiveLine();
            out.flush();
        }
        stream.println(line);
        stream.flush();
    }

    /** What {@link #guardStandardError()} changed, put back by {@link #close()}. */
    @FunctionalInterface
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * When the progress line is live: replaces {@code System.err} with a stream that moves past the
     * live line before it writes anything, so that what others print there (a WARN of
     * {@code slf4j-simple}, a signal's message) never lands inside the progress line; closing what
     * it returns puts the former {@code System.err} back. Changes nothing when not live.
     */
    public Restore guardStandardError() {
        if (!live) {
            return () -> { };
        }
        PrintStream former = System.err;
        System.setErr(new PrintStream(new MovingPastLiveLine(former), true));
        return () -> System.setErr(former);
    }

    /** Writes to {@code target} once the live line is moved past, under this listener's lock. */
    private final class MovingPastLiveLine extends OutputStream {
        private final PrintStream target;

        MovingPastLiveLine(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            synchronized (ConsoleListener.this) {
                endLiveLine();
                target.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (ConsoleListener.this) {
                endLiveLine();
                target.write(bytes, offset, length);
            }
        }

        @Override
        public void flush() {
            target.flush();
        }
    }

    /** Prints {@code line} below the live progress line, if there is one. */
    private void println(String line) {
        endLiveLine();
        out.println(line);
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

    /**
     * Whether {@code out} writes to a terminal: {@code System.out} or {@code System.err} whose file
     * descriptor is a terminal device (read from {@code /proc/self/fd}); without {@code /proc},
     * {@code System.out} when this process has a console. Not {@link System#console()} alone: it
     * says whether stdin and stdout are terminals, not the stream written (progress goes to stderr
     * under {@code --json}, perhaps redirected to a file while stdout is on the terminal).
     */
    static boolean isTerminal(PrintStream out) {
        int fd = out == System.out ? 1 : out == System.err ? 2 : -1;
        if (fd < 0) {
            return false;
        }
        Path link = Path.of("/proc/self/fd/" + fd);
        if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
            return fd == 1 && System.console() != null;
        }
        try {
            String device = Files.readSymbolicLink(link).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The terminal's width from {@code $COLUMNS} (shells set it, some export it), else 80. */
    private static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        try {
            int width = columns == null ? DEFAULT_WIDTH : Integer.parseInt(columns.strip());
            return width >= 20 ? width : DEFAULT_WIDTH;
        } catch (NumberFormatException e) {
            return DEFAULT_WIDTH;
        }
    }
}
