package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThatUpgradeExceptionThrownBy;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.OperatorNote;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.SequencePreview;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a {@link UpgradeSequence} behaves on a given {@link CheckpointStore}: plans applied in
 * order, a crash in the second plan resumed at its step, applied plans never rerun, a plan
 * inserted before an applied one refused, a plan appended later run alone, a point of no return
 * stopping the sequence. A store proves it keeps sequences by extending this class:
 *
 * <pre>{@code
 * class MyStoreSequenceTest extends UpgradeSequenceContract {
 *     protected CheckpointStore createStore(MutableClock clock) { return new MyStore(..., clock); }
 * }
 * }</pre>
 *
 * <p>Every test uses fresh plan and sequence ids, so stores may share their backing storage
 * between tests. A crashed run's lease is force-released (as an operator would), so stores whose
 * lease expiry follows a server's clock pass too.
 */
public abstract class UpgradeSequenceContract {

    private static final int UNITS = 5;

    protected MutableClock clock;
    protected CheckpointStore store;
    /** The test's runner preset on {@link #store}, confirming the points of no return. */
    protected UpgradeTestRunner t;
    /** Ids of this test's plans, unique per test: a, b and c, in sequence order. */
    protected String a;
    protected String b;
    protected String c;
    private String sequenceId;

    /** Each step execution, as {@code plan/step}, in order. */
    private final List<String> executions = new ArrayList<>();
    /** How often each effect (a copied unit, a switch) was applied. */
    private final Map<String, Integer> effects = new LinkedHashMap<>();
    /** Steps (as {@code plan/step}) that fail at their next execution. */
    private final Set<String> failNext = new HashSet<>();

    /** A store on the shared backing storage, with lease expiry following {@code clock}. */
    protected abstract CheckpointStore createStore(MutableClock clock) throws Exception;

    @BeforeEach
    void setUpSequence() throws Exception {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        store = createStore(clock);
        t = UpgradeTestKit.runner().store(store).clock(clock).confirming()
                .retryPolicy(RetryPolicy.none()).build();
        String prefix = "seq-" + UUID.randomUUID().toString().substring(0, 8);
        sequenceId = prefix;
        a = prefix + "-a";
        b = prefix + "-b";
        c = prefix + "-c";
    }

    @AfterEach
    void closeStore() throws Exception {
        store.close();
    }

    @Test
    void runsThePendingPlansInOrderEachWithBothPhases() {
        SequenceReport report = t.run(sequence(a, b));

        assertThat(report).succeeded().appliedPlans(a, b).alreadyAppliedPlans().notRunPlans();
        assertThat(executions).containsExactly(a + "/prepare", a + "/copy", a + "/switch",
                b + "/prepare", b + "/copy", b + "/switch");
        assertThat(t.status(sequence(a, b))).applied(a, b).inProgress().pending().hasNoProblems();
        assertEachEffectAppliedOnce(a, b);
    }

    @Test
    void resumesACrashInTheSecondPlanAtTheInterruptedStepWithoutRerunningTheFirst() {
        UpgradeSequence sequence = sequence(a, b);
        UpgradeTestRunner.CrashedSequenceRun crash =
                t.crashAt(CrashPoint.afterCursorSave("copy", 2).inPlan(b)).run(sequence);

        assertThat(crash.status()).applied(a).inProgress(b).pending()
                .step(b, "copy").hasState(StepState.RUNNING).hasCursor("2");
        t.runner().forceReleaseLock(sequence.plan(b), OperatorNote.by("test", "the crashed run is dead"));
        executions.clear();

        SequenceReport resumed = t.run(sequence);

        assertThat(resumed).succeeded().alreadyAppliedPlans(a).appliedPlans(b)
                .plan(b).step("prepare").hasOutcome(StepOutcome.ALREADY_DONE);
        assertThat(executions).containsExactly(b + "/copy", b + "/switch");
        assertThat(effects).containsEntry(b + "/unit-3", 1).containsEntry(b + "/unit-5", 1);
        assertEachEffectAppliedOnce(a, b);
    }

