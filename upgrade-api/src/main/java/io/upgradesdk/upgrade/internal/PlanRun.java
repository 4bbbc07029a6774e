package io.upgradesdk.upgrade.internal;

import io.github.resilience4j.retry.Retry;
import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.Confirmation.ConfirmationRequest;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.OperatorNote;
import io.upgradesdk.upgrade.Operation;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.UpgradeReport.StepReport;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operation of the runner on one plan: holds the lease, the current checkpoint and the
 * report being built. Not thread-safe except for the lease, which a heartbeat thread renews.
 */
public final class PlanRun implements StepContextImpl.Host, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRun.class);

    private final RunnerSettings settings;
    private final UpgradePlan plan;
    private final Operation operation;
    private final Redactor redactor;
    private final Map<String, Secret> secrets;
    private final Map<RetryPolicy, Attempts> attempts = new IdentityHashMap<>();
    private final List<StepReport> reports = new ArrayList<>();
    private final Instant startedAt;

    private volatile Lease lease;
    private volatile UpgradeException leaseLost;
    private ScheduledExecutorService heartbeat;
    private Checkpoint checkpoint;
    /** The step the last save already marked as started (one durable write per step, not two). */
    private String preStarted;

    private PlanRun(RunnerSettings settings, UpgradePlan plan, Operation operation) {
        this.settings = settings;
        this.plan = plan;
        this.operation = operation;
        Map<String, Secret> all = new LinkedHashMap<>(settings.secrets());
        plan.secrets().forEach(s -> all.putIfAbsent(s.name(), s));
        this.secrets = Map.copyOf(all);
        this.redactor = new Redactor(all.values());
        this.startedAt = settings.clock().instant();
    }

    // --- operations ------------------------------------------------------------------------------

    public static UpgradeReport execute(RunnerSettings settings, UpgradePlan plan, Operation operation) {
        try (PlanRun run = new PlanRun(settings, plan, operation)) {
            run.open(true);
            return run.perform();
        }
    }

    public static PlanStatus status(RunnerSettings settings, UpgradePlan plan) {
        Optional<Checkpoint> stored = settings.store().load(plan.id());
        Checkpoint checkpoint = stored.orElseGet(() -> Checkpoint.start(plan, settings.clock().instant()));
        List<StepRecord> records = plan.steps().stream().map(s -> checkpoint.step(s.id())).toList();
        return new PlanStatus(plan.id(), checkpoint.fingerprint().equals(plan.fingerprint()), records,
                settings.store().currentLease(plan.id()), checkpoint.audit(), plan);
    }

    public static Preview preview(RunnerSettings settings, UpgradePlan plan) {
        PlanRun run = new PlanRun(settings, plan, Operation.PREVIEW);
        return run.buildPreview();
    }

    public static PlanStatus recover(RunnerSettings settings, UpgradePlan plan, Operation operation, String stepId,
            OperatorNote note) {
        String detail = "";
        if (operation == Operation.FORCE_RELEASE_LOCK) {
            Optional<Lease> previous = settings.store().currentLease(plan.id());
            settings.store().forceReleaseLease(plan.id());
            detail = previous.map(l -> " (lease of '" + l.owner() + "', token " + l.token() + ", released)")
                    .orElse(" (no lease was held)");
        }
        try (PlanRun run = new PlanRun(settings, plan, operation)) {
            run.open(operation != Operation.FORCE_RELEASE_LOCK);
            Instant now = settings.clock().instant();
            Checkpoint next = run.checkpoint;
            if (stepId != null) {
                StepRecord record = next.step(stepId);
                StepState state = operation == Operation.MARK_DONE ? StepState.SUCCEEDED : StepState.SKIPPED;
                next = next.withStep(record.finished(state, now, null), now);
            }
            run.save(next.withAudit(new AuditEntry(now, note.operator(), operation.name(), stepId,
                    run.redactor.redact(note.reason() + detail))));
        }
        return status(settings, plan);
    }

    // --- lease and checkpoint ------------------------------------------------------------------

    private void open(boolean checkFingerprint) {
        lease = acquireLease();
        if (settings.heartbeat()) {
            startHeartbeat();
        }
        checkpoint = loadCheckpoint(checkFingerprint);
    }

    private Lease acquireLease() {
        Duration waited = Duration.ZERO;
        while (true) {
            try {
                return settings.store().acquireLease(plan.id(), settings.owner(), settings.leaseDuration());
            } catch (UpgradeException e) {
                if (e.code() != UpgradeErrorCode.LOCK_HELD || waited.compareTo(settings.lockWait()) >= 0) {
                    throw e;
                }
                Duration pause = min(Duration.ofMillis(500), settings.lockWait().minus(waited));
                sleep(pause);
                waited = waited.plus(pause);
            }
        }
    }

    private Checkpoint loadCheckpoint(boolean checkFingerprint) {
        Instant now = settings.clock().instant();
        Optional<Checkpoint> stored = settings.store().load(plan.id());
        if (stored.isEmpty()) {
            return Checkpoint.start(plan, now);
        }
        Checkpoint found = stored.get();
        if (!checkFingerprint || found.fingerprint().equals(plan.fingerprint())) {
            return found;
        }
        if (!settings.adoptChangedPlan()) {
            throw new UpgradeException(UpgradeErrorCode.FINGERPRINT_MISMATCH, "the checkpoint of plan '" + plan.id()
                    + "' was written by a plan with other steps (fingerprint " + found.fingerprint() + ", this plan has "
                    + plan.fingerprint() + "); nothing was run. If the plan was changed on purpose, build the runner"
                    + " with adoptCheckpointOfChangedPlan(true); otherwise use the plan that wrote it or another plan id");
        }
        return found.withFingerprint(plan.fingerprint(), now);
    }

    private void startHeartbeat() {
        long period = Math.max(50, settings.leaseDuration().toMillis() / 3);
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "upgrade-lease-" + plan.id());
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleAtFixedRate(this::renewFromHeartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    private void renewFromHeartbeat() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warn("renewing the lease of plan '{}' failed: {}", plan.id(), redactor.redact(e.getMessage()));
        }
    }

    private synchronized void renew() {
        if (leaseLost != null) {
            return;
        }
        try {
            Lease renewed = settings.store().renewLease(lease, settings.leaseDuration());
            if (renewed != null) {
                lease = renewed;
            }
        } catch (UpgradeException e) {
            if (e.code() == UpgradeErrorCode.LEASE_LOST) {
                leaseLost = e;
            }
            throw e;
        }
    }

    private void renewIfDue() {
        Instant now = settings.clock().instant();
        Duration left = Duration.between(now, lease.expiresAt());
        if (left.compareTo(settings.leaseDuration().multipliedBy(2).dividedBy(3)) < 0) {
            renew();
        }
    }

    /** Fenced write of the next checkpoint; store failures that are transient are retried. */
    private void save(Checkpoint next) {
        Retry.AsyncContext<Void> decision = attemptsFor(settings.retryPolicy()).start();
        while (true) {
            if (leaseLost != null) {
                throw leaseLost;
            }
            try {
                renewIfDue();
                settings.store().save(next, lease);
                checkpoint = next;
                return;
            } catch (UpgradeException e) {
                if (e.code() == UpgradeErrorCode.LEASE_LOST) {
                    leaseLost = e;
                    throw e;
                }
                long wait = decision.onError(e);
                if (wait < 0) {
                    throw e;
                }
                LOG.warn("saving the checkpoint of plan '{}' failed, retrying in {} ms: {}", plan.id(), wait,
                        redactor.redact(e.getMessage()));
                sleep(Duration.ofMillis(wait));
            }
        }
    }

    private void saveStep(StepRecord record) {
        save(checkpoint.withStep(record, settings.clock().instant()));
    }

    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (lease != null && leaseLost == null) {
            try {
                settings.store().releaseLease(lease);
            } catch (RuntimeException e) {
                LOG.warn("releasing the lease of plan '{}' failed (it expires at {}): {}", plan.id(),
                        lease.expiresAt(), redactor.redact(e.getMessage()));
            }
        }
    }

    // --- running --------------------------------------------------------------------------------

    private UpgradeReport perform() {
        if (operation == Operation.FINISH) {
            requireUpComplete();
        } else if (operation == Operation.ROLLBACK) {
            requireRollbackAllowed();
        }
        emit(new UpgradeEvent.PlanStarted(now(), plan.id(), operation, lease.token()));
        Outcome outcome;
        String errorCode = null;
        String error = null;
        try {
            outcome = switch (operation) {
                case UP -> runPhase(Phase.UP);
                case FINISH -> runPhase(Phase.FINISH);
                case RUN -> {
                    Outcome up = runPhase(Phase.UP);
                    yield up == Outcome.SUCCEEDED ? runPhase(Phase.FINISH) : notRunAfter(up, Phase.FINISH);
                }
                case ROLLBACK -> rollback();
                default -> throw new IllegalStateException("not a run operation: " + operation);
            };
        } catch (StopRun stop) {
            outcome = Outcome.FAILED;
            errorCode = stop.code.id();
            error = stop.message;
        } catch (UpgradeException e) {
            if (e.code() != UpgradeErrorCode.LEASE_LOST) {
                throw e;
            }
            outcome = Outcome.FAILED;
            errorCode = e.code().id();
            error = redactor.redact(e.getMessage());
        }
        if (outcome == Outcome.FAILED && error == null) {
            StepReport failed = reports.stream().filter(r -> r.outcome() == StepOutcome.FAILED).findFirst().orElse(null);
            errorCode = UpgradeErrorCode.STEP_FAILED.id();
            error = failed == null ? "a step failed" : "step '" + failed.stepId() + "' failed: " + failed.error()
                    + ". Fix the cause and run again: completed steps are skipped, the failed one resumes from its cursor";
        }
        Instant finishedAt = now();
        emit(new UpgradeEvent.PlanFinished(finishedAt, plan.id(), operation, outcome,
                Duration.between(startedAt, finishedAt)));
        return new UpgradeReport(plan.id(), plan.fingerprint(), operation, outcome, startedAt, finishedAt, reports,
                errorCode, error);
    }

    private void requireUpComplete() {
        List<String> notDone = plan.steps(Phase.UP).stream().map(UpgradeStep::id)
                .filter(id -> !checkpoint.step(id).state().isDone()).toList();
        if (!notDone.isEmpty()) {
            throw new UpgradeException(UpgradeErrorCode.PHASE_ORDER, "finish of plan '" + plan.id() + "' refused: UP"
                    + " steps " + notDone + " are not done. Run up first (or run, for both phases); nothing was changed");
        }
    }

    private Outcome runPhase(Phase phase) {
        List<UpgradeStep> steps = plan.steps(phase);
        for (int i = 0; i < steps.size(); i++) {
            UpgradeStep step = steps.get(i);
            StepRecord record = checkpoint.step(step.id());
            if (record.state().isDone()) {
                String reason = record.state() == StepState.SKIPPED ? "marked skipped" : "already done";
                reports.add(new StepReport(step.id(), phase, record.state() == StepState.SKIPPED
                        ? StepOutcome.SKIPPED : StepOutcome.ALREADY_DONE, 0, Duration.ZERO, null));
                emit(new UpgradeEvent.StepSkipped(now(), plan.id(), step.id(), reason));
                continue;
            }
            if (step.isPointOfNoReturn() && !confirmed(step)) {
                reports.add(new StepReport(step.id(), phase, StepOutcome.AWAITING_CONFIRMATION, 0, Duration.ZERO, null));
                markNotRun(steps.subList(i + 1, steps.size()));
                return Outcome.AWAITING_CONFIRMATION;
            }
            if (!executeStep(step, i + 1 < steps.size() ? steps.get(i + 1) : null)) {
                markNotRun(steps.subList(i + 1, steps.size()));
                return Outcome.FAILED;
            }
        }
        return Outcome.SUCCEEDED;
    }

    private Outcome notRunAfter(Outcome outcome, Phase phase) {
        markNotRun(plan.steps(phase));
        return outcome;
    }

    private void markNotRun(List<UpgradeStep> steps) {
        for (UpgradeStep step : steps) {
            reports.add(new StepReport(step.id(), step.phase(), StepOutcome.NOT_RUN, 0, Duration.ZERO, null));
        }
    }

    private boolean confirmed(UpgradeStep step) {
        ConfirmationRequest request = new ConfirmationRequest(plan.id(), step.id(), redactor.redact(step.description()));
        emit(new UpgradeEvent.ConfirmationRequested(now(), plan.id(), step.id(), request.question()));
        boolean yes = settings.confirmation().confirm(request);
        emit(new UpgradeEvent.ConfirmationAnswered(now(), plan.id(), step.id(), yes));
        return yes;
    }

    /** Runs a step under its retry policy; false when it failed. */
    private boolean executeStep(UpgradeStep step, UpgradeStep next) {
        Instant begin = now();
        Attempted result = withRetries(step, attempt -> {
            if (attempt > 1 || !step.id().equals(preStarted)) {
                saveStep(checkpoint.step(step.id()).started(now()).attempted());
            }
            preStarted = null;
            emit(new UpgradeEvent.StepStarted(now(), plan.id(), step.id(), step.phase(), attempt,
                    checkpoint.step(step.id()).cursor()));
            step.execute(context(step, attempt));
        });
        if (result.error() != null) {
            String message = redactor.describe(result.error());
            saveStep(checkpoint.step(step.id()).finished(StepState.FAILED, now(), message));
            return failed(step, result, message, begin);
        }
        saveSucceeded(step, next);
        emit(new UpgradeEvent.StepSucceeded(now(), plan.id(), step.id(), result.attempts(), since(begin)));
        reports.add(new StepReport(step.id(), step.phase(), StepOutcome.SUCCEEDED, result.attempts(), since(begin), null));
        return true;
    }

    /**
     * Records the step's success and, in the same write, marks the next step started when it
     * will run right away: one durable write per step. The point of no return is never marked
     * before its confirmation.
     */
    private void saveSucceeded(UpgradeStep step, UpgradeStep next) {
        Instant now = now();
        Checkpoint after = checkpoint.withStep(checkpoint.step(step.id()).finished(StepState.SUCCEEDED, now, null), now);
        boolean startNext = next != null && !next.isPointOfNoReturn() && !after.step(next.id()).state().isDone();
        if (startNext) {
            after = after.withStep(after.step(next.id()).started(now).attempted(), now);
        }
        save(after);
        preStarted = startNext ? next.id() : null;
    }

    /** What a body run under a retry policy came to: attempts made, and the final error or null. */
    private record Attempted(int attempts, Exception error) {
    }

    /** One attempt of a step's body. */
    @FunctionalInterface
    private interface AttemptBody {
        void run(int attempt) throws Exception;
    }

    /**
     * Runs {@code body} until it succeeds, the error is permanent or the attempts are used up,
     * waiting the policy's backoff between attempts. A lost lease or an interrupt stops at once.
     */
    private Attempted withRetries(UpgradeStep step, AttemptBody body) {
        Retry.AsyncContext<Void> decision = attemptsFor(step.retryPolicy().orElse(settings.retryPolicy())).start();
        for (int attempt = 1; ; attempt++) {
            try {
                body.run(attempt);
                decision.onComplete();
                return new Attempted(attempt, null);
            } catch (Exception e) {
                stopIfLeaseLost(e);
                long delay = decision.onError(e);
                if (delay < 0) {
                    return new Attempted(attempt, e);
                }
                emit(new UpgradeEvent.StepRetrying(now(), plan.id(), step.id(), attempt, Duration.ofMillis(delay),
                        redactor.describe(e)));
                sleep(Duration.ofMillis(delay));
            }
        }
    }

    private boolean failed(UpgradeStep step, Attempted result, String message, Instant begin) {
        emit(new UpgradeEvent.StepFailed(now(), plan.id(), step.id(), result.attempts(),
                result.error().getClass().getName(), message));
        reports.add(new StepReport(step.id(), step.phase(), StepOutcome.FAILED, result.attempts(), since(begin), message));
        return false;
    }

    private void requireRollbackAllowed() {
        List<String> started = plan.steps(Phase.FINISH).stream().map(UpgradeStep::id)
                .filter(id -> checkpoint.step(id).attempts() > 0 || checkpoint.step(id).state().isDone()).toList();
        if (!started.isEmpty()) {
            throw new UpgradeException(UpgradeErrorCode.ROLLBACK_REFUSED, "rollback of plan '" + plan.id()
                    + "' refused: FINISH steps " + started + " have already run, and the point of no return may be"
                    + " passed. Restore from the backup taken before the upgrade instead; nothing was changed");
        }
    }

    private Outcome rollback() {
        List<UpgradeStep> up = new ArrayList<>(plan.steps(Phase.UP));
        java.util.Collections.reverse(up);
        for (UpgradeStep step : up) {
            StepRecord record = checkpoint.step(step.id());
            boolean touched = record.attempts() > 0 && record.state() != StepState.COMPENSATED
                    && record.state() != StepState.SKIPPED;
            if (!touched) {
                continue;
            }
            if (step.compensation().isEmpty()) {
                reports.add(new StepReport(step.id(), step.phase(), StepOutcome.NOT_COMPENSABLE, 0, Duration.ZERO, null));
                emit(new UpgradeEvent.StepSkipped(now(), plan.id(), step.id(), "no compensation: its effects stay"));
                continue;
            }
            if (!compensate(step)) {
                return Outcome.FAILED;
            }
        }
        return Outcome.SUCCEEDED;
    }

    private boolean compensate(UpgradeStep step) {
        Instant begin = now();
        Attempted result = withRetries(step,
                attempt -> step.compensation().orElseThrow().compensate(context(step, attempt)));
        if (result.error() != null) {
            String message = "compensation failed: " + redactor.describe(result.error());
            StepRecord record = checkpoint.step(step.id());
            saveStep(new StepRecord(record.stepId(), record.state(), record.attempts(), record.cursor(),
                    record.startedAt(), record.finishedAt(), message));
            return failed(step, result, message, begin);
        }
        saveStep(checkpoint.step(step.id()).reset(StepState.COMPENSATED, now()));
        emit(new UpgradeEvent.StepCompensated(now(), plan.id(), step.id()));
        reports.add(new StepReport(step.id(), step.phase(), StepOutcome.COMPENSATED, result.attempts(), since(begin),
                null));
        return true;
    }

    private void stopIfLeaseLost(Throwable error) {
        if (leaseLost != null) {
            throw new StopRun(UpgradeErrorCode.LEASE_LOST, redactor.redact(leaseLost.getMessage()));
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UpgradeException e && e.code() == UpgradeErrorCode.LEASE_LOST) {
                throw new StopRun(UpgradeErrorCode.LEASE_LOST, redactor.redact(e.getMessage()));
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new StopRun(UpgradeErrorCode.INTERRUPTED, "the run was interrupted; run again to resume");
            }
        }
    }

    private StepContextImpl context(UpgradeStep step, int attempt) {
        return new StepContextImpl(plan.id(), step.id(), attempt, false, this, secrets, settings.clock());
    }

    // --- preview --------------------------------------------------------------------------------

    private Preview buildPreview() {
        List<String> warnings = new ArrayList<>();
        Optional<Checkpoint> stored = settings.store().load(plan.id());
        checkpoint = stored.orElseGet(() -> Checkpoint.start(plan, now()));
        if (!checkpoint.fingerprint().equals(plan.fingerprint())) {
            warnings.add("the checkpoint was written by a plan with other steps (fingerprint "
                    + checkpoint.fingerprint() + "); a run would be refused unless adoptCheckpointOfChangedPlan(true)");
        }
        Optional<Lease> held = settings.store().currentLease(plan.id());
        held.filter(l -> !l.isExpiredAt(now())).ifPresent(l -> warnings.add("the lease is held by '" + l.owner()
                + "' until " + l.expiresAt() + "; a run now would fail with LOCK_HELD"));
        List<Preview.Item> items = new ArrayList<>();
        for (UpgradeStep step : plan.steps()) {
            StepRecord record = checkpoint.step(step.id());
            Preview.Action action = switch (record.state()) {
                case SUCCEEDED -> Preview.Action.ALREADY_DONE;
                case SKIPPED -> Preview.Action.SKIPPED;
                default -> record.cursor() != null ? Preview.Action.RESUME : Preview.Action.RUN;
            };
            List<PlannedAction> planned = List.of();
            if (!record.state().isDone()) {
                try {
                    planned = step.dryRun(new StepContextImpl(plan.id(), step.id(), 1, true, this, secrets,
                            settings.clock()));
                } catch (Exception e) {
                    warnings.add("the dry run of step '" + step.id() + "' failed: " + redactor.describe(e));
                }
            }
            planned = planned.stream().map(this::redact).toList();
            items.add(new Preview.Item(step.id(), redactor.redact(step.description()), step.phase(), action,
                    record.cursor(), step.isPointOfNoReturn(), planned));
        }
        return new Preview(plan.id(), plan.fingerprint(), items, held, warnings);
    }

    private PlannedAction redact(PlannedAction action) {
        Map<String, String> details = new LinkedHashMap<>();
        action.details().forEach((k, v) -> details.put(k, redactor.redact(v)));
        return PlannedAction.of(redactor.redact(action.action()), redactor.redact(action.target()), details);
    }

    // --- StepContextImpl.Host -------------------------------------------------------------------

    @Override
    public String cursor(String stepId) {
        return checkpoint.step(stepId).cursor();
    }

    @Override
    public void saveCursor(String stepId, String cursor) {
        redactor.requireClean(cursor, "the cursor of step '" + stepId + "'");
        saveStep(checkpoint.step(stepId).withCursor(cursor));
    }

    @Override
    public void progress(String stepId, long done, long total, String message) {
        emit(new UpgradeEvent.StepProgress(now(), plan.id(), stepId, done, total, redactor.redact(message)));
    }

    // --- small helpers ----------------------------------------------------------------------------

    private Attempts attemptsFor(RetryPolicy policy) {
        return attempts.computeIfAbsent(policy, p -> new Attempts(plan.id(), p));
    }

    private void emit(UpgradeEvent event) {
        for (UpgradeListener listener : settings.listeners()) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed on {}: {}", listener, event.getClass().getSimpleName(),
                        redactor.redact(e.getMessage()));
            }
        }
    }

    private void sleep(Duration duration) {
        try {
            settings.sleeper().sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopRun(UpgradeErrorCode.INTERRUPTED, "the run was interrupted; run again to resume");
        }
    }

    private Instant now() {
        return settings.clock().instant();
    }

    private Duration since(Instant begin) {
        return Duration.between(begin, now());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Ends a run early without a step failure of its own (lease lost, interrupted). */
    private static final class StopRun extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient UpgradeErrorCode code;
        private final String message;

        StopRun(UpgradeErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
            this.message = message;
        }
    }
}
