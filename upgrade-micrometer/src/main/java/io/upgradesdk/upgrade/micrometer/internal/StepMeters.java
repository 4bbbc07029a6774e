package io.upgradesdk.upgrade.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The counts of one step of one plan (or of all steps of a plan when meters are not kept per
 * step) and the meters that read them. An event only updates plain fields of this one object:
 * the counters and timers are function meters reading those fields at a scrape, registered once,
 * the first time each is needed. A run of a thousand steps thus touches one small object per
 * step rather than a dozen meter objects (adders, max windows), which is what made per-step meters
 * cost more than the runner itself. The gauges read the last progress report the same way.
 * Events of one step come from one thread at a time; the methods are synchronized all the same,
 * for steps whose partitions report from worker threads, and for the scrapes.
 */
public final class StepMeters {

    private static final String OUTCOMES = "step.outcomes";
    private static final String OUTCOMES_HELP = "Steps ended, by outcome (succeeded, failed, skipped, compensated)";
    private static final String DURATION = "step.duration";
    private static final String DURATION_HELP = "Time from a step's first attempt to its success or final failure";
    /**
     * The progress gauges of a step are registered at its first report this long (or more) after
     * its attempt started: a step that ends sooner has nothing to watch live, and registering three
     * gauges for each of a thousand quick steps cost more than running them.
     */
    public static final Duration GAUGES_AFTER = Duration.ofSeconds(1);
    private static final long GAUGES_AFTER_NANOS = GAUGES_AFTER.toNanos();

    private final MeterFactory meters;
    private final String planId;
    /** The step, or null when the steps of the plan share these meters. */
    private final String stepId;
    private final Tags tags;
    /**
     * The meters of the step that came after this one the last time; a hint for {@link RunMeters},
     * not volatile for the same reason as its {@code last} (checked with {@link #is}, final fields only).
     */
    private StepMeters successor;
    private final Map<String, Counter> partitionEvents = new HashMap<>();

    // counts, read by the function meters under this object's lock
    private long attempts;
    private long retries;
    private long items;
    private long succeeded;
    private long succeededNanos;
    private long failed;
    private long failedNanos;
    private long skipped;
    private long compensated;

    // which meters are registered: each when its first event happens
    private boolean attemptsRegistered;
    private boolean retriesRegistered;
    private boolean itemsRegistered;
    private boolean gaugesRegistered;
    private boolean succeededRegistered;
    private boolean failedRegistered;
    private boolean skippedRegistered;
    private boolean compensatedRegistered;

    private Instant runStartedAt;
    /** When the attempt running now started, or null (the listener missed its start). */
    private Instant attemptStartedAt;
    private boolean baselineOnFirstReport;
    private long lastDone = -1;
    // the last progress report, read by the gauges
    private double done = Double.NaN;
    private double total = Double.NaN;
    private double rate = Double.NaN;

    StepMeters(MeterFactory meters, String planId, String stepId) {
        this.meters = meters;
        this.planId = planId;
        this.stepId = meters.perStep() ? stepId : null;
        this.tags = meters.stepTags(planId, stepId);
    }

    /** Whether these are the meters of {@code step} of {@code plan} (identity first: events reuse the plan's strings). */
    boolean is(String plan, String step) {
        return (planId == plan || planId.equals(plan)) && (stepId == null || stepId == step || stepId.equals(step));
    }

    StepMeters successor() {
        return successor;
    }

    void successor(StepMeters next) {
        if (successor != next) {
            successor = next;
        }
    }

    /** An attempt started; the first one (or the first this listener sees) starts the step's clock. */
    public synchronized void attemptStarted(Instant time, int attempt, boolean resuming) {
        if (!attemptsRegistered) {
            attemptsRegistered = true;
            meters.functionCounter("step.attempts", "Step attempts started (first runs and retries)", null, tags,
                    this, StepMeters::attemptsCount);
        }
        attempts++;
        if (attempt <= 1 || runStartedAt == null) {
            runStartedAt = time;
        }
        attemptStartedAt = time;
        baselineOnFirstReport = resuming;
        lastDone = -1;
        rate = Double.NaN;
    }

    public synchronized void retrying() {
        if (!retriesRegistered) {
            retriesRegistered = true;
            meters.functionCounter("step.retries", "Step attempts that failed with a transient error and were"
                    + " retried", null, tags, this, StepMeters::retriesCount);
        }
        retries++;
    }

