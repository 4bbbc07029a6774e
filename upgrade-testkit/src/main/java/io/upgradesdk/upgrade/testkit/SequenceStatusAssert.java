package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.SequenceStatus.State;
import io.upgradesdk.upgrade.StepRecord;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * Assertions on a {@link SequenceStatus}; failure messages quote the whole status.
 *
 * <pre>{@code
 * assertThat(t.status(sequence)).applied("a").inProgress("b").pending("c")
 *         .step("b", "copy").hasState(StepState.RUNNING).hasCursor("6");
 * }</pre>
 */
public final class SequenceStatusAssert extends AbstractObjectAssert<SequenceStatusAssert, SequenceStatus> {

    SequenceStatusAssert(SequenceStatus actual) {
        super(actual, SequenceStatusAssert.class);
    }

    /** Exactly these plans are recorded as applied, in order. */
    public SequenceStatusAssert applied(String... planIds) {
        return hasPlansIn(State.APPLIED, planIds);
    }

    /** Exactly these plans are started and not applied. */
    public SequenceStatusAssert inProgress(String... planIds) {
        return hasPlansIn(State.IN_PROGRESS, planIds);
    }

    /** Exactly these plans are not started. */
    public SequenceStatusAssert pending(String... planIds) {
        return hasPlansIn(State.PENDING, planIds);
    }

    /** The sequence is in order with its record: a run would not refuse it. */
    public SequenceStatusAssert hasNoProblems() {
        isNotNull();
        if (!actual.problems().isEmpty()) {
            failWithMessage("expected no problems but the status says:%n%s", actual);
        }
        return this;
    }

    /** Assertions on one step's stored record in one plan. */
    public StepRecordAssert step(String planId, String stepId) {
        isNotNull();
        StepRecord record = actual.plan(planId).status().step(stepId);
        return new StepRecordAssert(record);
    }

    private SequenceStatusAssert hasPlansIn(State state, String... expected) {
        isNotNull();
        List<String> seen = actual.plansIn(state);
        if (!seen.equals(Arrays.asList(expected))) {
            failWithMessage("expected plans %s to be %s but got %s in:%n%s", Arrays.asList(expected), state, seen,
                    actual);
        }
        return this;
    }
}
