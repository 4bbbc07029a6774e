package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the runner writes checkpoints: one attempt counted per attempt, and which save failures are retried. */
class CheckpointSavingTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore memory = new InMemoryCheckpointStore(clock);
    private final AtomicInteger saves = new AtomicInteger();
    private volatile UpgradeException saveFailure;
    private volatile int failingSaves;
    /** When positive: the save with this number (1 = the first) fails once with STORE_UNAVAILABLE. */
    private volatile int failingSave;
    private final java.util.List<Duration> sleeps = new java.util.ArrayList<>();

    private final CheckpointStore store = new ForwardingCheckpointStore(memory) {
        @Override
        public void save(Checkpoint checkpoint, Lease lease) {
            if (saves.incrementAndGet() == failingSave) {
                throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "connection reset");
            }
            if (saveFailure != null) {
                throw saveFailure;
            }
            if (failingSaves > 0) {
                failingSaves--;
                throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "connection reset");
            }
            super.save(checkpoint, lease);
        }
    };

    private UpgradeRunner runner() {
        return runner(Duration.ZERO);
    }

    private UpgradeRunner runner(Duration backoff) {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(d -> {
                    sleeps.add(d);
                    clock.advance(d);
                }).heartbeat(false)
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).initialBackoff(backoff).jitter(0).build())
                .build();
    }

    @Test
    void aStepStartedWithThePreviousSuccessCountsEachOfItsAttemptsOnce() {
        AtomicInteger calls = new AtomicInteger();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build())
                .step(UpgradeStep.builder("b").execute(ctx -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new UncheckedIOException(new java.io.IOException("connection reset"));
                    }
                }).build()).build();

        assertThat(runner().up(plan).isSuccess()).isTrue();

        assertThat(memory.load("plan").orElseThrow().step("a").attempts()).isEqualTo(1);
        assertThat(memory.load("plan").orElseThrow().step("b").attempts()).isEqualTo(2);
    }

    @Test
    void aStoreThatBreaksItsContractOnSaveIsNotRetried() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build())
                .build();
        saveFailure = new UpgradeException(UpgradeErrorCode.STORE_CONTRACT_BROKEN, "revision went backwards");

        Throwable thrown = catchThrowable(() -> runner().up(plan));

        assertThat(saves).hasValue(1);
        assertThat(thrown).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.STORE_CONTRACT_BROKEN));
    }

    @Test
    void aTransientSaveFailureIsRetriedAfterTheRunnersBackoff() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build())
                .build();
        failingSaves = 1;

        assertThat(runner(Duration.ofSeconds(1)).up(plan).isSuccess()).isTrue();

        assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(memory.load("plan").orElseThrow().step("a").state()).isEqualTo(StepState.SUCCEEDED);
    }

    @Test
    void aTransientSaveFailureIsRetriedAtOnceWithoutBackoff() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build())
                .build();
        failingSave = 2; // the save recording the success

        assertThat(runner().up(plan).isSuccess()).isTrue();
        assertThat(saves).hasValue(3);
        assertThat(sleeps).containsExactly(Duration.ZERO);
    }

    @Test
    void aTransientFailureOfTheSaveRecordingASuccessIsRetriedNotReportedAsAFailure() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build())
                .build();
        failingSave = 2; // 1: attempt started, 2: success recorded

        UpgradeReport report = runner(Duration.ofSeconds(1)).up(plan);

        assertThat(report.isSuccess()).isTrue();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(memory.load("plan").orElseThrow().step("a").state()).isEqualTo(StepState.SUCCEEDED);
    }
}
