package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepScopeListener;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of one runner operation on one plan shares: the settings, the plan, the store
 * (checked against its contract), the secrets and their redactor, events, the clock and sleeper.
 */
final class OperationScope {

    private static final Logger LOG = LoggerFactory.getLogger(OperationScope.class);

    private final RunnerSettings settings;
    private final UpgradePlan plan;
    private final CheckpointStore store;
    private final Map<String, Secret> secrets;
    private final Redactor redactor;
    private final Map<RetryPolicy, Attempts> attempts = new IdentityHashMap<>();
    private final ProgressRates progressRates = new ProgressRates();
    /** The listeners as an array: each event is dispatched without an iterator. */
    private final UpgradeListener[] listeners;
    /** Those of the listeners that wrap each step attempt; empty for most runs. */
    private final StepScopeListener[] stepScopeListeners;
    /** Whether the step running is tracked: only the heartbeat reads it, only for listeners. */
    private final boolean trackRunningStep;
    /** The step running now and since when (for the heartbeat's StepStillRunning), or null. */
    private volatile RunningStep runningStep;

    private record RunningStep(String stepId, Instant since) {
    }

    /** How long a step runs before the heartbeat reports it as still running. */
    static final Duration STILL_RUNNING_AFTER = Duration.ofSeconds(10);

    OperationScope(RunnerSettings settings, UpgradePlan plan) {
        this.settings = settings;
        this.plan = plan;
        this.store = new ContractCheckedStore(settings.store());
        Map<String, Secret> all = new LinkedHashMap<>(settings.secrets());
        plan.secrets().forEach(s -> all.putIfAbsent(s.name(), s));
        this.secrets = Map.copyOf(all);
        this.redactor = new Redactor(all.values());
        this.listeners = settings.listeners().toArray(new UpgradeListener[0]);
        this.stepScopeListeners = Arrays.stream(listeners).filter(StepScopeListener.class::isInstance)
                .map(StepScopeListener.class::cast).toArray(StepScopeListener[]::new);
        this.trackRunningStep = listeners.length > 0 && settings.heartbeat();
    }

    RunnerSettings settings() {
        return settings;
    }

    UpgradePlan plan() {
        return plan;
    }

    String planId() {
        return plan.id();
    }

    /** The runner's store, every answer checked against the {@code CheckpointStore} contract. */
    CheckpointStore store() {
        return store;
    }

    Map<String, Secret> secrets() {
        return secrets;
    }

    Redactor redactor() {
        return redactor;
    }

    /** The retry decisions of {@code policy}, shared by every use of that policy in this operation. */
    Attempts attemptsFor(RetryPolicy policy) {
        return attempts.computeIfAbsent(policy, p -> new Attempts(plan.id(), p));
    }

    /**
     * Whether any listener will receive events: without, the runner builds none (no event record,
     * no clock read, no lookup made only for an event).
     */
    boolean hasListeners() {
        return listeners.length > 0;
    }

    /** Hands the event to every listener; a failing listener is logged and does not stop the run. */
    void emit(UpgradeEvent event) {
        for (UpgradeListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed on {}: {}", listener, event.getClass().getSimpleName(),
                        redactor.redact(e.getMessage()));
            }
        }
    }

    /**
     * Enters the scopes of the {@link StepScopeListener}s on this thread for an attempt of
     * {@code stepId} (or its partition {@code partitionId}); close what it returns on this thread
     * when the attempt ends. A listener that fails is logged and left out.
     */
    StepScopes enterStep(String stepId, String partitionId) {
        if (stepScopeListeners.length == 0) {
            return StepScopes.NONE;
        }
        StepScopeListener.StepScope[] entered = new StepScopeListener.StepScope[stepScopeListeners.length];
        for (int i = 0; i < stepScopeListeners.length; i++) {
            StepScopeListener listener = stepScopeListeners[i];
            try {
                entered[i] = listener.enterStep(planId(), stepId, partitionId);
                if (entered[i] == null) {
                    LOG.warn("listener {} returned no scope from enterStep for step '{}' (contract: StepScope.NONE"
                            + " for nothing); the step runs without it", listener, stepId);
                }
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed to enter step '{}': {}; the step runs without its scope", listener,
                        stepId, redactor.redact(e.getMessage()));
            }
        }
        return new StepScopes(entered, this::scopeCloseFailed);
    }

    private void scopeCloseFailed(RuntimeException e) {
        LOG.warn("a step scope failed to close: {}", redactor.redact(e.getMessage()));
    }

    /** An attempt of {@code stepId} starts: its progress rate is measured afresh. */
    void restartProgress(String stepId) {
        if (listeners.length > 0) {
            progressRates.forget(stepId);
        }
    }

    /**
     * {@code stepId} ended (succeeded, failed or compensated): its rate baseline is dropped, so the
     * baselines kept are those of the steps running, not of every step of the plan.
     */
    void endProgress(String stepId) {
        if (listeners.length > 0) {
            progressRates.forget(stepId);
        }
    }

    /**
     * Publishes a step's progress report (message redacted) with its rate and ETA; without
     * listeners, nothing is computed (the runner's own cost per report stays that of a method call).
     */
    void emitProgress(String stepId, long done, long total, String message) {
        if (listeners.length == 0) {
            return;
        }
        emit(progressRates.event(now(), planId(), stepId, done, total, redactor.redact(message)));
    }

    /**
     * {@code stepId} started running (its first attempt) at {@code since}; tracked only for the
     * heartbeat's {@code StepStillRunning}, so only with listeners and a heartbeat.
     */
    void stepRunning(String stepId, Instant since) {
        if (trackRunningStep) {
            runningStep = new RunningStep(stepId, since);
        }
    }

    /** The step tracked by {@link #stepRunning} ended. */
    void stepEnded() {
        if (trackRunningStep) {
            runningStep = null;
        }
    }

    /**
     * Publishes {@code StepStillRunning} when a step has been running for
     * {@link #STILL_RUNNING_AFTER} or more; called by the heartbeat, on its thread.
     */
    void reportStillRunning() {
        RunningStep running = runningStep;
        if (running == null) {
            return;
        }
        Instant now = now();
        Duration runningFor = Duration.between(running.since(), now);
        if (runningFor.compareTo(STILL_RUNNING_AFTER) >= 0) {
            emit(new UpgradeEvent.StepStillRunning(now, planId(), running.stepId(), runningFor));
        }
    }

    /** Waits with the runner's sleeper; an interrupt stops the run. */
    void sleep(Duration duration) {
        try {
            settings.sleeper().sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopRun(UpgradeErrorCode.INTERRUPTED, "the run was interrupted; run again to resume");
        }
    }

    /** Whether the runner's stop signal was raised. */
    boolean stopRequested() {
        return settings.stopSignal().isStopRequested();
    }

    /** The stop of the run at a safe point, {@code where} naming it. */
    StopRun stopped(String where) {
        return new StopRun(UpgradeErrorCode.STOPPED, "the run stopped at a safe point " + where + " ("
                + redactor.redact(settings.stopSignal().reason().orElse("stop requested")) + "); its lease is"
                + " released and every saved cursor kept: run again to resume");
    }

    Instant now() {
        return settings.clock().instant();
    }

    Duration since(Instant begin) {
        return Duration.between(begin, now());
    }
}
