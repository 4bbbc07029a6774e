package io.upgradesdk.upgrade;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every event through SLF4J (logger {@code io.upgradesdk.upgrade.events}): lifecycle at
 * INFO, progress at DEBUG, retries at WARN, failures at ERROR. Event texts are already redacted.
 */
public final class Slf4jUpgradeListener implements UpgradeListener {

    private final Logger log;

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
            log.info("[{}] step {} started (attempt {}{})", e.planId(), e.stepId(),
                    e.attempt(), e.resumeCursor() == null ? "" : ", resuming from " + e.resumeCursor());
        } else if (event instanceof UpgradeEvent.StepProgress e) {
            log.debug("[{}] step {}: {}/{} {}", e.planId(), e.stepId(), e.done(),
                    e.total() < 0 ? "?" : e.total(), e.message());
        } else if (event instanceof UpgradeEvent.StepRetrying e) {
            log.warn("[{}] step {} attempt {} failed, retrying in {} ms: {}",
                    e.planId(), e.stepId(), e.failedAttempt(), e.delay().toMillis(), e.error());
        } else if (event instanceof UpgradeEvent.StepSucceeded e) {
            log.info("[{}] step {} succeeded in {} ms", e.planId(), e.stepId(),
                    e.duration().toMillis());
        } else if (event instanceof UpgradeEvent.StepFailed e) {
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
}
