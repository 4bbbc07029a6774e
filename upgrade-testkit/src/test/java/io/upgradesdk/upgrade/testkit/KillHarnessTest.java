package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill harness on a plan that counts every effect: SIGKILLed at random points and rerun, each
 * effect lands exactly once; and the harness catches a step that is not idempotent. The number
 * of trials is {@code -Dupgrade.testkit.killTrials} (default 4; 20 or more for the full proof, about 1 s per trial on a quiet machine).
 */
@Tag("crash")
class KillHarnessTest {

    private static final int TRIALS = Integer.getInteger("upgrade.testkit.killTrials", 4);

    @TempDir
    Path temp;

    @Test
    void everyEffectIsAppliedExactlyOnceWhateverTheKillPoint() throws Exception {
        long start = System.nanoTime();
        KillHarness.Report report = KillHarness.forPlan(CountingPlan.class).workDir(temp).trials(TRIALS)
                .maxKillsPerTrial(2).run(work -> CountingPlan.ledger(work)
                        .assertEachAppliedOnce(CountingPlan.expectedEffects()));

        System.out.println(report + " in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        assertThat(report.killsLanded()).isGreaterThanOrEqualTo(TRIALS);
        assertThat(report.distinctKillPoints()).isGreaterThanOrEqualTo(Math.min(TRIALS, report.savesPerRun()) / 2);
    }

    @Test
    void aPartitionedStepWorkedByTwoThreadsAppliesEveryEffectOnceWhateverTheKillPoint() throws Exception {
        int trials = Math.max(2, TRIALS / 2);   // the plain plan above covers the kill points; this, the claims
        KillHarness.Report report = KillHarness.forPlan(PartitionedCountingPlan.class).workDir(temp).trials(trials)
                .maxKillsPerTrial(2).run(work -> CountingPlan.ledger(work)
                        .assertEachAppliedOnce(PartitionedCountingPlan.expectedEffects()));

        System.out.println("partitioned: " + report);
        assertThat(report.killsLanded()).isGreaterThanOrEqualTo(trials);
    }

    @Test
    void aStepThatIsNotIdempotentIsReportedApplyingAnEffectTwice() {
        assertThatThrownBy(() -> KillHarness.forPlan(DoubleCountingPlan.class).workDir(temp).trials(10).seed(7)
                .maxDelay(Duration.ofMillis(15)).run(work -> CountingPlan.ledger(work)
                        .assertEachAppliedOnce(CountingPlan.expectedEffects())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("was applied 2 times")
                .hasMessageContaining("of seed 7");
    }

    @Test
    void aChosenKillPointIsHitInEveryTrial() throws Exception {
        KillHarness.Report report = KillHarness.forPlan(CountingPlan.class).workDir(temp).trials(2)
                .killAfterSave(5).maxDelay(Duration.ZERO)
                .run(work -> CountingPlan.ledger(work).assertEachAppliedOnce(CountingPlan.expectedEffects()));

        assertThat(report.kills()).hasSize(2).allSatisfy(k -> {
            assertThat(k.landed()).isTrue();
            assertThat(k.afterSave()).isEqualTo(5);
            assertThat(k.savesSeen()).isGreaterThanOrEqualTo(5);
        });
    }
}
