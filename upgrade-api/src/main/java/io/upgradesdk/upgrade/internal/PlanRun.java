package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Confirmation.ConfirmationRequest;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.UpgradeReport.StepReport;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One run operation (up, finish, run, rollback) on one plan: takes the lease, loads the
 * checkpoint, refuses what the phase order forbids, then walks the phases step by step and builds
 * the report. Refusals are thrown before anything runs; once started, the outcome is reported.
 */
public final class PlanRun {

    private final OperationScope scope;
    private final RunOperation operation;
    private final LeaseKeeper lease;
    private final CheckpointKeeper checkpoints;
    private final StepRunner steps;
    private final Instant startedAt;
    private final List<StepReport> reports = new ArrayList<>();

    private PlanRun(OperationScope scope, RunOperation operation, LeaseKeeper lease, CheckpointKeeper checkpoints,
            Instant startedAt) {
        this.scope = scope;
        this.operation = operation;
        this.lease = lease;
        this.checkpoints = checkpoints;
        this.steps = new StepRunner(scope, lease, checkpoints);
        this.startedAt = startedAt;
    }

    public static UpgradeReport execute(RunnerSettings settings, UpgradePlan plan, RunOperation operation) {
        OperationScope scope = new OperationScope(settings, plan);
        Instant startedAt = scope.now();
        try (LeaseKeeper lease = LeaseKeeper.acquire(scope)) {
            PlanRun run = new PlanRun(scope, operation, lease, CheckpointKeeper.load(scope, lease, true), startedAt);
            run.requirePhaseOrder();
            return run.perform();
        }
    }

    // --- refusals, before anything runs ------------------------------------------------------------

    private void requirePhaseOrder() {
        switch (operation) {
            case FINISH -> requireUpComplete();
            case ROLLBACK -> requireRollbackAllowed();
            case UP, RUN -> {
                // nothing to check: UP steps may always run
            }
        }
    }

    private void requireUpComplete() {
        List<String> notDone = scope.plan().steps(Phase.UP).stream().map(UpgradeStep::id)
                .filter(id -> !checkpoints.step(id).state().isDone()).toList();
        if (!notDone.isEmpty()) {
            throw new UpgradeException(UpgradeErrorCode.PHASE_ORDER, "finish of plan '" + scope.planId() + "' refused:"
                    + " UP steps " + notDone + " are not done. Run up first (or run, for both phases); nothing was"
                    + " changed");
        }
    }

    private void requireRollbackAllowed() {
        List<String> started = scope.plan().steps(Phase.FINISH).stream().map(UpgradeStep::id)
                .filter(id -> checkpoints.step(id).attempts() > 0 || checkpoints.step(id).state().isDone()).toList();
        if (!started.isEmpty()) {
            throw new UpgradeException(UpgradeErrorCode.ROLLBACK_REFUSED, "rollback of plan '" + scope.planId()
                    + "' refused: FINISH steps " + started + " have already run, and the point of no return may be"
                    + " passed. Restore from the backup taken before the upgrade instead; nothing was changed");
        }
    }

    // --- the run ---------------------------------------------------------------------------------

    /** How the run ended: outcome, and the code and message when it failed. */
    private record Ending(Outcome outcome, String errorCode, String error) {
    }

    private UpgradeReport perform() {
        scope.emit(new UpgradeEvent.PlanStarted(scope.now(), scope.planId(), operation, lease.token()));
        Ending ending;
        try {
            ending = endingOf(runOperation());
        } catch (StopRun stop) {
            ending = new Ending(Outcome.FAILED, stop.code().id(), stop.getMessage());
        } catch (RuntimeException e) {
            if (!(e instanceof UpgradeException lost) || lost.code() != UpgradeErrorCode.LEASE_LOST) {
                finished(Outcome.FAILED); // every PlanStarted has its PlanFinished, also when the run throws
                throw e;
            }
            ending = new Ending(Outcome.FAILED, lost.code().id(), scope.redactor().redact(lost.getMessage()));
        }
        Instant finishedAt = finished(ending.outcome());
        return new UpgradeReport(scope.planId(), scope.plan().fingerprint(), operation, ending.outcome(), startedAt,
                finishedAt, reports, ending.errorCode(), ending.error());
    }

    private Outcome runOperation() {
        return switch (operation) {
            case UP -> runPhase(Phase.UP);
            case FINISH -> runPhase(Phase.FINISH);
            case RUN -> runBothPhases();
            case ROLLBACK -> rollback();
        };
    }

