package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractObjectAssert;

/** Assertions on a stored {@link Checkpoint}. */
public final class CheckpointAssert extends AbstractObjectAssert<CheckpointAssert, Checkpoint> {

    CheckpointAssert(Checkpoint actual) {
        super(actual, CheckpointAssert.class);
    }

    /** Assertions on one step's record (a pending record when the checkpoint does not know it). */
    public StepRecordAssert step(String stepId) {
        isNotNull();
        return new StepRecordAssert(actual.step(stepId));
    }

    /** The states of its steps, in order. */
    public CheckpointAssert hasStates(StepState... states) {
        isNotNull();
        List<StepState> seen = actual.steps().stream().map(StepRecord::state).toList();
        if (!seen.equals(Arrays.asList(states))) {
            failWithMessage("expected step states %s but the checkpoint has %s", Arrays.asList(states), actual);
        }
        return this;
    }

    public CheckpointAssert allStepsSucceeded() {
        isNotNull();
        if (!actual.steps().stream().allMatch(s -> s.state() == StepState.SUCCEEDED)) {
            failWithMessage("expected every step SUCCEEDED but the checkpoint has %s", actual);
        }
        return this;
    }

    /** Written by this version of the plan (same fingerprint). */
    public CheckpointAssert hasFingerprintOf(UpgradePlan plan) {
        isNotNull();
        if (!actual.fingerprint().equals(plan.fingerprint())) {
            failWithMessage("expected the fingerprint of %s but the checkpoint has %s", plan, actual.fingerprint());
        }
        return this;
    }

    /** An operator action of this kind (e.g. {@code MARK_DONE}) is in the audit trail. */
    public CheckpointAssert hasAuditedAction(String action) {
        isNotNull();
        if (actual.audit().stream().noneMatch(a -> a.action().equals(action))) {
            failWithMessage("expected an audit entry %s but the trail is %s", action, actual.audit());
        }
        return this;
    }
}
