package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a run records and reports about each step: attempts, failures, what did not run, and why it stopped. */
class StepRecordingTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<UpgradeEvent> events = new ArrayList<>();

    private UpgradeRunner.Builder runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .heartbeat(false).listener(events::add)
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).initialBackoff(Duration.ZERO).jitter(0).build());
    }

    private static UpgradeStep ok(String id) {
        return UpgradeStep.builder(id).execute(ctx -> { }).build();
    }

    private <T extends UpgradeEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void everyAttemptIsAnnouncedWithItsNumberAndTheCursorItResumesFrom() {
        AtomicInteger calls = new AtomicInteger();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
            if (calls.incrementAndGet() == 1) {
                ctx.saveCursor("doc-7");
                throw new java.io.UncheckedIOException(new java.io.IOException("connection reset"));
            }
        }).build()).build();

        assertThat(runner().build().up(plan).isSuccess()).isTrue();

        List<UpgradeEvent.StepStarted> started = eventsOf(UpgradeEvent.StepStarted.class);
        assertThat(started).extracting(UpgradeEvent.StepStarted::attempt).containsExactly(1, 2);
        assertThat(started).extracting(UpgradeEvent.StepStarted::resumeCursor).containsExactly(null, "doc-7");
        assertThat(started).allSatisfy(e -> assertThat(e.stepId()).isEqualTo("copy"));
    }

    @Test
    void aFailedStepIsRecordedFailedWithItsErrorAndWhenItEnded() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
            throw new IllegalArgumentException("mapping conflict");
        }).build()).build();

        runner().build().up(plan);

        StepRecord record = store.load("plan").orElseThrow().step("copy");
        assertThat(record.state()).isEqualTo(StepState.FAILED);
        assertThat(record.error()).contains("mapping conflict");
        assertThat(record.finishedAt()).isEqualTo(clock.instant());
    }

    @Test
    void theRunsErrorNamesTheStepThatFailedNotTheFirstStep() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(ok("first")).step(UpgradeStep.builder("second")
                .execute(ctx -> {
                    throw new IllegalArgumentException("mapping conflict");
                }).build()).build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.error()).startsWith("step 'second' failed").contains("mapping conflict");
    }

    @Test
    void stepsAfterAnUnconfirmedPointOfNoReturnAreReportedNotRun() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(ok("copy"))
                .step(UpgradeStep.builder("switch").execute(ctx -> { }).pointOfNoReturn().build())
                .step(ok("cleanup")).build();

        UpgradeReport report = runner().confirmation(Confirmation.deny()).build().up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.AWAITING_CONFIRMATION);
        assertThat(report.step("switch").orElseThrow().outcome()).isEqualTo(StepOutcome.AWAITING_CONFIRMATION);
        assertThat(report.step("cleanup").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_RUN);
    }

    @Test
    void aLostLeaseWrappedInTheStepsOwnExceptionStopsTheRunWithoutRetrying() {
        AtomicInteger calls = new AtomicInteger();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
            calls.incrementAndGet();
            throw new IllegalStateException("batch failed", new RuntimeException("while saving",
                    new UpgradeException(UpgradeErrorCode.LEASE_LOST, "the lease was taken over by host-b")));
        }).build()).build();

        UpgradeReport report = runner().build().up(plan);

        assertThat(calls).hasValue(1);
        assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.LEASE_LOST.id());
    }

    @Test
    void aSuccessfulCompensationIsAnnounced() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> { })
                .compensation(ctx -> { }).build()).build();
        runner().build().up(plan);
        events.clear();

        UpgradeReport report = runner().build().rollback(plan);

        assertThat(report.step("copy").orElseThrow().outcome()).isEqualTo(StepOutcome.COMPENSATED);
        assertThat(eventsOf(UpgradeEvent.StepCompensated.class)).extracting(UpgradeEvent.StepCompensated::stepId)
                .containsExactly("copy");
    }
}