    /**
     * A progress report at {@code time}: the items done since the previous report are counted (a
     * first report counts whole, unless the attempt resumed from a cursor: then it is only the
     * baseline; a report below the previous one starts a new count, e.g. the next index). The
     * gauges show the report from {@link #GAUGES_AFTER} into the attempt on.
     */
    public synchronized void progress(Instant time, long reportedDone, long reportedTotal, double ratePerSecond) {
        if (!itemsRegistered) {
            itemsRegistered = true;
            meters.functionCounter("step.items", "Items the step reported done (documents, rows, nodes...)", "items",
                    tags, this, StepMeters::itemsCount);
        }
        if (!gaugesRegistered && runningLongEnoughToWatch(time)) {
            registerGauges();
        }
        long newItems;
        if (lastDone < 0) {
            newItems = baselineOnFirstReport ? 0 : reportedDone;
        } else {
            newItems = reportedDone >= lastDone ? reportedDone - lastDone : reportedDone;
        }
        if (newItems > 0) {
            items += newItems;
        }
        lastDone = reportedDone;
        done = reportedDone;
        total = reportedTotal >= 0 ? reportedTotal : Double.NaN;
        rate = ratePerSecond >= 0 ? ratePerSecond : Double.NaN;
    }

    /** The step succeeded after {@code duration} (as the runner measured it). */
    public synchronized void succeeded(Duration duration) {
        if (!succeededRegistered) {
            succeededRegistered = true;
            registerTimedOutcome("succeeded", StepMeters::succeededCount, StepMeters::succeededNanos);
        }
        succeeded++;
        succeededNanos += Math.max(0, duration.toNanos());
        ended();
    }

    /** The step failed for good at {@code time}; its duration runs from its first attempt's start. */
    public synchronized void failed(Instant time) {
        if (!failedRegistered) {
            failedRegistered = true;
            registerTimedOutcome("failed", StepMeters::failedCount, StepMeters::failedNanos);
        }
        failed++;
        if (runStartedAt != null) {
            failedNanos += Math.max(0, Duration.between(runStartedAt, time).toNanos());
        }
        ended();
    }

    public synchronized void skipped() {
        if (!skippedRegistered) {
            skippedRegistered = true;
            registerOutcome("skipped", StepMeters::skippedCount);
        }
        skipped++;
    }

    public synchronized void compensated() {
        if (!compensatedRegistered) {
            compensatedRegistered = true;
            registerOutcome("compensated", StepMeters::compensatedCount);
        }
        compensated++;
    }

    /** A partition of a partitioned step was claimed, taken over, done or failed ({@code event}). */
    public synchronized void partition(String event) {
        partitionEvents.computeIfAbsent(event, e -> meters.counter("step.partitions", "Partition events of"
                + " partitioned steps (claimed, taken_over, done, failed)", tags.and(MeterFactory.EVENT, e)))
                .increment();
    }

    private void ended() {
        runStartedAt = null;
        attemptStartedAt = null;
        if (gaugesRegistered) {
            rate = 0;
        }
    }

    private boolean runningLongEnoughToWatch(Instant time) {
        Instant since = attemptStartedAt;
        return since == null || time == null
                || (time.getEpochSecond() - since.getEpochSecond()) * 1_000_000_000L
                        + (time.getNano() - since.getNano()) >= GAUGES_AFTER_NANOS;
    }

    private void registerGauges() {
        gaugesRegistered = true;
        meters.gauge("step.items.done", "Items done at the step's last progress report", "items", tags, this,
                StepMeters::doneAtLastReport);
        meters.gauge("step.items.total", "Items in all at the step's last progress report (NaN when unknown)",
                "items", tags, this, StepMeters::totalAtLastReport);
        meters.gauge("step.items.rate", "Items per second at the step's last progress report (NaN when unknown,"
                + " 0 once the step ended)", "items/s", tags, this, StepMeters::rateAtLastReport);
    }

    /** The {@code step.outcomes} counter of {@code outcome}, read from {@code count}. */
    private void registerOutcome(String outcome, ToDoubleFunction<StepMeters> count) {
        meters.functionCounter(OUTCOMES, OUTCOMES_HELP, null, tags.and(MeterFactory.OUTCOME, outcome), this, count);
    }

    /** The outcome counter and the {@code step.duration} timer of an outcome that has a duration. */
    private void registerTimedOutcome(String outcome, ToLongFunction<StepMeters> count,
            ToDoubleFunction<StepMeters> nanos) {
        Tags outcomeTags = tags.and(MeterFactory.OUTCOME, outcome);
        meters.functionCounter(OUTCOMES, OUTCOMES_HELP, null, outcomeTags, this, count::applyAsLong);
        meters.functionTimer(DURATION, DURATION_HELP, outcomeTags, this, count, nanos);
    }

    // --- read by the meters at a scrape ----------------------------------------------------------

    private synchronized double attemptsCount() {
        return attempts;
    }

    private synchronized double retriesCount() {
        return retries;
    }

    private synchronized double itemsCount() {
        return items;
    }

    private synchronized long succeededCount() {
        return succeeded;
    }

    private synchronized double succeededNanos() {
        return succeededNanos;
    }

    private synchronized long failedCount() {
        return failed;
    }

    private synchronized double failedNanos() {
        return failedNanos;
    }

    private synchronized double skippedCount() {
        return skipped;
    }

    private synchronized double compensatedCount() {
        return compensated;
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
}
