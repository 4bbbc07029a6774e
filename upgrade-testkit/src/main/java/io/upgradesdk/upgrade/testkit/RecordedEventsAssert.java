package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.UpgradeEvent;
import java.util.List;
import org.assertj.core.api.AbstractObjectAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/** Assertions on the events a {@link RecordingListener} kept. */
public final class RecordedEventsAssert extends AbstractObjectAssert<RecordedEventsAssert, RecordingListener> {

    RecordedEventsAssert(RecordingListener actual) {
        super(actual, RecordedEventsAssert.class);
    }

    /** The events of one type, as an AssertJ list: {@code ofType(StepRetrying.class).hasSize(2)}. */
    public <E extends UpgradeEvent> ListAssert<E> ofType(Class<E> type) {
        isNotNull();
        return Assertions.assertThat(actual.ofType(type)).as("%s events", type.getSimpleName());
    }

    /** No event of this type was published. */
    public RecordedEventsAssert hasNo(Class<? extends UpgradeEvent> type) {
        isNotNull();
        List<? extends UpgradeEvent> found = actual.ofType(type);
        if (!found.isEmpty()) {
            failWithMessage("expected no %s event but got %s", type.getSimpleName(), found);
        }
        return this;
    }

    /** The step was retried exactly {@code times} times (StepRetrying events). */
    public RecordedEventsAssert hasRetries(String stepId, int times) {
        isNotNull();
        long retries = actual.ofType(UpgradeEvent.StepRetrying.class).stream()
                .filter(e -> e.stepId().equals(stepId)).count();
        if (retries != times) {
            failWithMessage("expected step '%s' retried %d times but it was retried %d times; events:%n%s", stepId,
                    times, retries, actual);
        }
        return this;
    }
}
