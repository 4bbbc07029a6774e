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
 * event:
 * <ul>
 *   <li>the run's start and end, every step's start (so that a step that hangs is named), lease
 *       waits, confirmations, skips and compensations;</li>
 *   <li>a partitioned step's partition claims (the first {@value #CLAIM_LINES_PER_STEP} of each step
 *       start, later ones at DEBUG) and every takeover of an abandoned partition; a partition done
 *       at DEBUG, a partition failed at WARN;</li>
 *   <li>a step's success when it took {@value #SLOW_STEP_MILLIS} ms or more or needed more than one
 *       attempt; the success of a quick first attempt is implied by the next line and logged at
 *       DEBUG (a plan of a thousand quick steps logs a thousand lines, not three thousand);</li>
 *   <li>a step's progress (with rate and ETA) when it is the step's first report since it
 *       started, {@value #PROGRESS_INTERVAL_SECONDS} s or more (by the events' time) after the
 *       step's last INFO progress line, or the report that reaches its total
 *       ({@code done >= total}: an index or collection copied, a rolling upgrade's last node);
 *       every other report at DEBUG. When a step ends, its last report is logged at INFO first if
 *       it was not, so the final counts always appear.</li>
 * </ul>
 */
public final class Slf4jUpgradeListener implements UpgradeListener {

    /** The least time between two INFO progress lines of one step. */
    public static final int PROGRESS_INTERVAL_SECONDS = 10;

    /** A step succeeding at its first attempt in less time is logged at DEBUG. */
    public static final int SLOW_STEP_MILLIS = 1000;

    /** Partition claims of one step logged at INFO; later ones go to DEBUG (takeovers stay at INFO). */
    public static final int CLAIM_LINES_PER_STEP = 20;

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(PROGRESS_INTERVAL_SECONDS);

    private record StepKey(String planId, String stepId) {
    }

    private final Logger log;
    private final Map<StepKey, StepProgressLog> progressByStep = new ConcurrentHashMap<>();
    private final Map<StepKey, AtomicInteger> claimLinesByStep = new ConcurrentHashMap<>();

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
        } else if (event instanceof UpgradeEvent.StepFailed e) {
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
        } else if (log.isInfoEnabled()) {
            onRareEvent(event);
        }
    }

    private void onClaimed(UpgradeEvent.PartitionClaimed e) {
        int line = claimLinesByStep.computeIfAbsent(new StepKey(e.planId(), e.stepId()), k -> new AtomicInteger())
                .incrementAndGet();
        String pattern = "[{}] step {}: partition {} claimed by {} (attempt {}{})";
        Object[] arguments = {e.planId(), e.stepId(), e.partitionId(), e.owner(), e.attempts(),
                e.resumesFromCursor() ? ", resuming from its cursor" : ""};
        if (line <= CLAIM_LINES_PER_STEP) {
            log.info(pattern, arguments);
            if (line == CLAIM_LINES_PER_STEP) {
                log.info("[{}] step {}: further partition claims are logged at DEBUG", e.planId(), e.stepId());
            }
        } else {
            log.debug(pattern, arguments);
        }
    }

    private void onRareEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.PlanStarted e) {
            log.info("[{}] {} started (lease token {})", e.planId(), e.operation(), e.leaseToken());
        } else if (event instanceof UpgradeEvent.PlanFinished e) {
            log.info("[{}] {} finished: {} in {} ms", e.planId(), e.operation(), e.outcome(), e.duration().toMillis());
        } else if (event instanceof UpgradeEvent.LeaseWaiting e) {
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

    private void onStarted(UpgradeEvent.StepStarted e) {
        if (!progressByStep.isEmpty()) {
            progressByStep.remove(new StepKey(e.planId(), e.stepId()));
        }
        if (!claimLinesByStep.isEmpty()) {
            claimLinesByStep.remove(new StepKey(e.planId(), e.stepId()));
        }
        if (!log.isInfoEnabled()) {
            return;
        }
        if (e.resumeCursor() != null) {
            log.info("[{}] step {} started (attempt {}, resuming from {})", e.planId(), e.stepId(), e.attempt(),
                    e.resumeCursor());
        } else if (e.attempt() > 1) {
            log.info("[{}] step {} started (attempt {})", e.planId(), e.stepId(), e.attempt());
        } else {
            log.info("[{}] step {} started", e.planId(), e.stepId());
        }
    }

    private void onSucceeded(UpgradeEvent.StepSucceeded e) {
        flushProgress(e.planId(), e.stepId());
        long millis = e.duration().toMillis();
        boolean slow = millis >= SLOW_STEP_MILLIS || e.attempts() > 1;
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

    private void onProgress(UpgradeEvent.StepProgress e) {
        boolean info = log.isInfoEnabled();
        if (!info && !log.isDebugEnabled()) {
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

        /** True when {@code e} is to be logged at INFO (and is then counted as logged). */
        synchronized boolean offer(UpgradeEvent.StepProgress e) {
            boolean due = lastLogged == null || e.reachedTotal()
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
    }
}
