package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;
import org.mockito.junit.jupiter.MockitoSettings;
import org.mockito.quality.Strictness;

/** The runner's contract with its store, checked at the boundary with a mocked store. */
@ExtendWith(MockitoExtension.class)
@MockitoSettings(strictness = Strictness.LENIENT)
class RunnerWithMockedStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Mock
    private CheckpointStore store;

    private final List<Duration> sleeps = new ArrayList<>();
    private final List<UpgradeEvent> events = new ArrayList<>();
    private final List<String> executed = new ArrayList<>();
    private final Lease lease = new Lease("plan", "host-a", 7, NOW.plusSeconds(60));

    @BeforeEach
    void leaseIsFree() {
        given(store.load("plan")).willReturn(Optional.empty());
        given(store.acquireLease(anyString(), anyString(), any())).willReturn(lease);
        given(store.renewLease(any(), any())).willReturn(lease);
    }

    private UpgradeRunner.Builder runner() {
        return UpgradeRunner.builder().store(store).owner("host-a")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .sleeper(sleeps::add)
                .heartbeat(false)
                .listener(events::add)
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).initialBackoff(Duration.ofMillis(100)).jitter(0).build());
    }

    private UpgradeStep recording(String id) {
        return UpgradeStep.builder(id).execute(ctx -> executed.add(id)).build();
    }

    @Test
    void savesTheCheckpointAfterEveryStepBeforeTheNextOneStarts() throws Exception {
        UpgradeStep first = org.mockito.Mockito.spy(recording("first"));
        UpgradeStep second = org.mockito.Mockito.spy(recording("second"));
        UpgradePlan plan = UpgradePlan.builder("plan").step(first).step(second).build();

        runner().build().up(plan);

        InOrder order = inOrder(first, store, second);
        order.verify(first).execute(any());
        order.verify(store).save(org.mockito.ArgumentMatchers.argThat(
                c -> c.step("first").state() == StepState.SUCCEEDED), org.mockito.ArgumentMatchers.eq(lease));
        order.verify(second).execute(any());
        order.verify(store).save(org.mockito.ArgumentMatchers.argThat(
                c -> c.step("second").state() == StepState.SUCCEEDED), org.mockito.ArgumentMatchers.eq(lease));
        verify(store).releaseLease(lease);
    }

    @Test
    void eachStepCostsOneWriteTheNextStartIsRecordedWithThePreviousSuccess() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("a")).step(recording("b")).step(recording("c"))
                .build();

        runner().build().up(plan);

        ArgumentCaptor<Checkpoint> saved = ArgumentCaptor.forClass(Checkpoint.class);
        verify(store, times(4)).save(saved.capture(), any());
        Checkpoint second = saved.getAllValues().get(1);
        assertThat(second.step("a").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(second.step("b").state()).isEqualTo(StepState.RUNNING);
        assertThat(second.step("b").attempts()).isEqualTo(1);
    }

    @Test
    void thePointOfNoReturnIsNotMarkedStartedBeforeItsConfirmation() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("copy"))
                .step(UpgradeStep.builder("destroy").phase(Phase.FINISH).pointOfNoReturn().execute(ctx -> { }).build())
                .build();

        runner().build().run(plan);

        ArgumentCaptor<Checkpoint> saved = ArgumentCaptor.forClass(Checkpoint.class);
        verify(store, atLeastOnce()).save(saved.capture(), any());
        assertThat(saved.getAllValues()).allMatch(c -> c.step("destroy").attempts() == 0);
    }

    @Test
    void aResumedRunSkipsCompletedStepsAndResumesFromTheSavedCursor() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("first"))
                .step(UpgradeStep.builder("copy").execute(ctx -> executed.add("copy from " + ctx.cursor().orElse("start")))
                        .build())
                .build();
        Checkpoint interrupted = Checkpoint.start(plan, NOW)
                .withStep(new StepRecord("first", StepState.SUCCEEDED, 1, null, NOW, NOW, null), NOW)
                .withStep(new StepRecord("copy", StepState.RUNNING, 1, "doc-42", NOW, null, null), NOW);
        given(store.load("plan")).willReturn(Optional.of(interrupted));

        UpgradeReport report = runner().build().up(plan);

        assertThat(executed).containsExactly("copy from doc-42");
        assertThat(report.step("first").orElseThrow().outcome()).isEqualTo(StepOutcome.ALREADY_DONE);
        assertThat(report.step("copy").orElseThrow().outcome()).isEqualTo(StepOutcome.SUCCEEDED);
    }

    @Test
    void transientErrorsAreRetriedWithExponentialBackoff() {
        AtomicInteger calls = new AtomicInteger();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("flaky").execute(ctx -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
        }).build()).build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(report.step("flaky").orElseThrow().attempts()).isEqualTo(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(events).filteredOn(UpgradeEvent.StepRetrying.class::isInstance).hasSize(2);
    }

    @Test
    void permanentErrorsAreNotRetriedAndLaterStepsDoNotRun() {
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(UpgradeStep.builder("broken").execute(ctx -> {
                    throw new IllegalStateException("mapping conflict");
                }).build())
                .step(recording("after"))
                .build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.step("broken").orElseThrow().attempts()).isEqualTo(1);
        assertThat(report.step("after").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_RUN);
        assertThat(executed).isEmpty();
        assertThat(sleeps).isEmpty();
        assertThat(report.error()).contains("broken", "mapping conflict");
    }

    @Test
    void attemptsStopAtTheMaximum() {
        AtomicInteger calls = new AtomicInteger();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("down").execute(ctx -> {
            calls.incrementAndGet();
            throw new IOException("connection refused");
        }).build()).build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(calls).hasValue(3);
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void aStepsOwnRetryPolicyOverridesTheRunnersDefault() {
        AtomicInteger calls = new AtomicInteger();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("patient")
                .retryPolicy(RetryPolicy.custom().maxAttempts(5).initialBackoff(Duration.ofSeconds(1)).multiplier(3)
                        .jitter(0).build())
                .execute(ctx -> {
                    if (calls.incrementAndGet() < 5) {
                        throw new IOException("busy");
                    }
                }).build()).build();

        runner().build().up(plan);

        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(9),
                Duration.ofSeconds(27));
    }

    @Test
    void thePointOfNoReturnDoesNotRunWithoutConfirmation() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("copy"))
                .step(UpgradeStep.builder("destroy").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> executed.add("destroy")).build())
                .build();

        UpgradeReport report = runner().build().run(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.AWAITING_CONFIRMATION);
        assertThat(executed).containsExactly("copy");
        assertThat(events).filteredOn(UpgradeEvent.ConfirmationRequested.class::isInstance).hasSize(1);
        assertThatThrownBy(report::throwIfFailed).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.CONFIRMATION_REQUIRED));
    }

    @Test
    void thePointOfNoReturnRunsWhenConfirmedInAdvance() {
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(UpgradeStep.builder("destroy").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> executed.add("destroy")).build())
                .build();

        UpgradeReport report = runner().confirmation(Confirmation.givenInAdvance()).build().run(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(executed).containsExactly("destroy");
    }

    @Test
    void losingTheLeaseStopsTheRunBeforeAnyFurtherWrite() {
        willThrow(new UpgradeException(UpgradeErrorCode.LEASE_LOST, "taken over by host-b"))
                .given(store).save(org.mockito.ArgumentMatchers.argThat(c -> c.step("second").attempts() > 0), any());
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("first")).step(recording("second"))
                .step(recording("third")).build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errorCode()).isEqualTo("UPGRADE_LEASE_LOST");
        assertThat(executed).containsExactly("first");
        ArgumentCaptor<Checkpoint> saved = ArgumentCaptor.forClass(Checkpoint.class);
        // first RUNNING, then first SUCCEEDED together with second RUNNING (refused): nothing after.
        verify(store, times(2)).save(saved.capture(), any());
        assertThat(saved.getAllValues()).noneMatch(c -> c.step("third").attempts() > 0);
        verify(store, never()).releaseLease(any());
    }

    @Test
    void aLeaseLostWhileSavingACursorStopsTheStep() {
        willThrow(new UpgradeException(UpgradeErrorCode.LEASE_LOST, "taken over by host-b"))
                .given(store).save(org.mockito.ArgumentMatchers.argThat(c -> "10".equals(c.step("copy").cursor())), any());
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
            for (int i = 0; i < 100; i += 10) {
                ctx.saveCursor(String.valueOf(i));
                executed.add("batch " + i);
            }
        }).build()).build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(executed).containsExactly("batch 0");
        assertThat(report.errorCode()).isEqualTo("UPGRADE_LEASE_LOST");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aHeldLockFailsFastNamingTheHolderAndRunsNothing() {
        given(store.acquireLease(anyString(), anyString(), any()))
                .willThrow(new UpgradeException(UpgradeErrorCode.LOCK_HELD, "plan 'plan' is being run by 'host-b'"));
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("first")).build();

        assertThatThrownBy(() -> runner().build().up(plan)).hasMessageContaining("host-b");
        assertThat(executed).isEmpty();
        assertThat(sleeps).isEmpty();
        verify(store, never()).save(any(), any());
    }

    @Test
    void withALockWaitTheRunPollsUntilTheLeaseIsFree() {
        given(store.acquireLease(anyString(), anyString(), any()))
                .willThrow(new UpgradeException(UpgradeErrorCode.LOCK_HELD, "held by host-b"))
                .willThrow(new UpgradeException(UpgradeErrorCode.LOCK_HELD, "held by host-b"))
                .willReturn(lease);
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("first")).build();

        UpgradeReport report = runner().lockWait(Duration.ofSeconds(10)).build().up(plan);

        assertThat(report.isSuccess()).isTrue();
        assertThat(sleeps).hasSize(2);
        verify(store, times(3)).acquireLease(anyString(), anyString(), any());
    }

    @Test
    void aTransientStoreFailureWhenSavingIsRetried() {
        willThrow(new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "connection reset"))
                .willDoNothing().given(store).save(any(), any());
        UpgradePlan plan = UpgradePlan.builder("plan").step(recording("first")).build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(report.isSuccess()).isTrue();
        verify(store, atLeastOnce()).save(any(), any());
        assertThat(sleeps).hasSize(1);
    }
}
