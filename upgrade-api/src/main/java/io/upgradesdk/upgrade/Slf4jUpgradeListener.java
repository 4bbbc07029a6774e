package io.upgradesdk.upgrade;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the runner's events through SLF4J (logger {@code io.upgradesdk.upgrade.events}): lifecycle,
 * lease waits and progress at INFO, retries at WARN, failures at ERROR. Event texts are already
 * redacted. A message is built only when its level is enabled.
 *
 * <p>At INFO a run shows what runs now and how far it got, at a bounded rate, without a line per
 * step or per event (a plan of a thousand quick steps logs a handful of lines):
 * <ul>
 *   <li>the run's start and end (with the number of steps that succeeded in it), lease waits (the
 *       holder, its token and its lease's expiry), a start that resumes from a cursor (a cursor
 *       longer than 200 characters cut to its start and its length),
 *       confirmations, compensations and skips other than "already done";</li>
 *   <li>a plan progress line, "[plan] N step(s) done, step X started", when a step starts
 *       {@value #PROGRESS_INTERVAL_SECONDS} s or more (by the events' time) after the run's start or
 *       its last such line; every other first attempt's start at DEBUG. A start that retries
 *       (attempt 2 or later) or resumes from a cursor is always at INFO;</li>
 *   <li>a step that has been running for 10 s or more: the runner's heartbeat reports it
 *       ({@link UpgradeEvent.StepStillRunning}), logged at INFO unless the step logged its progress
 *       at INFO within the last {@value #PROGRESS_INTERVAL_SECONDS} s, so that a step that hangs is
 *       named. A run without heartbeat ({@code heartbeat(false)}, meant for steps shorter than the
 *       lease) gets no such event: there the step running is named at INFO only by the last plan
 *       progress line, at DEBUG by its start;</li>
 *   <li>steps already done by an earlier run: one line per run of consecutive such steps ("[plan]
 *       431 step(s) already done, not run again: step-0 .. step-430"), each at DEBUG;</li>
 *   <li>a partitioned step's partition claims (the first {@value #CLAIM_LINES_PER_STEP} of each step
 *       start, later ones at DEBUG) and every takeover of an abandoned partition; a partition done
 *       at DEBUG, a partition failed at WARN;</li>
 *   <li>a step's success when it took {@value #SLOW_STEP_MILLIS} ms or more or needed more than one
 *       attempt; the success of a quick first attempt at DEBUG;</li>
 *   <li>a step's progress (with rate and ETA), from the step's first {@value #SLOW_STEP_MILLIS} ms
 *       on: its first report after that, a report {@value #PROGRESS_INTERVAL_SECONDS} s or more (by
 *       the events' time) after the step's last INFO progress line, and a report that reaches its
 *       total ({@code done >= total}: an index or collection copied, a rolling upgrade's last node;
 *       the first one only, when later reports of that total and text go past it: a copy of an
 *       index written meanwhile reads more than it counted);
 *       every other report at DEBUG. When a step ends, its last report is logged at INFO first if
 *       it was not and the step's end is at INFO (slow, retried or failed), so the final counts
 *       always appear; a quick step's reports stay at DEBUG;</li>
 *   <li>a notice, a report that counts nothing ({@code progress(0, -1, text)}: deprecation
 *       warnings, indices kept read-only, why a copy runs client-side), each one at INFO as its
 *       text alone, however quick the step: it is no count that a later report supersedes, and a
 *       count of "0" (and a rate of "0.0/s") before it would misread it.</li>
 * </ul>
 *
 * <p>Thread-safe: events may come from the run's thread, partition workers and the heartbeat.
 */
public final class Slf4jUpgradeListener implements UpgradeListener {

    /** The least time between two INFO progress lines of one step, and between two plan progress lines. */
    public static final int PROGRESS_INTERVAL_SECONDS = 10;

    /**
     * A step succeeding at its first attempt in less time is logged at DEBUG; a step's progress in
     * its first this many ms is at DEBUG.
     */
    public static final int SLOW_STEP_MILLIS = 1000;

    /** Partition claims of one step logged at INFO; later ones go to DEBUG (takeovers stay at INFO). */
    public static final int CLAIM_LINES_PER_STEP = 20;

    private static final String ALREADY_DONE = "already done";
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(PROGRESS_INTERVAL_SECONDS);
    private static final long PROGRESS_INTERVAL_MILLIS = PROGRESS_INTERVAL.toMillis();

    private record StepKey(String planId, String stepId) {
    }

    private final Logger log;
    private final Map<StepKey, StepProgressLog> progressByStep = new ConcurrentHashMap<>();
    private final Map<StepKey, AtomicInteger> claimLinesByStep = new ConcurrentHashMap<>();
    private final Map<String, PlanLog> plans = new ConcurrentHashMap<>();
    /** The plan of the last event: a run's events come in a row, so most need no map lookup. */
    private volatile PlanLog lastPlan;

    /** Logs to the logger {@code io.upgradesdk.upgrade.events}. */
    public Slf4jUpgradeListener() {
        this(LoggerFactory.getLogger("io.upgradesdk.upgrade.events"));
    }

    /** Logs to {@code log}. */
    public Slf4jUpgradeListener(Logger log) {
        this.log = log;
    }

    @Override
    public void onEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.StepProgress e) {
            onProgress(e);
        } else if (event instanceof UpgradeEvent.StepStarted e) {
            onStarted(e);
        } else if (event instanceof UpgradeEvent.StepSucceeded e) {
            onSucceeded(e);
        } else if (event instanceof UpgradeEvent.StepSkipped e && ALREADY_DONE.equals(e.reason())) {
            onAlreadyDone(e);
        } else if (event instanceof UpgradeEvent.PlanStarted e) {
            onPlanStarted(e);
        } else {
            flushAlreadyDone(event.planId());
            onOtherEvent(event);
        }
    }

    private void onOtherEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.StepFailed e) {
            flushHeldBack(e.planId(), e.stepId());
            flushProgress(e.planId(), e.stepId());
            log.error("[{}] step {} failed after {} attempt(s): {}", e.planId(), e.stepId(), e.attempts(), e.error());
        } else if (event instanceof UpgradeEvent.StepRetrying e) {
            log.warn("[{}] step {} attempt {} failed, retrying in {} ms: {}", e.planId(), e.stepId(),
                    e.failedAttempt(), e.delay().toMillis(), e.error());
        } else if (event instanceof UpgradeEvent.PartitionFailed e) {
            log.warn("[{}] step {}: partition {} failed after {} attempt(s) on {}: {}", e.planId(), e.stepId(),
                    e.partitionId(), e.attempts(), e.owner(), e.error());
        } else if (event instanceof UpgradeEvent.PartitionClaimed e) {
            onClaimed(e);
        } else if (event instanceof UpgradeEvent.StepStillRunning e) {
            onStillRunning(e);
        } else if (event instanceof UpgradeEvent.PlanFinished e) {
            onPlanFinished(e);
        } else if (log.isInfoEnabled()) {
            onRareEvent(event);
        }
    }

    private void onClaimed(UpgradeEvent.PartitionClaimed e) {
        int line = claimLinesByStep.computeIfAbsent(new StepKey(e.planId(), e.stepId()), k -> new AtomicInteger())
                .incrementAndGet();
        boolean info = line <= CLAIM_LINES_PER_STEP;
        if (info ? !log.isInfoEnabled() : !log.isDebugEnabled()) {
            return;     // no arguments built for a line not logged
        }
        String pattern = "[{}] step {}: partition {} claimed by {} (attempt {}{})";
        Object[] arguments = {e.planId(), e.stepId(), e.partitionId(), e.owner(), e.attempts(),
                e.resumesFromCursor() ? ", resuming from its cursor" : ""};
        if (info) {
            log.info(pattern, arguments);
            if (line == CLAIM_LINES_PER_STEP) {
                log.info("[{}] step {}: further partition claims are logged at DEBUG", e.planId(), e.stepId());
            }
        } else {
            log.debug(pattern, arguments);
        }
    }

    private void onRareEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.LeaseWaiting e) {
            log.info("[{}] waiting for the lease held by '{}' (token {}) until {}; waiting up to {} s", e.planId(),
                    e.holder(), e.holderToken(), e.holderExpiresAt(), e.lockWait().toSeconds());
        } else if (event instanceof UpgradeEvent.StepSkipped e) {
            log.info("[{}] step {} skipped: {}", e.planId(), e.stepId(), e.reason());
        } else if (event instanceof UpgradeEvent.StepCompensated e) {
            log.info("[{}] step {} compensated", e.planId(), e.stepId());
        } else if (event instanceof UpgradeEvent.ConfirmationRequested e) {
            log.info("[{}] confirmation asked: {}", e.planId(), e.question());
        } else if (event instanceof UpgradeEvent.PartitionTakenOver e) {
            log.info("[{}] step {}: partition {} taken over by {} from an expired or released claim{}", e.planId(),
                    e.stepId(), e.partitionId(), e.owner(), e.resumesFromCursor() ? ", resuming from its cursor" : "");
        } else if (event instanceof UpgradeEvent.PartitionDone e) {
            log.debug("[{}] step {}: partition {} done by {} in {} ms (attempts: {})", e.planId(), e.stepId(),
                    e.partitionId(), e.owner(), e.duration().toMillis(), e.attempts());
        } else if (event instanceof UpgradeEvent.ConfirmationAnswered e) {
            log.info("[{}] confirmation for {}: {}", e.planId(), e.stepId(), e.confirmed() ? "yes" : "no");
        }
    }

    // --- a run's lifecycle and the plan progress line ---------------------------------------------

    private void onPlanStarted(UpgradeEvent.PlanStarted e) {
        PlanLog plan = new PlanLog(e.planId(), e.time());
        plans.put(e.planId(), plan);
        lastPlan = plan;
        if (log.isInfoEnabled()) {
            log.info("[{}] {} started (lease token {})", e.planId(), e.operation(), e.leaseToken());
        }
    }

    private void onPlanFinished(UpgradeEvent.PlanFinished e) {
        PlanLog plan = plans.remove(e.planId());
        if (plan != null && lastPlan == plan) {
            lastPlan = null;
        }
        long succeeded = plan == null ? 0 : plan.succeeded();
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info("[{}] {} finished: {} in {} ms ({} step(s) succeeded in this run)", e.planId(), e.operation(),
                e.outcome(), e.duration().toMillis(), succeeded);
    }

    /** The log state of {@code planId}'s run, created if the listener missed its start. */
    private PlanLog plan(String planId, Instant time) {
        PlanLog last = lastPlan;
        if (last != null && (last.planId == planId || last.planId.equals(planId))) {
            return last;
        }
        PlanLog plan = plans.computeIfAbsent(planId, id -> new PlanLog(id, time));
        lastPlan = plan;
        return plan;
    }

    private void onStarted(UpgradeEvent.StepStarted e) {
        if (!progressByStep.isEmpty()) {
            progressByStep.remove(new StepKey(e.planId(), e.stepId()));
        }
        if (!claimLinesByStep.isEmpty()) {
            claimLinesByStep.remove(new StepKey(e.planId(), e.stepId()));
        }
        PlanLog plan = plan(e.planId(), e.time());
        logAlreadyDone(plan.takeAlreadyDone());
        long succeededIfLineDue = plan.started(e.stepId(), e.time());
        if (!log.isInfoEnabled()) {
            return;
        }
        if (e.resumeCursor() != null) {
            log.info("[{}] step {} started (attempt {}, resuming from {})", e.planId(), e.stepId(), e.attempt(),
                    e.shortResumeCursor());
        } else if (e.attempt() > 1) {
            log.info("[{}] step {} started (attempt {})", e.planId(), e.stepId(), e.attempt());
        } else if (succeededIfLineDue >= 0) {
            log.info("[{}] {} step(s) done, step {} started", e.planId(), succeededIfLineDue, e.stepId());
        } else if (log.isDebugEnabled()) {
            log.debug("[{}] step {} started", e.planId(), e.stepId());
        }
    }

    private void onSucceeded(UpgradeEvent.StepSucceeded e) {
        long millis = e.duration().toMillis();
        boolean slow = millis >= SLOW_STEP_MILLIS || e.attempts() > 1;
        UpgradeEvent.StepProgress heldBack = plan(e.planId(), e.time()).ended(e.stepId(), true);
        if (slow && heldBack != null && log.isInfoEnabled()) {
            logProgress(heldBack);
        }
        flushProgress(e.planId(), e.stepId());
        if (slow ? log.isInfoEnabled() : log.isDebugEnabled()) {
            String pattern = "[{}] step {} succeeded in {} ms (attempts: {})";
            Object[] arguments = {e.planId(), e.stepId(), millis, e.attempts()};
            if (slow) {
                log.info(pattern, arguments);
            } else {
                log.debug(pattern, arguments);
            }
        }
    }

    /** A failed step's report held back in its first second is logged at INFO. */
    private void flushHeldBack(String planId, String stepId) {
        PlanLog plan = plans.get(planId);
        UpgradeEvent.StepProgress heldBack = plan == null ? null : plan.ended(stepId, false);
        if (heldBack != null && log.isInfoEnabled()) {
            logProgress(heldBack);
        }
    }

    private void onStillRunning(UpgradeEvent.StepStillRunning e) {
        StepProgressLog progress = progressByStep.isEmpty() ? null
                : progressByStep.get(new StepKey(e.planId(), e.stepId()));
        boolean recentProgress = progress != null && progress.loggedWithin(e.time(), PROGRESS_INTERVAL);
        if (!recentProgress ? !log.isInfoEnabled() : !log.isDebugEnabled()) {
            return;
        }
        String pattern = "[{}] step {} still running after {} s";
        Object[] arguments = {e.planId(), e.stepId(), e.runningFor().toSeconds()};
        if (!recentProgress) {
            log.info(pattern, arguments);
        } else {
            log.debug(pattern, arguments);
        }
    }

    // --- steps already done ------------------------------------------------------------------------

    private void onAlreadyDone(UpgradeEvent.StepSkipped e) {
        plan(e.planId(), e.time()).alreadyDone(e.stepId());
        if (log.isDebugEnabled()) {
            log.debug("[{}] step {} skipped: {}", e.planId(), e.stepId(), e.reason());
        }
    }

    private void flushAlreadyDone(String planId) {
        PlanLog plan = plans.get(planId);
        if (plan != null) {
            logAlreadyDone(plan.takeAlreadyDone());
        }
    }

    private void logAlreadyDone(AlreadyDone done) {
        if (done == null || !log.isInfoEnabled()) {
            return;
        }
        if (done.count() == 1) {
            log.info("[{}] step {} skipped: {}", done.planId(), done.first(), ALREADY_DONE);
        } else {
            log.info("[{}] {} steps already done, not run again: {} .. {}", done.planId(), done.count(), done.first(),
                    done.last());
        }
    }

    // --- progress ----------------------------------------------------------------------------------

    private void onProgress(UpgradeEvent.StepProgress e) {
        boolean info = log.isInfoEnabled();
        if (!info && !log.isDebugEnabled()) {
            return;
        }
        if (e.isNotice()) {
            if (info) {
                log.info("[{}] step {}: {}", e.planId(), e.stepId(), e.message());
            }
            return;
        }
        if (plan(e.planId(), e.time()).holdBack(e)) {
            if (log.isDebugEnabled()) {
                log.debug("[{}] step {}: {} {}", e.planId(), e.stepId(), e.summary(), e.message());
            }
            return;
        }
        StepProgressLog step = progressByStep.computeIfAbsent(new StepKey(e.planId(), e.stepId()),
                k -> new StepProgressLog());
        if (step.offer(e) && info) {
            logProgress(e);
        } else if (log.isDebugEnabled()) {
            log.debug("[{}] step {}: {} {}", e.planId(), e.stepId(), e.summary(), e.message());
        }
    }

    private void flushProgress(String planId, String stepId) {
        if (progressByStep.isEmpty()) {
            return;
        }
        StepProgressLog step = progressByStep.remove(new StepKey(planId, stepId));
        UpgradeEvent.StepProgress last = step == null ? null : step.unlogged();
        if (last != null && log.isInfoEnabled()) {
            logProgress(last);
        }
    }

    private void logProgress(UpgradeEvent.StepProgress e) {
        log.info("[{}] step {}: {} {}", e.planId(), e.stepId(), e.summary(), e.message());
    }

    /** The INFO rate limit of one step's progress: when it last logged, and what it held back since. */
    private static final class StepProgressLog {
        private Instant lastLogged;
        private UpgradeEvent.StepProgress heldBack;
        /** The total the last report reached (it was at or past it), or -1, and that report's message. */
        private long totalReached = -1;
        private String totalReachedBy;

        /** True when {@code e} is to be logged at INFO (and is then counted as logged). */
        synchronized boolean offer(UpgradeEvent.StepProgress e) {
            // past the total the last report (of the same text) reached, a report is no news
            boolean reachesTotal = e.reachedTotal()
                    && !(e.total() == totalReached && java.util.Objects.equals(e.message(), totalReachedBy));
            totalReached = e.reachedTotal() ? e.total() : -1;
            totalReachedBy = e.message();
            boolean due = lastLogged == null || reachesTotal
                    || !e.time().isBefore(lastLogged.plus(PROGRESS_INTERVAL));
            if (due) {
                lastLogged = e.time();
                heldBack = null;
            } else {
                heldBack = e;
            }
            return due;
        }

        /** The last progress event not logged at INFO, or null. */
        synchronized UpgradeEvent.StepProgress unlogged() {
            return heldBack;
        }

        /** Whether a progress line was logged at INFO less than {@code interval} before {@code time}. */
        synchronized boolean loggedWithin(Instant time, Duration interval) {
            return lastLogged != null && time.isBefore(lastLogged.plus(interval));
        }
    }

    /** A run of consecutive steps already done, to be logged as one line. */
    private record AlreadyDone(String planId, int count, String first, String last) {
    }

    /**
     * The INFO state of one plan's run: the step running now and since when (its first second's
     * progress is held back), the steps that succeeded, when the last plan progress line was
     * logged, and the steps already done not yet logged. Times are epoch milliseconds of the events.
     */
    private static final class PlanLog {
        final String planId;
        private long lastPlanLineMillis;
        private long succeeded;
        private String currentStep;
        private long currentStepSinceMillis;
        private UpgradeEvent.StepProgress heldBack;
        /** Steps already done not yet logged; volatile for the lock-free check of a run with none. */
        private volatile int alreadyDone;
        private String firstAlreadyDone;
        private String lastAlreadyDone;

        PlanLog(String planId, Instant started) {
            this.planId = planId;
            this.lastPlanLineMillis = started.toEpochMilli();
        }

        /**
         * {@code stepId} starts an attempt at {@code time}: returns the steps succeeded so far when a
         * plan progress line is due (and counts it as logged), else -1.
         */
        synchronized long started(String stepId, Instant time) {
            long millis = time.toEpochMilli();
            if (currentStep == null || !currentStep.equals(stepId)) {
                heldBack = null;
            }
            currentStep = stepId;
            currentStepSinceMillis = millis;
            if (millis - lastPlanLineMillis >= PROGRESS_INTERVAL_MILLIS) {
                lastPlanLineMillis = millis;
                return succeeded;
            }
            return -1;
        }

        /**
         * Keeps {@code e} back (to be logged at DEBUG) when it is a report of the current step in
         * its attempt's first {@value #SLOW_STEP_MILLIS} ms.
         */
        synchronized boolean holdBack(UpgradeEvent.StepProgress e) {
            if (currentStep == null || !currentStep.equals(e.stepId())) {
                return false;
            }
            if (e.time().toEpochMilli() - currentStepSinceMillis >= SLOW_STEP_MILLIS) {
                heldBack = null;        // superseded by a report past the first second
                return false;
            }
            heldBack = e;
            return true;
        }

        /** {@code stepId} ended (succeeded or failed): its held-back report, or null. */
        synchronized UpgradeEvent.StepProgress ended(String stepId, boolean success) {
            UpgradeEvent.StepProgress last = null;
            if (currentStep != null && currentStep.equals(stepId)) {
                last = heldBack;
                heldBack = null;
                currentStep = null;
            }
            if (success) {
                succeeded++;
            }
            return last;
        }

        synchronized long succeeded() {
            return succeeded;
        }

        synchronized void alreadyDone(String stepId) {
            if (alreadyDone == 0) {
                firstAlreadyDone = stepId;
            }
            lastAlreadyDone = stepId;
            alreadyDone = alreadyDone + 1;
        }

        /** The steps already done since the last call, or null if none. */
        AlreadyDone takeAlreadyDone() {
            if (alreadyDone == 0) {
                return null;        // the usual case, without taking the lock
            }
            synchronized (this) {
                if (alreadyDone == 0) {
                    return null;
                }
                AlreadyDone done = new AlreadyDone(planId, alreadyDone, firstAlreadyDone, lastAlreadyDone);
                alreadyDone = 0;
                firstAlreadyDone = null;
                lastAlreadyDone = null;
                return done;
            }
        }
    }
}
