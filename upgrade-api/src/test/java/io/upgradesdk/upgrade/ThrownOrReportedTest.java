package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rule of {@link UpgradeRunner}: what stops an operation before it starts is thrown and
 * changes nothing; once a run has started, how it ended is reported, whatever stopped it.
 */
class ThrownOrReportedTest {

    private final TestClock clock = new TestClock();
    private final CheckpointStore store = mock(CheckpointStore.class);
    private final List<UpgradeEvent> events = new ArrayList<>();
    private final Lease lease = new Lease("plan", "host-a", 7, clock.instant().plusSeconds(60));

    private UpgradeRunner.Builder runner(Sleeper sleeper) {
        given(store.load("plan")).willReturn(Optional.empty());
        given(store.acquireLease(anyString(), anyString(), any())).willReturn(lease);
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(sleeper).heartbeat(false)
                .listener(events::add)
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).initialBackoff(Duration.ofMillis(100)).jitter(0).build());
    }

    private static Sleeper interrupted() {
        return duration -> {
            throw new InterruptedException("host shutting down");
        };
    }

    @Test
    void anInterruptWhileWaitingForTheLockIsThrownBeforeAnythingStarts() {
        UpgradeRunner runner = runner(interrupted()).lockWait(Duration.ofSeconds(10)).build();
        given(store.acquireLease(anyString(), anyString(), any()))
                .willThrow(new UpgradeException(UpgradeErrorCode.LOCK_HELD, "held by host-b"));
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build()).build();

        Throwable thrown = catchThrowable(() -> runner.up(plan));

        assertThat(Thread.interrupted()).as("the interrupt is kept for the host").isTrue();
        assertThat(thrown).isInstanceOf(UpgradeException.class);
        assertThat(((UpgradeException) thrown).code()).isEqualTo(UpgradeErrorCode.INTERRUPTED);
        assertThat(events).isEmpty();
    }

    @Test
    void aCheckpointThatCannotBeSavedAfterAStepIsReportedWithTheRunFinished() {
        willThrow(new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "disk full"))
                .given(store).save(org.mockito.ArgumentMatchers.argThat(c -> c.step("first").state().isDone()), any());
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(UpgradeStep.builder("first").execute(ctx -> { }).build())
                .step(UpgradeStep.builder("second").execute(ctx -> { }).build()).build();

        UpgradeReport report = runner(d -> { }).build().up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE.id());
        assertThat(report.error()).contains("could not be saved after step 'first'", "disk full", "Run again");
        assertThat(events).last().isInstanceOf(UpgradeEvent.PlanFinished.class);
        assertThat(((UpgradeException) catchThrowable(report::throwIfFailed)).code())
                .isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE);
        verify(store).releaseLease(lease);
    }

    @Test
    void anInterruptDuringARetryWaitIsReportedAndThrownAsInterruptedOnDemand() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("flaky").execute(ctx -> {
            throw new IOException("connection reset");
        }).build()).build();

        UpgradeReport report = runner(interrupted()).build().up(plan);

        assertThat(Thread.interrupted()).isTrue();
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.INTERRUPTED.id());
        assertThat(((UpgradeException) catchThrowable(report::throwIfFailed)).code())
                .isEqualTo(UpgradeErrorCode.INTERRUPTED);
    }

    @Test
    void aRefusalIsThrownWithoutStartingTheRun() {
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(UpgradeStep.builder("copy").execute(ctx -> { }).build())
                .step(UpgradeStep.builder("drop").phase(Phase.FINISH).execute(ctx -> { }).build()).build();

        Throwable thrown = catchThrowable(() -> runner(d -> { }).build().finish(plan));

        assertThat(((UpgradeException) thrown).code()).isEqualTo(UpgradeErrorCode.PHASE_ORDER);
        assertThat(events).isEmpty();
        verify(store).releaseLease(lease);
    }
}
