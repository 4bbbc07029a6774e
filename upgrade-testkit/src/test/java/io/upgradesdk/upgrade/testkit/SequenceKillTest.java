package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;

import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-plan sequence SIGKILLed in child JVMs at random checkpoint writes (of either plan or of
 * the sequence's record) and rerun: every effect of both plans lands exactly once, and the
 * sequence ends with both plans recorded applied. Trials: {@code -Dupgrade.testkit.killTrials}
 * (default 4).
 */
@Tag("crash")
class SequenceKillTest {

    private static final int TRIALS = Integer.getInteger("upgrade.testkit.killTrials", 4);

    @TempDir
    Path temp;

    @Test
    void everyEffectOfEveryPlanIsAppliedOnceWhereverTheSequenceIsKilled() throws Exception {
        long start = System.nanoTime();
        KillHarness.Report report = KillHarness.forSequence(CountingSequence.class).workDir(temp).trials(TRIALS)
                .maxKillsPerTrial(2).run(SequenceKillTest::checkTrial);

        System.out.println(report + " in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        assertThat(report.killsLanded()).isGreaterThanOrEqualTo(TRIALS);
    }

    @Test
    void aKillInTheSecondPlanResumesThereWithoutRerunningTheFirst() throws Exception {
        // a clean run writes plan 1 (14 writes), its record entry, then plan 2: the 20th is its 5th cursor
        KillHarness.Report report = KillHarness.forSequence(CountingSequence.class).workDir(temp).trials(2)
                .killAfterSave(20).maxDelay(Duration.ZERO).run(work -> {
                    checkTrial(work);
                    if (work.getFileName().toString().equals("calibration")) {
                        return;                                         // the harness's clean run: no kill
                    }
                    SequenceStatus status = statusOf(work);
                    assertThat(status.plan("v1-to-v2").status().steps()).allSatisfy(s -> assertThat(s.attempts())
                            .as("attempts of %s in the first plan", s.stepId()).isEqualTo(1));
                    assertThat(status.plan("v2-to-v3").status().steps()).anySatisfy(s -> assertThat(s.attempts())
                            .as("the killed step of the second plan, resumed").isEqualTo(2));
                });

        assertThat(report.kills()).allSatisfy(k -> assertThat(k.landed()).isTrue());
    }

    private static void checkTrial(Path work) {
        CountingSequence.ledger(work).assertEachAppliedOnce(CountingSequence.expectedEffects());
        assertThat(statusOf(work)).applied(CountingSequence.PLANS.toArray(String[]::new)).hasNoProblems();
    }

    private static SequenceStatus statusOf(Path work) {
        try (FileCheckpointStore store = new FileCheckpointStore(work.resolve("checkpoint.json"))) {
            return UpgradeRunner.builder().store(store).build().status(new CountingSequence().sequence(work));
        }
    }

}
