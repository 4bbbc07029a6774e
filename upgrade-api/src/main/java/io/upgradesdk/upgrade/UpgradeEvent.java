package io.upgradesdk.upgrade;

import java.time.Duration;
import java.time.Instant;

/**
 * Everything observable about a run, as immutable typed events. Texts in events never contain
 * secrets: the runner redacts them before publishing.
 *
 * <pre>{@code
 * listener(event -> {
 *     if (event instanceof UpgradeEvent.StepProgress p) bar.update(p.done(), p.total());
 * })
 * }</pre>
 */
public sealed interface UpgradeEvent {

    /** When the event happened (runner clock). */
    Instant time();

    /** The plan concerned. */
    String planId();

    /** A run started: the lease is held and the checkpoint loaded. */
    record PlanStarted(Instant time, String planId, Operation operation, long leaseToken) implements UpgradeEvent {
    }

    /** A run ended, whatever the outcome. */
    record PlanFinished(Instant time, String planId, Operation operation, UpgradeReport.Outcome outcome,
            Duration duration) implements UpgradeEvent {
    }

    /** A step attempt started; {@code resumeCursor} is the cursor it resumes from, or null. */
    record StepStarted(Instant time, String planId, String stepId, Phase phase, int attempt, String resumeCursor)
            implements UpgradeEvent {

        /** The longest resume cursor {@link #shortResumeCursor()} shows whole. */
        public static final int CURSOR_SHOWN_WHOLE = 200;

        /**
         * For people: the resume cursor whole up to {@value #CURSOR_SHOWN_WHOLE} characters, else its
         * start and its length (a scroll id or a long list of sort values makes a line nobody reads);
         * null when the attempt starts afresh.
         */
        public String shortResumeCursor() {
            if (resumeCursor == null || resumeCursor.length() <= CURSOR_SHOWN_WHOLE) {
                return resumeCursor;
            }
            return resumeCursor.substring(0, CURSOR_SHOWN_WHOLE - 40) + "... (" + resumeCursor.length()
                    + " characters)";
        }
    }

    /**
     * A step reported progress ({@code ctx.progress(done, total, message)}), with the rate and
     * the estimated time left that the runner computes from the step's successive reports.
     *
     * @param total         negative when unknown
     * @param ratePerSecond items per second since the first report of this attempt (the
     *                      baseline moves back when {@code done} goes down, e.g. at the next
     *                      index); negative until there are two reports to compare
     * @param eta           the time left at that rate: {@code null} when the total or the rate is
     *                      unknown (or the rate is zero), zero once {@code done} reaches the total
     */
    record StepProgress(Instant time, String planId, String stepId, long done, long total, String message,
            double ratePerSecond, Duration eta) implements UpgradeEvent {

        /** Progress without rate or ETA. */
        public StepProgress(Instant time, String planId, String stepId, long done, long total, String message) {
            this(time, planId, stepId, done, total, message, -1, null);
        }

        /** True when this report completes a known total (an index, collection or node round finished). */
        public boolean reachedTotal() {
            return total >= 0 && done >= total;
        }

        /**
         * True for a notice, a report that counts nothing ({@code progress(0, -1, text)}: deprecation
         * warnings, indices kept read-only): its message is the news, and it has no rate.
         */
        public boolean isNotice() {
            return isNotice(done, total);
        }

        /** Whether a report of {@code done} out of {@code total} is a notice (see {@link #isNotice()}). */
        public static boolean isNotice(long done, long total) {
            return done == 0 && total < 0;
        }

        /**
         * For people: {@code "1200/5000 (24%), 40.0/s, ETA 1m 35s"}, a rate below one per second per
         * minute or hour ({@code "20.0/h"}); unknown parts are left out.
         */
        public String summary() {
            StringBuilder text = new StringBuilder().append(done);
            if (total >= 0) {
                text.append('/').append(total);
                if (total > 0) {
                    text.append(" (").append(Math.min(100, done * 100 / total)).append("%)");
                }
            }
            if (ratePerSecond >= 0) {
                text.append(", ").append(rate(ratePerSecond));
            }
            if (eta != null) {
                text.append(", ETA ").append(human(eta));
            }
            return text.toString();
        }

        /** Per second, or per minute or hour below one per second (a node every 3 minutes: "20.0/h", not "0.0/s"). */
        private static String rate(double perSecond) {
            if (perSecond >= 1 || perSecond == 0) {
                return String.format(java.util.Locale.ROOT, "%.1f/s", perSecond);
            }
            if (perSecond * 60 >= 1) {
                return String.format(java.util.Locale.ROOT, "%.1f/min", perSecond * 60);
            }
            return String.format(java.util.Locale.ROOT, "%.1f/h", perSecond * 3600);
        }

        private static String human(Duration d) {
            long s = Math.max(0, (d.toMillis() + 999) / 1000);
            if (s < 60) {
                return s + "s";
            }
            if (s < 3600) {
                return s / 60 + "m " + String.format("%02ds", s % 60);
            }
            return s / 3600 + "h " + String.format("%02dm", s % 3600 / 60);
        }
    }