    private Ending endingOf(Outcome outcome) {
        if (outcome != Outcome.FAILED) {
            return new Ending(outcome, null, null);
        }
        StepReport failed = reports.stream().filter(r -> r.outcome() == StepOutcome.FAILED).findFirst().orElse(null);
        String error = failed == null ? "a step failed" : "step '" + failed.stepId() + "' failed: " + failed.error()
                + ". Fix the cause and run again: completed steps are skipped, the failed one resumes from its cursor";
        return new Ending(Outcome.FAILED, UpgradeErrorCode.STEP_FAILED.id(), error);
    }

    private Instant finished(Outcome outcome) {
        Instant finishedAt = scope.now();
        scope.emit(new UpgradeEvent.PlanFinished(finishedAt, scope.planId(), operation, outcome,
                Duration.between(startedAt, finishedAt)));
        return finishedAt;
    }

    private Outcome runBothPhases() {
        Outcome up = runPhase(Phase.UP);
        if (up == Outcome.SUCCEEDED) {
            return runPhase(Phase.FINISH);
        }
        markNotRun(scope.plan().steps(Phase.FINISH));
        return up;
    }

    private Outcome runPhase(Phase phase) {
        List<UpgradeStep> phaseSteps = scope.plan().steps(phase);
        for (int i = 0; i < phaseSteps.size(); i++) {
            UpgradeStep step = phaseSteps.get(i);
            List<UpgradeStep> rest = phaseSteps.subList(i + 1, phaseSteps.size());
            StepRecord record = checkpoints.step(step.id());
            if (record.state().isDone()) {
                reportAlreadyDone(step, record);
                continue;
            }
            if (scope.stopRequested()) {
                markNotRun(phaseSteps.subList(i, phaseSteps.size()));
                throw scope.stopped("before step '" + step.id() + "'");
            }
            if (step.isPointOfNoReturn() && !confirmed(step)) {
                reports.add(new StepReport(step.id(), phase, StepOutcome.AWAITING_CONFIRMATION, 0, Duration.ZERO, null));
                markNotRun(rest);
                return Outcome.AWAITING_CONFIRMATION;
            }
            StepReport result = steps.execute(step, rest.isEmpty() ? null : rest.get(0));
            reports.add(result);
            if (result.outcome() == StepOutcome.FAILED) {
                markNotRun(rest);
                return Outcome.FAILED;
            }
        }
        return Outcome.SUCCEEDED;
    }

    private void reportAlreadyDone(UpgradeStep step, StepRecord record) {
        boolean skipped = record.state() == StepState.SKIPPED;
        reports.add(new StepReport(step.id(), step.phase(), skipped ? StepOutcome.SKIPPED : StepOutcome.ALREADY_DONE,
                0, Duration.ZERO, null));
        scope.emit(new UpgradeEvent.StepSkipped(scope.now(), scope.planId(), step.id(),
                skipped ? "marked skipped" : "already done"));
    }

    private boolean confirmed(UpgradeStep step) {
        ConfirmationRequest request = new ConfirmationRequest(scope.planId(), step.id(),
                scope.redactor().redact(step.description()));
        scope.emit(new UpgradeEvent.ConfirmationRequested(scope.now(), scope.planId(), step.id(), request.question()));
        boolean yes = scope.settings().confirmation().confirm(request);
        scope.emit(new UpgradeEvent.ConfirmationAnswered(scope.now(), scope.planId(), step.id(), yes));
        return yes;
    }

    private void markNotRun(List<UpgradeStep> notRun) {
        for (UpgradeStep step : notRun) {
            reports.add(new StepReport(step.id(), step.phase(), StepOutcome.NOT_RUN, 0, Duration.ZERO, null));
        }
    }

    private Outcome rollback() {
        List<UpgradeStep> up = new ArrayList<>(scope.plan().steps(Phase.UP));
        Collections.reverse(up);
        for (UpgradeStep step : up) {
            if (!touched(checkpoints.step(step.id()))) {
                continue;
            }
            if (scope.stopRequested()) {
                throw scope.stopped("before the compensation of step '" + step.id() + "'");
            }
            if (step.compensation().isEmpty()) {
                reports.add(steps.resetWithoutCompensation(step));
                continue;
            }
            StepReport result = steps.compensate(step);
            reports.add(result);
            if (result.outcome() == StepOutcome.FAILED) {
                return Outcome.FAILED;
            }
        }
        return Outcome.SUCCEEDED;
    }

    /**
     * A step a rollback must undo: attempted, and neither compensated, reset by an earlier
     * rollback nor skipped since.
     */
    private static boolean touched(StepRecord record) {
        return record.attempts() > 0 && record.state() != StepState.COMPENSATED && record.state() != StepState.SKIPPED
                && record.state() != StepState.PENDING;
    }
}
