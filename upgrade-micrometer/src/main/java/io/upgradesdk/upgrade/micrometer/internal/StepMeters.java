package io.upgradesdk.upgrade.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The meters of one step of one plan (or of all steps of a plan when meters are not kept per
 * step), and the little state they need: when the step's run began, the last progress report.
 * Events of one step come from one thread at a time; the methods are synchronized all the same,
 * for steps whose partitions report from worker threads.
 */
public final class StepMeters {

    private final MeterFactory meters;
    private final Tags tags;
    private final Counter attempts;
    private final Counter succeeded;
    private final Timer succeededTime;
    // created when first needed: a run of a thousand steps registers only what it uses
    private Counter retries;
    private Counter items;
    private Counter failed;
    private Timer failedTime;
    private Counter skipped;
    private Counter compensated;
    private final Map<String, Counter> partitionEvents = new HashMap<>();

    private Instant runStartedAt;
    private boolean baselineOnFirstReport;
    private long lastDone = -1;
    private boolean gaugesRegistered;
    // plain fields written under this object's lock and read under it by the gauges (at a scrape):
    // volatile writes would cost three memory fences per progress report
    private double done = Double.NaN;
    private double total = Double.NaN;
    private double rate = Double.NaN;

    StepMeters(MeterFactory meters, String planId, String stepId) {
        this.meters = meters;
        this.tags = meters.stepTags(planId, stepId);
        this.attempts = meters.counter("step.attempts", "Step attempts started (first runs and retries)", tags);
        this.succeeded = outcomeCounter("succeeded");
        this.succeededTime = durationTimer("succeeded");
    }

    /** An attempt started; the first one (or the first this listener sees) starts the step's clock. */
    public synchronized void attemptStarted(Instant time, int attempt, boolean resuming) {
        attempts.increment();
        if (attempt <= 1 || runStartedAt == null) {
            runStartedAt = time;
        }
        baselineOnFirstReport = resuming;
        lastDone = -1;
        rate = Double.NaN;
    }

    public synchronized void retrying() {
        if (retries == null) {
            retries = meters.counter("step.retries", "Step attempts that failed with a transient error and were"
                    + " retried", tags);
        }
        retries.increment();
    }

    /**
     * A progress report: the items done since the previous report are counted (a first report
     * counts whole, unless the attempt resumed from a cursor: then it is only the baseline; a
     * report below the previous one starts a new count, e.g. the next index).
     */
    public synchronized void progress(long reportedDone, long reportedTotal, double ratePerSecond) {
        registerProgressMetersOnce();
        long newItems;
        if (lastDone < 0) {
            newItems = baselineOnFirstReport ? 0 : reportedDone;
        } else {
            newItems = reportedDone >= lastDone ? reportedDone - lastDone : reportedDone;
        }
        if (newItems > 0) {
            items.increment(newItems);
        }
        lastDone = reportedDone;
        done = reportedDone;
        total = reportedTotal >= 0 ? reportedTotal : Double.NaN;
        rate = ratePerSecond >= 0 ? ratePerSecond : Double.NaN;
    }

    /** The step succeeded after {@code duration} (as the runner measured it). */
    public synchronized void succeeded(Duration duration) {
        succeeded.increment();
        succeededTime.record(duration);
        ended();
    }

    /** The step failed for good at {@code time}; its duration runs from its first attempt's start. */
    public synchronized void failed(Instant time) {
        if (failed == null) {
            failed = outcomeCounter("failed");
            failedTime = durationTimer("failed");
        }
        failed.increment();
        if (runStartedAt != null) {
            failedTime.record(Duration.between(runStartedAt, time));
        }
        ended();
    }

    public synchronized void skipped() {
        if (skipped == null) {
            skipped = outcomeCounter("skipped");
        }
        skipped.increment();
    }

    public synchronized void compensated() {
        if (compensated == null) {
            compensated = outcomeCounter("compensated");
        }
        compensated.increment();
    }

    /** A partition of a partitioned step was claimed, taken over, done or failed ({@code event}). */
    public synchronized void partition(String event) {
        partitionEvents.computeIfAbsent(event, e -> meters.counter("step.partitions", "Partition events of"
                + " partitioned steps (claimed, taken_over, done, failed)", tags.and(MeterFactory.EVENT, e)))
                .increment();
    }

    private void ended() {
        runStartedAt = null;
        if (gaugesRegistered) {
            rate = 0;
        }
    }

    private void registerProgressMetersOnce() {
        if (gaugesRegistered) {
            return;
        }
        gaugesRegistered = true;
        items = meters.counter("step.items", "Items the step reported done (documents, rows, nodes...)", "items",
                tags);
        meters.gauge("step.items.done", "Items done at the step's last progress report", "items", tags, this,
                StepMeters::doneAtLastReport);
        meters.gauge("step.items.total", "Items in all at the step's last progress report (NaN when unknown)",
                "items", tags, this, StepMeters::totalAtLastReport);
        meters.gauge("step.items.rate", "Items per second at the step's last progress report (NaN when unknown,"
                + " 0 once the step ended)", "items/s", tags, this, StepMeters::rateAtLastReport);
    }

    private synchronized double doneAtLastReport() {
        return done;
    }

    private synchronized double totalAtLastReport() {
        return total;
    }

    private synchronized double rateAtLastReport() {
        return rate;
    }

    private Counter outcomeCounter(String outcome) {
        return meters.counter("step.outcomes", "Steps ended, by outcome (succeeded, failed, skipped, compensated)",
                tags.and(MeterFactory.OUTCOME, outcome));
    }

    private Timer durationTimer(String outcome) {
        return meters.timer("step.duration", "Time from a step's first attempt to its success or final failure",
                tags.and(MeterFactory.OUTCOME, outcome));
    }
}
