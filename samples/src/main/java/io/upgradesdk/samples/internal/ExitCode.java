package io.upgradesdk.samples.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The exit codes of every command of the samples jar, the same for each product and the demo, so
 * that a batch job (a Kubernetes Job, a CI step) can tell them apart. ({@code kong list} and
 * {@code kong status} alone exit with Kong's own codes, as {@code kong migrations} does.)
 */
public enum ExitCode {
    /** The operation did what was asked. */
    SUCCESS(0, "success"),
    /**
     * A step, the store or a server failed; the message says what to fix. Run again to resume. For
     * {@code --dry-run}: a step's dry run could not answer (a server down) or found a problem that
     * makes the run refuse; the last line names each.
     */
    FAILURE(1, "failure: fix the cause the message names, then run again to resume (--dry-run: a check could"
            + " not run or found a blocking problem; the last line names it)"),
    /** Invalid or missing options; nothing was done. */
    USAGE(2, "usage error: invalid or missing options; nothing was done"),
    /** The run stopped before the point of no return for want of a confirmation ({@code --yes}). */
    AWAITING_CONFIRMATION(3, "awaiting confirmation before the point of no return (--yes)"),
    /** Another host holds the plan's lock; nothing was done. */
    LOCK_HELD(4, "lock held by another run; nothing was done"),
    /** Stopped by SIGTERM/SIGINT at a safe point: cursor saved, lock released. Run again to resume. */
    STOPPED(5, "stopped by a signal at a safe point; run again to resume");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }

    /** What it means, one line. */
    public String meaning() {
        return meaning;
    }

    /** The table printed at the end of every command's {@code --help}. */
    public static String[] helpFooter() {
        String rows = Arrays.stream(values()).map(e -> String.format("  %d  %s", e.code, e.meaning))
                .collect(Collectors.joining("%n"));
        return new String[] {"", "Exit codes:", rows, ""};
    }
}
