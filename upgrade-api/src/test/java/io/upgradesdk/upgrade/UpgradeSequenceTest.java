package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sequence's definition is validated when built, and its run keeps a record of applied plans in
 * the runner's store as an ordinary checkpoint; the behaviour on every store is proven by the
 * testkit's {@code UpgradeSequenceContract}.
 */
class UpgradeSequenceTest {

    private final List<String> executed = new ArrayList<>();

    private UpgradePlan plan(String id) {
        return UpgradePlan.builder(id)
                .step(UpgradeStep.builder("copy").execute(ctx -> executed.add(id + "/copy")).build())
                .secret(Secret.of("token-" + id, "s3cr3t-" + id))
                .build();
    }

    private static void assertInvalidPlan(Runnable build, String... fragments) {
        assertThatThrownBy(build::run).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INVALID_PLAN))
                .hasMessageContainingAll(fragments);
    }

    @Test
    void refusesTwoPlansWithTheSameId() {
        assertInvalidPlan(() -> UpgradeSequence.builder("cluster").plan("7-to-8", plan("x")).plan("7-to-8", plan("y"))
                .build(), "sequence 'cluster' has two plans with the id '7-to-8'");
    }

    @Test
    void refusesAnEmptySequenceAndMalformedIds() {
        assertInvalidPlan(() -> UpgradeSequence.builder("cluster").build(), "sequence 'cluster' has no plans");
        assertInvalidPlan(() -> UpgradeSequence.builder("no spaces"), "plan id 'no spaces' is invalid");
        assertInvalidPlan(() -> UpgradeSequence.builder("cluster").plan("-leading-dash", plan("x")),
                "plan id '-leading-dash' is invalid");
        assertInvalidPlan(() -> UpgradeSequence.builder("cluster").plan("sequence:other", plan("x")),
                "kept for sequence records");
        assertInvalidPlan(() -> UpgradeSequence.builder("c".repeat(195)), "is too long");
    }

    @Test
    void keepsEachPlanUnderItsIdInTheSequenceWithItsStepsAndSecrets() {
        UpgradePlan original = plan("product-plan");
        UpgradeSequence sequence = UpgradeSequence.builder("cluster").plan("7.17-to-8.19", original)
                .plan(plan("8.19-to-9.2")).build();

        assertThat(sequence.planIds()).containsExactly("7.17-to-8.19", "8.19-to-9.2");
        UpgradePlan renamed = sequence.plan("7.17-to-8.19");
        assertThat(renamed.fingerprint()).isEqualTo(original.fingerprint());
        assertThat(renamed.stepIds()).isEqualTo(original.stepIds());
        assertThat(renamed.secrets()).isEqualTo(original.secrets());
        assertThat(sequence.plan("8.19-to-9.2").id()).isEqualTo("8.19-to-9.2");
        assertThat(sequence.recordId()).isEqualTo("sequence:cluster");
        assertThatThrownBy(() -> sequence.plan("6-to-7")).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("has no plan '6-to-7'; its plans are [7.17-to-8.19, 8.19-to-9.2]");
    }

    @Test
    void recordsAppliedPlansInTheStoreUnderTheSequenceRecordId() {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        UpgradeRunner runner = UpgradeRunner.builder().store(store).heartbeat(false).build();
        UpgradeSequence sequence = UpgradeSequence.builder("cluster").plan(plan("a")).plan(plan("b")).build();

        SequenceReport report = runner.run(sequence).throwIfFailed();

        Checkpoint record = store.load("sequence:cluster").orElseThrow();
        assertThat(record.steps()).extracting(StepRecord::stepId).containsExactly("a", "b");
        assertThat(record.step("a").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(record.step("a").cursor()).isEqualTo(plan("a").fingerprint());
        assertThat(record.step("b").finishedAt()).isEqualTo(report.plan("b").report().orElseThrow().finishedAt());
        assertThat(store.currentLease("sequence:cluster")).isEmpty();
        assertThat(executed).containsExactly("a/copy", "b/copy");
    }

    @Test
    void describesTheRunTheStatusAndThePreviewInTextAndJsonWithoutSecrets() {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        UpgradeRunner runner = UpgradeRunner.builder().store(store).heartbeat(false).build();
        UpgradeSequence first = UpgradeSequence.builder("cluster").plan(plan("a")).build();
        UpgradeSequence both = UpgradeSequence.builder("cluster").plan(plan("a")).plan(plan("b")).build();
        SequenceReport report = runner.run(first);

        assertThat(report.toString()).contains("run of sequence 'cluster': SUCCEEDED", "plan a: APPLIED", "copy:");
        assertThat(report.toJson()).contains("\"sequenceId\" : \"cluster\"", "\"planId\" : \"a\"",
                "\"outcome\" : \"APPLIED\"").doesNotContain("s3cr3t");
        assertThat(report.duration().isNegative()).isFalse();
        assertThat(runner.status(both).toString()).contains("APPLIED     plan a (applied ", "PENDING     plan b");
        assertThat(runner.status(both).isComplete()).isFalse();
        assertThat(runner.preview(both).toString()).contains("plan a: already applied, would not run", "plan b:");
        assertThat(runner.preview(both).toJson()).contains("\"alreadyApplied\" : false", "\"preview\" : {");
    }

    @Test
    void aSequenceThatCompletedThrowsNothingAndReportsNoStop() {
        UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).heartbeat(false).build();
        SequenceReport report = runner.run(UpgradeSequence.builder("cluster").plan(plan("a")).build());

        assertThat(report.isSuccess()).isTrue();
        assertThat(report.stoppedAt()).isEmpty();
        assertThat(report.startedAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(report.throwIfFailed()).isSameAs(report);
    }
}
