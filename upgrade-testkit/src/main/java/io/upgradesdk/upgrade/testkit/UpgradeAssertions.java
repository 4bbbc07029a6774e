package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeReport;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * AssertJ entry point for upgrade tests: every assertion of {@link Assertions} plus assertions
 * on reports, checkpoints, step records, recorded events and refusals. One static import serves:
 *
 * <pre>{@code
 * import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.*;
 *
 * assertThat(t.up(plan)).succeeded().step("copy-orders").succeededAfterAttempts(2);
 * assertThat(t.checkpoint(plan)).step("copy-orders").hasState(StepState.SUCCEEDED);
 * assertThat(t.events()).ofType(UpgradeEvent.StepRetrying.class).hasSize(1);
 * assertThatUpgradeExceptionThrownBy(() -> t.up(plan)).hasCode(UpgradeErrorCode.LOCK_HELD);
 * assertThat(t.cursorsSaved("copy-orders")).containsExactly("100", "200");
 * }</pre>
 */
public class UpgradeAssertions extends Assertions {

    protected UpgradeAssertions() {
    }

    public static UpgradeReportAssert assertThat(UpgradeReport report) {
        return new UpgradeReportAssert(report);
    }

    public static SequenceReportAssert assertThat(SequenceReport report) {
        return new SequenceReportAssert(report);
    }

    public static SequenceStatusAssert assertThat(SequenceStatus status) {
        return new SequenceStatusAssert(status);
    }

    public static CheckpointAssert assertThat(Checkpoint checkpoint) {
        return new CheckpointAssert(checkpoint);
    }

    public static StepRecordAssert assertThat(StepRecord record) {
        return new StepRecordAssert(record);
    }

    public static RecordedEventsAssert assertThat(RecordingListener events) {
        return new RecordedEventsAssert(events);
    }

    public static UpgradeExceptionAssert assertThat(UpgradeException exception) {
        return new UpgradeExceptionAssert(exception);
    }

    /**
     * Runs {@code call} and asserts it threw an {@link UpgradeException} (a refusal such as
     * {@code LOCK_HELD}, as opposed to a failure reported in an {@link UpgradeReport}).
     */
    public static UpgradeExceptionAssert assertThatUpgradeExceptionThrownBy(ThrowingCallable call) {
        Throwable thrown = Assertions.catchThrowable(call);
        if (!(thrown instanceof UpgradeException e)) {
            throw new AssertionError("expected an UpgradeException to be thrown, but "
                    + (thrown == null ? "nothing was thrown" : "got " + thrown), thrown);
        }
        return new UpgradeExceptionAssert(e);
    }
}
