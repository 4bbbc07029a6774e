package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A raised stop signal ends a run at its next safe point, keeps the cursor and frees the lease. */
class StopSignalTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final StopSignal stop = new StopSignal();
    private final List<String> executed = new ArrayList<>();

    private UpgradeRunner runner(StopSignal signal) {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .heartbeat(false).stopSignal(signal)
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).initialBackoff(Duration.ofSeconds(1)).jitter(0).build())
                .build();
    }

    /** A step copying items 1..10, saving a cursor after each and raising the stop after item {@code stopAfter}. */
    private UpgradeStep copy(int stopAfter) {
        return UpgradeStep.builder("copy").execute(ctx -> {
            int from = ctx.cursor().map(Integer::parseInt).orElse(0);
            for (int i = from + 1; i <= 10; i++) {
                executed.add("item " + i);
                if (i == stopAfter) {
                    stop.requestStop("SIGTERM");
                }
                ctx.saveCursor(Integer.toString(i));
            }
        }).build();
    }

    private UpgradeStep plain(String id) {
        return UpgradeStep.builder(id).execute(ctx -> executed.add(id)).build();
    }

    @Test
    void aStopRaisedInAStepEndsTheRunRightAfterTheCursorIsSavedAndTheRerunResumesFromIt() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(copy(4)).step(plain("verify")).build();

        UpgradeReport stopped = runner(stop).up(plan);

        assertThat(stopped.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(stopped.errorCode()).isEqualTo(UpgradeErrorCode.STOPPED.id());
        assertThat(stopped.error()).contains("safe point", "SIGTERM", "run again to resume");
        assertThat(executed).containsExactly("item 1", "item 2", "item 3", "item 4");
        assertThat(runner(stop).status(plan).step("copy").cursor()).isEqualTo("4");
        assertThat(store.currentLease("plan")).isEmpty();

        executed.clear();
        UpgradeReport resumed = runner(new StopSignal()).up(plan);

        assertThat(resumed.isSuccess()).isTrue();
        assertThat(executed).containsExactly("item 5", "item 6", "item 7", "item 8", "item 9", "item 10", "verify");
    }

    @Test
    void aStopRaisedBeforeTheRunLetsNoPendingStepStartAndReportsThemNotRun() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(plain("a")).step(plain("b")).build();
        stop.requestStop("operator");

        UpgradeReport report = runner(stop).up(plan);

        assertThat(executed).isEmpty();
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.STOPPED.id());
        assertThat(report.step("a").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_RUN);
        assertThat(report.step("b").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_RUN);
    }

    @Test
    void aStopBetweenStepsLetsTheRunningStepFinishAndStartsNoOther() {
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(UpgradeStep.builder("a").execute(ctx -> {
                    executed.add("a");
                    stop.requestStop("SIGINT");
                }).build())
                .step(plain("b")).build();

        UpgradeReport report = runner(stop).up(plan);

        assertThat(executed).containsExactly("a");
        assertThat(report.step("a").orElseThrow().outcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(report.step("b").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_RUN);
        assertThat(runner(stop).status(plan).step("a").state()).isEqualTo(StepState.SUCCEEDED);
    }

    @Test
    void aStopIsNotRetriedAsAFailureEvenWhenTheStepWrapsIt() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("wrapping").execute(ctx -> {
            executed.add("attempt " + ctx.attempt());
            stop.requestStop("SIGTERM");
            try {
                ctx.saveCursor("page-1");
            } catch (RuntimeException e) {
                throw new IllegalStateException("copy failed", e);
            }
        }).build()).build();

        UpgradeReport report = runner(stop).up(plan);

        assertThat(executed).containsExactly("attempt 1");
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.STOPPED.id());
    }

    @Test
    void aStopDuringRetriesEndsTheRunInsteadOfWaitingForTheNextAttempt() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("flaky").execute(ctx -> {
            executed.add("attempt " + ctx.attempt());
            stop.requestStop("SIGTERM");
            throw new java.io.UncheckedIOException(new java.io.IOException("connection reset"));
        }).build()).build();

        UpgradeReport report = runner(stop).up(plan);

        assertThat(executed).containsExactly("attempt 1");
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.STOPPED.id());
    }

    @Test
    void anAttemptEndedByTheStopStopsTheRunInsteadOfFailingTheStepEvenWhenItsErrorIsPermanent() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("stop-old-nodes").execute(ctx -> {
            executed.add("attempt " + ctx.attempt());
            stop.requestStop("SIGTERM");
            // what a ProcessRunner given stopWhen(ctx::stopRequested) throws, wrapped by the step
            throw new IllegalStateException("hook failed", new UpgradeException(UpgradeErrorCode.STOPPED,
                    "the command 'ssh node-1 systemctl stop kong' was stopped with its child processes"));
        }).retryPolicy(RetryPolicy.custom().maxAttempts(1).build()).build()).step(plain("after")).build();

        UpgradeReport report = runner(stop).up(plan);

        assertThat(executed).containsExactly("attempt 1");
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.STOPPED.id());
        assertThat(report.error()).contains("in step 'stop-old-nodes'", "SIGTERM", "run again to resume");
        assertThat(runner(stop).status(plan).step("stop-old-nodes").state()).as("run again on the next run")
                .isNotEqualTo(StepState.FAILED).isNotEqualTo(StepState.SUCCEEDED);
    }

    @Test
    void aStoppedErrorWithoutAStopRequestFailsTheStepAsAnyOther() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("odd").execute(ctx -> {
            throw new UpgradeException(UpgradeErrorCode.STOPPED, "not from this run's stop");
        }).retryPolicy(RetryPolicy.custom().maxAttempts(1).build()).build()).build();

        UpgradeReport report = runner(stop).up(plan);

        assertThat(runner(stop).status(plan).step("odd").state()).isEqualTo(StepState.FAILED);
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void stepsThatLoopWithoutCursorsSeeTheRequestAndADryRunNever() {
        List<Boolean> seen = new ArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("poll")
                .dryRun(ctx -> {
                    seen.add(ctx.stopRequested());
                    return List.of(PlannedAction.of("poll", "cluster"));
                })
                .execute(ctx -> {
                    seen.add(ctx.stopRequested());
                    stop.requestStop("SIGTERM");
                    seen.add(ctx.stopRequested());
                }).build()).build();

        StopSignal raised = new StopSignal();
        raised.requestStop("SIGTERM");
        runner(raised).preview(plan);
        runner(stop).up(plan);

        assertThat(seen).containsExactly(false, false, true);
    }

    @Test
    void theFirstReasonIsKept() {
        stop.requestStop("SIGTERM");
        stop.requestStop("SIGINT");

        assertThat(stop.isStopRequested()).isTrue();
        assertThat(stop.reason()).contains("SIGTERM");
        assertThat(new StopSignal().reason()).isEmpty();
    }
}
