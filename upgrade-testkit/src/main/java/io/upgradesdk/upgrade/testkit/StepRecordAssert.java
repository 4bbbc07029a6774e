package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import java.util.Objects;
import org.assertj.core.api.AbstractObjectAssert;

/** Assertions on one step's record in a checkpoint. */
public final class StepRecordAssert extends AbstractObjectAssert<StepRecordAssert, StepRecord> {

    StepRecordAssert(StepRecord actual) {
        super(actual, StepRecordAssert.class);
    }

    public StepRecordAssert hasState(StepState state) {
        isNotNull();
        if (actual.state() != state) {
            failWithMessage("expected step '%s' %s but it is %s", actual.stepId(), state, actual);
        }
        return this;
    }

    /** Succeeded or skipped: a run will not execute it again. */
    public StepRecordAssert isDone() {
        isNotNull();
        if (!actual.state().isDone()) {
            failWithMessage("expected step '%s' done but it is %s", actual.stepId(), actual);
        }
        return this;
    }

    public StepRecordAssert hasCursor(String cursor) {
        isNotNull();
        if (!Objects.equals(actual.cursor(), cursor)) {
            failWithMessage("expected step '%s' at cursor '%s' but its cursor is '%s'", actual.stepId(), cursor,
                    actual.cursor());
        }
        return this;
    }

    public StepRecordAssert hasNoCursor() {
        return hasCursor(null);
    }

    /** Attempts over all runs. */
    public StepRecordAssert hasAttempts(int attempts) {
        isNotNull();
        if (actual.attempts() != attempts) {
            failWithMessage("expected step '%s' to have %d attempts recorded but it has %d", actual.stepId(), attempts,
                    actual.attempts());
        }
        return this;
    }

    public StepRecordAssert errorContains(String text) {
        isNotNull();
        if (actual.error() == null || !actual.error().contains(text)) {
            failWithMessage("expected the recorded error of step '%s' to contain '%s' but it is: %s",
                    actual.stepId(), text, actual.error());
        }
        return this;
    }
}
