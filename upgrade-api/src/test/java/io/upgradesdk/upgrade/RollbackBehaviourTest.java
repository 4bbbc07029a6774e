package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a rollback undoes, what it leaves alone, and how a failing compensation ends it. */
class RollbackBehaviourTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<String> executed = new ArrayList<>();

    private UpgradeRunner runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .heartbeat(false).confirmation(Confirmation.givenInAdvance())
                .retryPolicy(RetryPolicy.custom().maxAttempts(1).initialBackoff(Duration.ZERO).jitter(0).build())
                .build();
    }

    private StepBuilder step(String id) {
        return UpgradeStep.builder(id).description("does " + id).execute(ctx -> executed.add(id))
                .compensation(ctx -> executed.add("undo " + id));
    }

    private StepBuilder finishStep(String id) {
        return UpgradeStep.builder(id).description("does " + id).phase(Phase.FINISH).execute(ctx -> executed.add(id));
    }

    @Test
    void aFailingCompensationFailsTheRollbackAndStopsBeforeTheEarlierSteps() {
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(step("copy").build())
                .step(step("switch").compensation(ctx -> {
                    throw new IllegalStateException("alias is locked");
                }).build())
                .build();
        runner().up(plan);
        executed.clear();

        UpgradeReport report = runner().rollback(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.STEP_FAILED.id());
        assertThat(report.step("switch").orElseThrow().outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(report.step("switch").orElseThrow().error()).contains("compensation failed", "alias is locked");
        assertThat(report.step("copy")).isEmpty();
        assertThat(executed).isEmpty();
        StepRecord switchRecord = runner().status(plan).step("switch");
        assertThat(switchRecord.state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(switchRecord.error()).contains("compensation failed");
        assertThat(runner().status(plan).step("copy").state()).isEqualTo(StepState.SUCCEEDED);
    }

    @Test
    void stepsThatNeverRanAreNotCompensated() {
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(step("copy").build())
                .step(step("switch").execute(ctx -> {
                    throw new IllegalStateException("cluster red");
                }).build())
                .step(step("cleanup").build())
                .build();
        runner().up(plan);
        executed.clear();

        UpgradeReport report = runner().rollback(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(executed).containsExactly("undo switch", "undo copy");
        assertThat(report.step("cleanup")).isEmpty();
        assertThat(runner().status(plan).step("cleanup").state()).isEqualTo(StepState.PENDING);
    }

    @Test
    void compensatedAndSkippedStepsAreNotCompensatedAgain() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("copy").build()).step(step("switch").build())
                .step(step("notify").build()).build();
        runner().up(plan);
        runner().markSkipped(plan, "notify", OperatorNote.by("alice", "nobody to notify"));
        runner().rollback(plan);
        executed.clear();

        UpgradeReport second = runner().rollback(plan);

        assertThat(second.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(executed).isEmpty();
        assertThat(second.steps()).isEmpty();
    }

    @Test
    void aFinishStepMarkedDoneByHandBlocksRollbackLikeOneThatRan() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("copy").build())
                .step(finishStep("destroy").pointOfNoReturn().build()).build();
        runner().up(plan);
        runner().markDone(plan, "destroy", OperatorNote.by("alice", "deleted by hand"));
        executed.clear();

        assertThatThrownBy(() -> runner().rollback(plan))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.ROLLBACK_REFUSED))
                .hasMessageContaining("destroy");
        assertThat(executed).isEmpty();
    }

    @Test
    void aFinishStepThatFailedBlocksRollbackToo() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("copy").build())
                .step(finishStep("destroy").execute(ctx -> {
                    throw new IllegalStateException("half deleted");
                }).build()).build();
        runner().run(plan);
        executed.clear();

        assertThatThrownBy(() -> runner().rollback(plan))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.ROLLBACK_REFUSED));
        assertThat(executed).isEmpty();
    }

    @Test
    void afterARollbackTheNextUpRunsAStepWithoutCompensationAgainInOrder() {
        UpgradePlan plan = UpgradePlan.builder("demo")
                .step(step("create-v2").build())
                .step(step("copy-v1-to-v2").build())
                .step(UpgradeStep.builder("verify-v2").description("checks v2").execute(ctx -> executed.add("verify-v2"))
                        .build())
                .build();
        runner().up(plan);
        UpgradeReport rollback = runner().rollback(plan);
        assertThat(rollback.step("verify-v2").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_COMPENSABLE);
        assertThat(runner().status(plan).step("verify-v2").state()).isEqualTo(StepState.PENDING);
        executed.clear();

        UpgradeReport again = runner().up(plan);

        assertThat(again.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(executed).containsExactly("create-v2", "copy-v1-to-v2", "verify-v2");
        assertThat(again.steps()).extracting(s -> s.stepId() + "=" + s.outcome()).containsExactly(
                "create-v2=SUCCEEDED", "copy-v1-to-v2=SUCCEEDED", "verify-v2=SUCCEEDED");
    }

    @Test
    void aSecondRollbackLeavesAStepAlreadyResetByTheFirstAlone() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("copy").build())
                .step(UpgradeStep.builder("verify").description("checks").execute(ctx -> executed.add("verify")).build())
                .build();
        runner().up(plan);
        runner().rollback(plan);
        executed.clear();

        UpgradeReport second = runner().rollback(plan);

        assertThat(second.steps()).isEmpty();
        assertThat(executed).isEmpty();
    }
}
