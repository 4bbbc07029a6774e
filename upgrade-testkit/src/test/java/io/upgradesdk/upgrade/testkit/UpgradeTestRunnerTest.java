package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThatThrownBy;
import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThatUpgradeExceptionThrownBy;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The preset, its recordings and the assertions, used the way a plan author uses them. */
class UpgradeTestRunnerTest {

    private final List<String> effects = new ArrayList<>();
    private int failuresLeft;

    /** copy (3 units, cursor per unit; fails transiently while failuresLeft > 0), then drop (FINISH, no return). */
    private UpgradePlan plan() {
        return UpgradePlan.builder("tiny")
                .step(UpgradeStep.builder("copy").execute(ctx -> {
                    int from = ctx.cursor().map(Integer::parseInt).orElse(0);
                    for (int unit = from + 1; unit <= 3; unit++) {
                        if (failuresLeft > 0) {
                            failuresLeft--;
                            throw new IOException("connection reset");
                        }
                        effects.add("copy " + unit);
                        ctx.saveCursor(String.valueOf(unit));
                    }
                }).compensation(ctx -> effects.add("undo copy")).build())
                .step(UpgradeStep.builder("drop").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> effects.add("drop")).build())
                .build();
    }

    @Test
    void aTransientFailureIsRetriedOnTheTestClockWithoutWaiting() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        failuresLeft = 1;
        long start = System.nanoTime();

        assertThat(t.up(plan())).succeeded().step("copy").succeededAfterAttempts(2);

        assertThat(t.waits()).containsExactly(Duration.ofMillis(500));
        assertThat(t.clock().instant()).isEqualTo(MutableClock.atEpochOfTests().instant().plusMillis(500));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
        assertThat(t.events()).hasRetries("copy", 1).ofType(UpgradeEvent.StepSucceeded.class).hasSize(1);
    }

    @Test
    void cursorsSavedAreRecordedInOrder() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.up(plan());

        assertThat(t.cursorsSaved("copy")).containsExactly("1", "2", "3");
        assertThat(t.cursorsSaved("drop")).isEmpty();
    }

    @Test
    void confirmationIsDeniedByDefaultAndGivenWhenTheTestSaysSo() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();
        t.up(plan);

        assertThat(t.finish(plan)).awaitsConfirmation().step("drop").hasOutcome(StepOutcome.AWAITING_CONFIRMATION);
        assertThat(effects).doesNotContain("drop");

        t.answerConfirmations(true);
        assertThat(t.finish(plan)).succeeded();
        assertThat(effects).endsWith("drop");
        assertThat(t.confirmationsAsked()).hasSize(2).allSatisfy(q -> assertThat(q.stepId()).isEqualTo("drop"));
    }

    @Test
    void aFailureIsReportedWithItsCodeAndRecordedInTheCheckpoint() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        failuresLeft = 5;
        UpgradePlan plan = plan();

        assertThat(t.up(plan)).failed().hasErrorCode(UpgradeErrorCode.STEP_FAILED).errorContains("connection reset")
                .step("copy").failed().hasAttempts(3);
        assertThat(t.checkpoint(plan)).step("copy").hasState(StepState.FAILED).hasNoCursor().hasAttempts(3);
    }

    @Test
    void reportAssertionsFailWithTheReportInTheMessage() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        failuresLeft = 5;
        var report = t.up(plan());

        assertThatThrownBy(() -> assertThat(report).succeeded())
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected outcome SUCCEEDED")
                .hasMessageContaining("copy: FAILED");
        assertThatThrownBy(() -> assertThat(report).step("copy").succeededAfterAttempts(3))
                .hasMessageContaining("expected step 'copy' to be SUCCEEDED but it was FAILED");
    }

    @Test
    void aGivenInterruptedStateResumesFromItsCursor() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();
        t.given(PlanState.of(plan).interruptedAt("copy", "2"));

        assertThat(t.up(plan)).succeeded();

        assertThat(effects).containsExactly("copy 3");
        assertThat(t.events().ofType(UpgradeEvent.StepStarted.class).get(0).resumeCursor()).isEqualTo("2");
    }

    @Test
    void aGivenLeaseOfAnotherHostIsRefusedUntilItExpires() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();
        t.given(PlanState.of(plan).succeeded("copy").leaseHeldBy("host-b", Duration.ofSeconds(30)));

        assertThatUpgradeExceptionThrownBy(() -> t.up(plan)).hasCode(UpgradeErrorCode.LOCK_HELD)
                .hasMessageContaining("host-b");

        t.letLeaseExpire(plan);
        assertThat(t.up(plan)).succeeded().hasStepOutcomes(StepOutcome.ALREADY_DONE);
        assertThat(effects).isEmpty();
    }

    @Test
    void aCheckpointOfAnotherPlanVersionIsRefusedUnlessAdopted() {
        UpgradePlan older = UpgradePlan.builder("tiny").step(UpgradeStep.builder("copy").execute(c -> { }).build())
                .build();
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        t.given(PlanState.of(older).succeeded("copy"));

        assertThatUpgradeExceptionThrownBy(() -> t.up(plan())).hasCode(UpgradeErrorCode.FINGERPRINT_MISMATCH);

        UpgradeTestRunner adopting = UpgradeTestKit.runner().configure(b -> b.adoptCheckpointOfChangedPlan(true))
                .build();
        adopting.given(PlanState.of(plan()).fingerprint(older.fingerprint()).succeeded("copy"));
        assertThat(adopting.up(plan())).succeeded().step("copy").hasOutcome(StepOutcome.ALREADY_DONE);
    }

    @Test
    void aCrashAfterACursorSaveLeavesTheStoreAsAKillWouldAndTheRerunResumes() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();

        UpgradeTestRunner.CrashedRun crash = t.crashAt(CrashPoint.afterCursorSave("copy", 2)).up(plan);

        assertThat(crash.checkpoint().orElseThrow()).step("copy").hasState(StepState.RUNNING).hasCursor("2");
        assertThat(crash.lease()).hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo("test-host"));
        assertThat(t.events()).hasNo(UpgradeEvent.PlanFinished.class);
        assertThatUpgradeExceptionThrownBy(() -> t.up(plan)).hasCode(UpgradeErrorCode.LOCK_HELD);

        t.letLeaseExpire(plan);
        assertThat(t.up(plan)).succeeded();
        assertThat(effects).containsExactly("copy 1", "copy 2", "copy 3");
    }

    @Test
    void aCrashBeforeACursorSaveRepeatsTheUnsavedWork() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();

        t.crashAt(CrashPoint.beforeCursorSave("copy", 2)).up(plan);
        t.letLeaseExpire(plan).up(plan);

        assertThat(effects).containsExactly("copy 1", "copy 2", "copy 2", "copy 3");
    }

    @Test
    void aCrashBeforeAStepLeavesItStartedButUntouched() {
        UpgradeTestRunner t = UpgradeTestKit.runner().confirming().build();
        UpgradePlan plan = plan();

        UpgradeTestRunner.CrashedRun crash = t.crashAt(CrashPoint.beforeStep("drop")).run(plan);

        assertThat(effects).doesNotContain("drop");
        assertThat(crash.checkpoint().orElseThrow()).hasStates(StepState.SUCCEEDED, StepState.RUNNING);
    }

    @Test
    void aCrashInsideACompensationRunsItAgainOnTheNextRollback() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();
        t.up(plan);

        t.crashAt(CrashPoint.inCompensation("copy")).rollback(plan);
        assertThat(t.checkpoint(plan)).step("copy").hasState(StepState.SUCCEEDED);

        assertThat(t.letLeaseExpire(plan).rollback(plan)).succeeded();
        assertThat(effects).endsWith("undo copy", "undo copy");
        assertThat(t.checkpoint(plan)).step("copy").hasState(StepState.COMPENSATED);
    }

    @Test
    void aCrashPointThatIsNeverReachedFailsTheTest() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        assertThatThrownBy(() -> t.crashAt(CrashPoint.afterCursorSave("copy", 9)).up(plan()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("never reached")
                .hasMessageContaining("after cursor save #9 of step 'copy'");
        assertThat(t.up(plan())).succeeded();
    }

    @Test
    void stepsThatCatchExceptionCannotSwallowTheCrash() {
        List<String> caught = new ArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("swallow").step(UpgradeStep.builder("s").execute(ctx -> {
            try {
                ctx.saveCursor("1");
            } catch (Exception e) {
                caught.add(e.toString());
            }
        }).build()).build();
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.afterCursorSave("s", 1)).up(plan);

        assertThat(caught).isEmpty();
    }

    @Test
    void aCrashBeforeTheSuccessIsSavedRunsTheWholeStepAgain() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();

        t.crashAt(CrashPoint.beforeSuccessSaved("copy")).up(plan);
        assertThat(t.checkpoint(plan)).step("copy").hasState(StepState.RUNNING).hasCursor("3");

        t.letLeaseExpire(plan).up(plan);
        assertThat(effects).containsExactly("copy 1", "copy 2", "copy 3");
        assertThat(t.checkpoint(plan)).step("copy").isDone().hasAttempts(2);
    }

    @Test
    void everyWriteOfARunIsACrashPointAndTheRerunAlwaysCompletes() {
        int writes = countWritesOfACleanRun();
        for (int n = 1; n <= writes; n++) {
            effects.clear();
            UpgradeTestRunner t = UpgradeTestKit.runner().confirming().build();
            UpgradePlan plan = plan();

            t.crashAt(n % 2 == 0 ? CrashPoint.afterSave(n) : CrashPoint.beforeSave(n)).run(plan);
            assertThat(t.letLeaseExpire(plan).run(plan)).as("crash at write %d", n).succeeded();

            assertThat(effects).as("crash at write %d", n).containsSubsequence("copy 1", "copy 2", "copy 3", "drop");
            assertThat(t.checkpoint(plan)).allStepsSucceeded();
        }
    }

    private int countWritesOfACleanRun() {
        UpgradeTestRunner t = UpgradeTestKit.runner().confirming().build();
        t.run(plan());
        effects.clear();
        return t.checkpointsWritten().size();
    }

    @Test
    void aStateFailedAtACursorIsRetriedFromThatCursor() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        UpgradePlan plan = plan();
        t.given(PlanState.of(plan).failedAt("copy", "1", "timeout", 3));

        assertThat(t.checkpoint(plan)).step("copy").hasState(StepState.FAILED).errorContains("timeout");
        assertThat(t.up(plan)).succeeded();
        assertThat(effects).containsExactly("copy 2", "copy 3");
        assertThat(t.checkpoint(plan)).step("copy").hasAttempts(4);
    }
}
