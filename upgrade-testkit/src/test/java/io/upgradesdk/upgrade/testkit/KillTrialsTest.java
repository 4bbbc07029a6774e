package io.upgradesdk.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's bookkeeping without killing anything: the trail a run leaves, the step each
 * killed run was in, the check that the finished checkpoint is complete, and the figures file.
 */
class KillTrialsTest {

    @TempDir
    Path temp;

    @Test
    void aRunLeavesATrailOfTheStepsItStartedAndFinished() throws Exception {
        Path work = Files.createDirectories(temp.resolve("trial-1"));

        runCountingPlanToTheEnd(work, true);

        assertThat(Files.readAllLines(work.resolve("trail.log")))
                .extracting(line -> line.substring(line.indexOf(' ') + 1))
                .containsExactly("R", "S marker", "D marker", "S copy-units", "D copy-units", "S retire", "D retire");
    }

    @Test
    void theFiguresNameTheStepEachKilledRunWasIn() throws Exception {
        Path work = Files.createDirectories(temp.resolve("trial-1"));
        runCountingPlanToTheEnd(work, false);
        Files.writeString(work.resolve("trail.log"), """
                101 R
                101 S marker
                101 D marker
                101 S copy-units
                202 R
                202 S copy-units
                202 D copy-units
                303 R
                303 S ret""");   // a line torn by a kill that did not land
        KillTrials trials = new KillTrials("counting-" + System.nanoTime());

        trials.afterTrial(work);
        String figures = trials.report(new KillHarness.Report(42, 25, List.of(
                new KillHarness.Kill(1, 1, 7, 25, Duration.ZERO, true),
                new KillHarness.Kill(1, 2, 23, 25, Duration.ZERO, true),
                new KillHarness.Kill(1, 3, 24, 25, Duration.ZERO, false))));

        assertThat(figures)
                .contains("seed 42, 1 trials, 3 kills sent, 2 landed")
                .contains("| copy-units | 1 |")
                .contains("| after copy-units (before the next step) | 1 |")
                .doesNotContain("ret |");
    }

    @Test
    void aTrialWhoseCheckpointIsIncompleteFails() throws Exception {
        Path work = Files.createDirectories(temp.resolve("trial-1"));
        KillTrials.writeSettings(work, Map.of("planId", "counting", "steps", "3"));
        try (FileCheckpointStore store = new FileCheckpointStore(work.resolve("checkpoint.json"))) {
            UpgradeRunner.builder().store(store).build().up(new CountingPlan().plan(work));   // FINISH not run
        }

        assertThatThrownBy(() -> new KillTrials("incomplete").afterTrial(work))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("retire");
    }

    private static void runCountingPlanToTheEnd(Path work, boolean recordSteps) throws Exception {
        UpgradePlan plan = new CountingPlan().plan(work);
        KillTrials.writeSettings(work, Map.of("planId", plan.id(), "steps", "3"));
        try (FileCheckpointStore store = new FileCheckpointStore(work.resolve("checkpoint.json"))) {
            UpgradeRunner.Builder runner = UpgradeRunner.builder().store(store)
                    .confirmation(Confirmation.givenInAdvance());
            if (recordSteps) {
                KillTrials.recordSteps(runner, work);
            }
            runner.build().run(plan).throwIfFailed();
        }
    }
}
