package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.SequenceReport.PlanOutcome;
import io.upgradesdk.upgrade.SequenceStatus.State;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * How the runner runs a sequence, on the in-memory store (the same rules on every store are the
 * testkit's {@code UpgradeSequenceContract}): order, stops, refusals, and what status and preview say.
 */
class SequenceRunTest {

    private final List<String> executed = new ArrayList<>();
    private final Set<String> failing = new HashSet<>();
    private final AtomicBoolean confirm = new AtomicBoolean(true);
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();
    private final UpgradeRunner runner = UpgradeRunner.builder().store(store).heartbeat(false)
            .retryPolicy(RetryPolicy.none()).confirmation(request -> confirm.get()).build();

    private UpgradePlan plan(String id) {
        return UpgradePlan.builder(id)
                .step(UpgradeStep.builder("copy").execute(ctx -> run(id + "/copy")).build())
                .step(UpgradeStep.builder("switch").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> run(id + "/switch")).build())
                .build();
    }

    private void run(String step) {
        executed.add(step);
        if (failing.contains(step)) {
            throw new IllegalStateException(step + " is broken");
        }
    }

    private UpgradeSequence sequence(String... planIds) {
        UpgradeSequence.Builder sequence = UpgradeSequence.builder("s");
        for (String id : planIds) {
            sequence.plan(plan(id));
        }
        return sequence.build();
    }

    @Test
    void runsEachPendingPlanWithBothPhasesInOrderAndRecordsIt() {
        SequenceReport report = runner.run(sequence("a", "b"));

        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(report.appliedPlans()).containsExactly("a", "b");
        assertThat(report.plans()).extracting(SequenceReport.PlanReport::outcome)
                .containsExactly(PlanOutcome.APPLIED, PlanOutcome.APPLIED);
        assertThat(executed).containsExactly("a/copy", "a/switch", "b/copy", "b/switch");
        assertThat(runner.status(sequence("a", "b")).isComplete()).isTrue();
    }

    @Test
    void aFailedPlanStopsTheSequenceAndTheNextRunResumesIt() {
        failing.add("b/copy");
        SequenceReport failed = runner.run(sequence("a", "b", "c"));

        assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(failed.stoppedAt()).map(SequenceReport.PlanReport::planId).contains("b");
        assertThat(failed.plan("c").outcome()).isEqualTo(PlanOutcome.NOT_RUN);
        assertThat(failed.plan("c").report()).isEmpty();
        assertThatThrownBy(failed::throwIfFailed).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.STEP_FAILED));
        SequenceStatus status = runner.status(sequence("a", "b", "c"));
        assertThat(status.plansIn(State.APPLIED)).containsExactly("a");
        assertThat(status.plansIn(State.IN_PROGRESS)).containsExactly("b");
        assertThat(status.plansIn(State.PENDING)).containsExactly("c");
        assertThat(status.plan("b").status().step("copy").state()).isEqualTo(StepState.FAILED);

        failing.clear();
        executed.clear();
        SequenceReport resumed = runner.run(sequence("a", "b", "c"));

        assertThat(resumed.alreadyAppliedPlans()).containsExactly("a");
        assertThat(resumed.appliedPlans()).containsExactly("b", "c");
        assertThat(executed).containsExactly("b/copy", "b/switch", "c/copy", "c/switch");
    }

    @Test
    void aPlanAwaitingConfirmationStopsTheSequenceWithThatOutcome() {
        confirm.set(false);
        SequenceReport stopped = runner.run(sequence("a", "b"));

        assertThat(stopped.outcome()).isEqualTo(Outcome.AWAITING_CONFIRMATION);
        assertThat(stopped.plan("a").outcome()).isEqualTo(PlanOutcome.AWAITING_CONFIRMATION);
        assertThat(stopped.plan("b").outcome()).isEqualTo(PlanOutcome.NOT_RUN);
        assertThat(stopped.appliedPlans()).isEmpty();
        assertThatThrownBy(stopped::throwIfFailed).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code())
                        .isEqualTo(UpgradeErrorCode.CONFIRMATION_REQUIRED));
        assertThat(store.load("sequence:s")).isEmpty();
        assertThat(runner.preview(sequence("a", "b")).requiresConfirmation()).isTrue();
    }

    @Test
    void aPlanCompleteInItsCheckpointButNotRecordedIsRecordedWithoutRunningAStep() {
        runner.run(plan("a")).throwIfFailed();      // e.g. a crash after the plan, before the record
        executed.clear();

        SequenceReport report = runner.run(sequence("a", "b"));

        assertThat(report.appliedPlans()).containsExactly("a", "b");
        assertThat(report.plan("a").report().orElseThrow().steps()).extracting(UpgradeReport.StepReport::outcome)
                .containsOnly(UpgradeReport.StepOutcome.ALREADY_DONE);
        assertThat(executed).containsExactly("b/copy", "b/switch");
    }

    @Test
    void refusesInsertedAndRemovedPlansNamingEachAndRunsNothing() {
        runner.run(sequence("a", "c"));
        executed.clear();

        assertThatThrownBy(() -> runner.run(sequence("a", "b", "c"))).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code())
                        .isEqualTo(UpgradeErrorCode.SEQUENCE_OUT_OF_ORDER))
                .hasMessageContainingAll("sequence 's' refused, nothing was run", "plan 'b' comes before plan 'c'",
                        "Move 'b' after 'c'");
        assertThatThrownBy(() -> runner.run(sequence("c", "d"))).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("plan 'a' was applied by sequence 's'");
        assertThat(executed).isEmpty();
        assertThat(runner.status(sequence("a", "b", "c")).problems()).singleElement().asString()
                .contains("plan 'b' comes before plan 'c'");
        assertThat(runner.status(sequence("a", "c")).problems()).isEmpty();
        assertThat(runner.preview(sequence("a", "b", "c")).warnings()).hasSize(1);
    }

    @Test
    void previewCallsOnlyDryRunsAndListsAppliedPlansWithoutAPreview() {
        runner.run(sequence("a"));
        executed.clear();

        SequencePreview preview = runner.preview(sequence("a", "b"));

        assertThat(preview.pendingPlans()).containsExactly("b");
        assertThat(preview.plans().get(0).preview()).isEqualTo(Optional.empty());
        assertThat(preview.plans().get(1).preview().orElseThrow().planId()).isEqualTo("b");
        assertThat(executed).isEmpty();
        assertThat(store.load("b")).isEmpty();
    }

    @Test
    void theReportStatusAndPreviewSayWhatTheyHoldInTextAndJson() {
        failing.add("b/copy");
        SequenceReport failed = runner.run(sequence("a", "b"));
        SequenceStatus status = runner.status(sequence("a", "b", "c"));
        SequencePreview outOfOrder = runner.preview(sequence("x", "a"));

        assertThat(failed.isSuccess()).isFalse();
        assertThat(failed.toJson()).contains("\"report\" : {", "\"outcome\" : \"FAILED\"");
        assertThatThrownBy(() -> failed.plan("z")).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("sequence 's' has no plan 'z'");
        assertThat(status.toString()).contains("Status of plan 'a'", "Status of plan 'b'")
                .doesNotContain("Status of plan 'c'");
        assertThatThrownBy(() -> status.plan("z")).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("sequence 's' has no plan 'z'");
        assertThat(outOfOrder.toJson()).contains("plan 'x' comes before plan 'a'");
        assertThat(outOfOrder.toString()).contains("Preview of plan 'x'", "WARNING: plan 'x' comes before");
        assertThat(sequence("a", "b").toString()).isEqualTo("UpgradeSequence[s, plans [a, b]]");

        failing.clear();
        runner.run(sequence("a", "b"));
        assertThat(runner.preview(sequence("a", "b")).requiresConfirmation()).isFalse();
    }

    @Test
    void aSequenceIdLeavesRoomForTheRecordPrefixWithinTwoHundredCharacters() {
        assertThat(UpgradeSequence.builder("s".repeat(191)).plan(plan("a")).build().recordId()).hasSize(200);
        assertThatThrownBy(() -> UpgradeSequence.builder("s".repeat(192))).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("keep it to 191 characters");
    }
}
