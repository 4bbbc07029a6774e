package io.upgradesdk.upgrade;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every event through SLF4J (logger {@code io.upgradesdk.upgrade.events}): lifecycle, lease
 * waits and progress at INFO, retries at WARN, failures at ERROR. Event texts are already redacted.
 *
 * <p>Progress (with rate and ETA) is logged at INFO at a bounded rate, so that a log at INFO shows
 * hours of copying without flooding. A progress event is logged at INFO when it is
 * <ul>
 *   <li>the step's first since it started,</li>
 *   <li>{@value #PROGRESS_INTERVAL_SECONDS} s or more (by the events' time) after the step's last
 *       INFO progress line, or</li>
 *   <li>the one that reaches its total ({@code done >= total}): that is how a copy reports an
 *       index or collection finished and a rolling upgrade its last node;</li>
 * </ul>
 * every other one at DEBUG. When a step ends, its last progress is logged at INFO first if it was
 * not, so the final counts always appear.
 */
public final class Slf4jUpgradeListener implements UpgradeListener {

    /** The least time between two INFO progress lines of one step. */
    public static final int PROGRESS_INTERVAL_SECONDS = 10;

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(PROGRESS_INTERVAL_SECONDS);

    private final Logger log;
    private final Map<String, StepProgressLog> progressByStep = new ConcurrentHashMap<>();

    public Slf4jUpgradeListener() {
        this(LoggerFactory.getLogger("io.upgradesdk.upgrade.events"));
    }

    public Slf4jUpgradeListener(Logger log) {
        this.log = log;
    }

    @Override
    public void onEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.PlanStarted e) {
            log.info("[{}] {} started (lease token {})", e.planId(), e.operation(),
                    e.leaseToken());
        } else if (event instanceof UpgradeEvent.PlanFinished e) {
            log.info("[{}] {} finished: {} in {} ms", e.planId(), e.operation(),
                    e.outcome(), e.duration().toMillis());
        } else if (event instanceof UpgradeEvent.StepStarted e) {
            progressByStep.remove(key(e.planId(), e.stepId()));
            log.info("[{}] step {} started (attempt {}{})", e.planId(), e.stepId(),
                    e.attempt(), e.resumeCursor() == null ? "" : ", resuming from " + e.resumeCursor());
        } else if (event instanceof UpgradeEvent.StepProgress e) {
            onProgress(e);
        } else if (event instanceof UpgradeEvent.LeaseWaiting e) {
            log.info("[{}] waiting for the lease held by '{}' (token {}) until {}; waiting up to {} s", e.planId(),
                    e.holder(), e.holderToken(), e.holderExpiresAt(), e.lockWait().toSeconds());
        } else if (event instanceof UpgradeEvent.StepRetrying e) {
            log.warn("[{}] step {} attempt {} failed, retrying in {} ms: {}",
                    e.planId(), e.stepId(), e.failedAttempt(), e.delay().toMillis(), e.error());
        } else if (event instanceof UpgradeEvent.StepSucceeded e) {
            flushProgress(e.planId(), e.stepId());
            log.info("[{}] step {} succeeded in {} ms", e.planId(), e.stepId(),
                    e.duration().toMillis());
        } else if (event instanceof UpgradeEvent.StepFailed e) {
            flushProgress(e.planId(), e.stepId());
            log.error("[{}] step {} failed after {} attempt(s): {}", e.planId(),
                    e.stepId(), e.attempts(), e.error());
        } else if (event instanceof UpgradeEvent.StepSkipped e) {
            log.info("[{}] step {} skipped: {}", e.planId(), e.stepId(), e.reason());
        } else if (event instanceof UpgradeEvent.StepCompensated e) {
            log.info("[{}] step {} compensated", e.planId(), e.stepId());
        } else if (event instanceof UpgradeEvent.ConfirmationRequested e) {
            log.info("[{}] confirmation asked: {}", e.planId(), e.question());
        } else if (event instanceof UpgradeEvent.ConfirmationAnswered e) {
            log.info("[{}] confirmation for {}: {}", e.planId(), e.stepId(),
                    e.confirmed() ? "yes" : "no");
        }
    }

    private void onProgress(UpgradeEvent.StepProgress e) {
        StepProgressLog step = progressByStep.computeIfAbsent(key(e.planId(), e.stepId()), k -> new StepProgressLog());
        if (step.offer(e)) {
            logProgress(e);
        } else if (log.isDebugEnabled()) {
            log.debug("[{}] step {}: {} {}", e.planId(), e.stepId(), e.summary(), e.message());
        }
    }

    private void flushProgress(String planId, String stepId) {
        StepProgressLog step = progressByStep.remove(key(planId, stepId));
        UpgradeEvent.StepProgress last = step == null ? null : step.unlogged();
        if (last != null) {
            logProgress(last);
        }
    }

    private void logProgress(UpgradeEvent.StepProgress e) {
        log.info("[{}] step {}: {} {}", e.planId(), e.stepId(), e.summary(), e.message());
    }

    private static String key(String planId, String stepId) {
        return planId + '\u0000' + stepId;
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