    /**
     * The run waits for the plan's lease, held by another owner until {@code holderExpiresAt}; it
     * tries again until the runner's lock wait ({@code lockWait}) is used up. Published when the
     * wait begins and whenever another acquisition holds the lease.
     */
    record LeaseWaiting(Instant time, String planId, String holder, long holderToken, Instant holderExpiresAt,
            Duration lockWait) implements UpgradeEvent {
    }

    /**
     * A step has been running for {@code runningFor} (since its first attempt started) and is
     * still running. Published by the lease heartbeat (from the heartbeat's thread, every third of
     * the lease duration) once a step has run for 10 s or more, whatever the step reports itself,
     * so that a step that hangs is named; a run without heartbeat publishes none.
     */
    record StepStillRunning(Instant time, String planId, String stepId, Duration runningFor) implements UpgradeEvent {
    }

    /** A step failed with a transient error and will be retried after {@code delay}. */
    record StepRetrying(Instant time, String planId, String stepId, int failedAttempt, Duration delay, String error)
            implements UpgradeEvent {
    }

    /** A step finished successfully. */
    record StepSucceeded(Instant time, String planId, String stepId, int attempts, Duration duration)
            implements UpgradeEvent {
    }

    /** A step failed permanently or ran out of attempts; the run stops. */
    record StepFailed(Instant time, String planId, String stepId, int attempts, String errorType, String error)
            implements UpgradeEvent {
    }

    /** A step was not run: already done, marked skipped, or not compensable. */
    record StepSkipped(Instant time, String planId, String stepId, String reason) implements UpgradeEvent {
    }

    /** A step's compensation ran during rollback. */
    record StepCompensated(Instant time, String planId, String stepId) implements UpgradeEvent {
    }

    /** The point of no return was reached and the confirmation asked. */
    record ConfirmationRequested(Instant time, String planId, String stepId, String question) implements UpgradeEvent {
    }

    /** The confirmation answered. */
    record ConfirmationAnswered(Instant time, String planId, String stepId, boolean confirmed) implements UpgradeEvent {
    }

    /**
     * A worker claimed a partition of a partitioned step (its {@code attempts}-th start);
     * {@code resumesFromCursor} when the partition has a saved cursor to continue from.
     */
    record PartitionClaimed(Instant time, String planId, String stepId, String partitionId, String owner,
            int attempts, boolean resumesFromCursor) implements UpgradeEvent {
    }

    /**
     * A worker took over a partition that an earlier worker left RUNNING (its claim expired or was
     * released, e.g. the worker died); published before that claim's {@link PartitionClaimed}.
     */
    record PartitionTakenOver(Instant time, String planId, String stepId, String partitionId, String owner,
            boolean resumesFromCursor) implements UpgradeEvent {
    }

    /** A partition is done: its worker finished it after {@code attempts} starts in all. */
    record PartitionDone(Instant time, String planId, String stepId, String partitionId, String owner, int attempts,
            Duration duration) implements UpgradeEvent {
    }

    /** A partition failed (out of attempts or permanently); the step fails once the other partitions finish. */
    record PartitionFailed(Instant time, String planId, String stepId, String partitionId, String owner, int attempts,
            String error) implements UpgradeEvent {
    }
}