    @Test
    void resumesACrashBetweenPlansWithoutRepeatingAStep() {
        UpgradeSequence sequence = sequence(a, b);
        t.crashAt(CrashPoint.beforeStep("prepare").inPlan(b)).run(sequence);
        t.runner().forceReleaseLock(sequence.plan(b), OperatorNote.by("test", "the crashed run is dead"));

        assertThat(t.run(sequence)).succeeded().alreadyAppliedPlans(a).appliedPlans(b);
        assertEachEffectAppliedOnce(a, b);
        assertThat(executions).filteredOn(e -> e.startsWith(a + "/")).hasSize(3);
    }

    @Test
    void neverRunsAnAppliedPlanAgainEvenWhenItsStepsChanged() {
        t.run(sequence(a, b));
        executions.clear();
        UpgradePlan changedA = UpgradePlan.builder(a).steps(plan(a).steps())
                .step(recordingStep(a, "added-later", Phase.FINISH)).build();

        SequenceReport again = t.run(UpgradeSequence.builder(sequenceId).plan(changedA).plan(plan(b)).build());

        assertThat(again).succeeded().alreadyAppliedPlans(a, b).appliedPlans();
        assertThat(executions).isEmpty();
    }

    @Test
    void refusesAPlanInsertedBeforeAnAppliedOneAndRunsNothing() {
        t.run(sequence(a, b));
        executions.clear();
        UpgradeSequence inserted = sequence(a, c, b);

        assertThatUpgradeExceptionThrownBy(() -> t.run(inserted)).hasCode(UpgradeErrorCode.SEQUENCE_OUT_OF_ORDER)
                .hasMessageContaining("plan '" + c + "' comes before plan '" + b + "'")
                .hasMessageContaining("Move '" + c + "' after '" + b + "'");
        assertThat(executions).isEmpty();
        assertThat(t.status(inserted).problems()).singleElement().asString().contains(c);
        assertThat(t.preview(inserted).warnings()).hasSize(1);
    }

    @Test
    void refusesASequenceThatLostAnAppliedPlan() {
        t.run(sequence(a, b));

        assertThatUpgradeExceptionThrownBy(() -> t.run(sequence(b, c)))
                .hasCode(UpgradeErrorCode.SEQUENCE_OUT_OF_ORDER)
                .hasMessageContaining("plan '" + a + "' was applied")
                .hasMessageContaining("put it back");
    }

    @Test
    void runsAPlanAppendedLaterAlone() {
        t.run(sequence(a, b));
        executions.clear();

        assertThat(t.run(sequence(a, b, c))).succeeded().alreadyAppliedPlans(a, b).appliedPlans(c);
        assertThat(executions).containsExactly(c + "/prepare", c + "/copy", c + "/switch");
        assertThat(t.status(sequence(a, b, c))).applied(a, b, c);
    }

    @Test
    void stopsAtAPlanAwaitingConfirmationAndGoesOnOnceConfirmed() {
        t.answerConfirmations(false);
        UpgradeSequence sequence = sequence(a, b);

        SequenceReport stopped = t.run(sequence);

        assertThat(stopped).awaitsConfirmation().stoppedAt(a).appliedPlans().notRunPlans(b)
                .plan(a).step("switch").hasOutcome(StepOutcome.AWAITING_CONFIRMATION);
        assertThatUpgradeExceptionThrownBy(stopped::throwIfFailed).hasCode(UpgradeErrorCode.CONFIRMATION_REQUIRED);
        assertThat(t.status(sequence)).inProgress(a).pending(b);
        assertThat(t.preview(sequence).requiresConfirmation()).isTrue();

        t.answerConfirmations(true);
        assertThat(t.run(sequence)).succeeded().appliedPlans(a, b);
        assertEachEffectAppliedOnce(a, b);
    }

