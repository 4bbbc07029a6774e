package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run reports and announces for the steps it does not run. */
class RunReportingTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<UpgradeEvent> events = new ArrayList<>();

    private UpgradeRunner runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .heartbeat(false).confirmation(Confirmation.givenInAdvance()).listener(events::add)
                .retryPolicy(RetryPolicy.custom().maxAttempts(1).initialBackoff(Duration.ZERO).jitter(0).build())
                .build();
    }

    private static UpgradeStep ok(String id, Phase phase) {
        return UpgradeStep.builder(id).description("does " + id).phase(phase).execute(ctx -> { }).build();
    }

    private List<String> skipped() {
        return events.stream().filter(UpgradeEvent.StepSkipped.class::isInstance)
                .map(e -> ((UpgradeEvent.StepSkipped) e).stepId() + ": " + ((UpgradeEvent.StepSkipped) e).reason())
                .toList();
    }

    @Test
    void stepsAfterAFailedOneAndTheWholeFinishPhaseAreReportedNotRun() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(ok("check", Phase.UP))
                .step(UpgradeStep.builder("copy").description("copies").execute(ctx -> {
                    throw new IllegalStateException("red cluster");
                }).build())
                .step(ok("switch", Phase.UP)).step(ok("destroy", Phase.FINISH)).build();

        UpgradeReport report = runner().run(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.steps()).extracting(s -> s.stepId() + "=" + s.outcome()).containsExactly(
                "check=SUCCEEDED", "copy=FAILED", "switch=NOT_RUN", "destroy=NOT_RUN");
    }

    @Test
    void doneAndSkippedStepsAreAnnouncedAsSuchOnTheNextRun() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(ok("check", Phase.UP)).step(ok("notify", Phase.UP))
                .step(ok("copy", Phase.UP)).build();
        runner().markSkipped(plan, "notify", OperatorNote.by("alice", "no one to notify"));
        runner().up(plan);
        events.clear();

        UpgradeReport again = runner().up(plan);

        assertThat(again.steps()).extracting(s -> s.stepId() + "=" + s.outcome()).containsExactly(
                "check=ALREADY_DONE", "notify=SKIPPED", "copy=ALREADY_DONE");
        assertThat(skipped()).containsExactly("check: already done", "notify: marked skipped", "copy: already done");
    }

    @Test
    void aRollbackAnnouncesTheStepsItCannotUndo() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(ok("check", Phase.UP)).build();
        runner().up(plan);
        events.clear();

        UpgradeReport report = runner().rollback(plan);

        assertThat(report.step("check").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_COMPENSABLE);
        assertThat(skipped()).containsExactly("check: no compensation: its effects stay");
    }
}