    @Test
    void stopsAtAFailedPlanAndResumesItAtTheFailedStep() {
        failNext.add(b + "/switch");
        UpgradeSequence sequence = sequence(a, b, c);

        SequenceReport failed = t.run(sequence);

        assertThat(failed).failed().stoppedAt(b).appliedPlans(a).notRunPlans(c)
                .plan(b).hasErrorCode(UpgradeErrorCode.STEP_FAILED).step("switch").failed();
        assertThatUpgradeExceptionThrownBy(failed::throwIfFailed).hasCode(UpgradeErrorCode.STEP_FAILED);
        executions.clear();

        assertThat(t.run(sequence)).succeeded().alreadyAppliedPlans(a).appliedPlans(b, c);
        assertThat(executions).startsWith(b + "/switch", c + "/prepare");
    }

    @Test
    void previewsAppliedAndPendingPlansWithoutRunningAnything() {
        t.run(sequence(a));
        executions.clear();

        SequencePreview preview = t.preview(sequence(a, b));

        assertThat(preview.pendingPlans()).containsExactly(b);
        assertThat(preview.plans().get(0).alreadyApplied()).isTrue();
        assertThat(preview.plans().get(1).preview().orElseThrow().pending()).hasSize(3);
        assertThat(preview.toJson()).contains("\"alreadyApplied\" : true", "\"planId\" : \"" + b + "\"");
        assertThat(executions).isEmpty();
        assertThat(t.status(sequence(a, b))).applied(a).pending(b);
    }

    @Test
    void reportsTheRunAsJsonWithEachPlansReport() {
        String json = t.run(sequence(a, b)).toJson();

        assertThat(json).contains("\"sequenceId\" : \"" + sequenceId + "\"", "\"outcome\" : \"APPLIED\"",
                "\"report\" : {", "\"stepId\" : \"copy\"");
    }

    // --- the plans: the same step ids in every plan, so a crash point must name its plan ---------

    /** The test's sequence of the given plans, in this order. */
    protected UpgradeSequence sequence(String... planIds) {
        UpgradeSequence.Builder sequence = UpgradeSequence.builder(sequenceId);
        for (String planId : planIds) {
            sequence.plan(plan(planId));
        }
        return sequence.build();
    }

    /** prepare (UP), copy of {@value #UNITS} units with a cursor (UP), switch (FINISH, point of no return). */
    protected UpgradePlan plan(String planId) {
        return UpgradePlan.builder(planId)
                .step(recordingStep(planId, "prepare", Phase.UP))
                .step(UpgradeStep.builder("copy").execute(ctx -> {
                    executed(planId, "copy");
                    int from = ctx.cursor().map(Integer::parseInt).orElse(0) + 1;
                    for (int unit = from; unit <= UNITS; unit++) {
                        effects.merge(planId + "/unit-" + unit, 1, Integer::sum);
                        ctx.saveCursor(String.valueOf(unit));
                    }
                }).build())
                .step(UpgradeStep.builder("switch").phase(Phase.FINISH).pointOfNoReturn().execute(ctx -> {
                    executed(planId, "switch");
                    effects.merge(planId + "/switch", 1, Integer::sum);
                }).build())
                .build();
    }

    private UpgradeStep recordingStep(String planId, String stepId, Phase phase) {
        return UpgradeStep.builder(stepId).phase(phase).execute(ctx -> executed(planId, stepId)).build();
    }

    private void executed(String planId, String stepId) {
        executions.add(planId + "/" + stepId);
        if (failNext.remove(planId + "/" + stepId)) {
            throw new IllegalStateException("simulated failure of " + stepId);
        }
    }

    private void assertEachEffectAppliedOnce(String... planIds) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String planId : planIds) {
            for (int unit = 1; unit <= UNITS; unit++) {
                expected.put(planId + "/unit-" + unit, 1);
            }
            expected.put(planId + "/switch", 1);
        }
        assertThat(effects).containsExactlyInAnyOrderEntriesOf(expected);
    }
}
