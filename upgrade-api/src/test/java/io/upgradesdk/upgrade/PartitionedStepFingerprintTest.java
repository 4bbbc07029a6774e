package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Turning a step from plain to partitioned (or back) changes the plan's shape, so its fingerprint. */
@Timeout(30)
class PartitionedStepFingerprintTest {

    private static final RetryPolicy NO_RETRY = RetryPolicy.custom().maxAttempts(1).build();

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<String> executed = new CopyOnWriteArrayList<>();

    private UpgradeRunner runner() {
        return UpgradeRunner.builder().store(store).owner("host").clock(clock).sleeper(clock::advance)
                .heartbeat(false).leaseDuration(Duration.ofSeconds(30)).retryPolicy(NO_RETRY).build();
    }

    private static UpgradePlan plan(UpgradeStep copy) {
        return UpgradePlan.builder("plan").step(copy)
                .step(UpgradeStep.builder("destroy").phase(Phase.FINISH).execute(ctx -> { }).build()).build();
    }

    private UpgradeStep plainCopy(boolean fails) {
        return UpgradeStep.builder("copy").execute(ctx -> {
            executed.add("plain");
            if (fails) {
                throw new IllegalStateException("source down");
            }
        }).build();
    }

    private UpgradeStep partitionedCopy(boolean fails, int workers) {
        return UpgradeStep.partitioned("copy").partitions(ctx -> List.of("s0", "s1")).workers(workers)
                .execute(part -> {
                    executed.add("partition " + part.partitionId());
                    if (fails) {
                        throw new IllegalStateException("source down");
                    }
                }).build();
    }

    @Test
    void aPlainAndAPartitionedStepWithTheSameIdGiveDifferentFingerprints() {
        assertThat(plan(partitionedCopy(false, 1)).fingerprint()).isNotEqualTo(plan(plainCopy(false)).fingerprint());
    }

    @Test
    void theWorkerCountIsNotPartOfTheFingerprint() {
        assertThat(plan(partitionedCopy(false, 1)).fingerprint()).isEqualTo(plan(partitionedCopy(false, 4)).fingerprint());
    }

    @Test
    void plansWithoutPartitionedStepsKeepTheFingerprintTheyHadBeforePartitionsExisted() {
        UpgradePlan plain = UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build())
                .step(UpgradeStep.builder("b").phase(Phase.FINISH).execute(ctx -> { }).build()).build();

        assertThat(plain.fingerprint()).isEqualTo("v1:e01d5980b0a57d9872dd8325");
    }

    @Test
    void resumingAPartitionedRunWithThePlainStepIsRefusedAndNothingRuns() {
        assertThat(runner().up(plan(partitionedCopy(true, 1))).outcome()).isEqualTo(Outcome.FAILED);
        executed.clear();

        assertThatThrownBy(() -> runner().up(plan(plainCopy(false))))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.FINGERPRINT_MISMATCH));
        assertThat(executed).isEmpty();
        assertThat(store.currentLease("plan")).isEmpty();
    }

    @Test
    void resumingAPlainRunWithThePartitionedStepIsRefusedAndNothingRuns() {
        assertThat(runner().up(plan(plainCopy(true))).outcome()).isEqualTo(Outcome.FAILED);
        executed.clear();

        assertThatThrownBy(() -> runner().up(plan(partitionedCopy(false, 1))))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.FINGERPRINT_MISMATCH));
        assertThat(executed).isEmpty();
        assertThat(store.currentLease("plan")).isEmpty();
    }

    @Test
    void joiningWithThePlainShapeOfAPartitionedRunIsRefused() {
        assertThat(runner().up(plan(partitionedCopy(true, 1))).outcome()).isEqualTo(Outcome.FAILED);

        assertThatThrownBy(() -> runner().join(plan(plainCopy(false))))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.FINGERPRINT_MISMATCH))
                .hasMessageContaining("Join with the same plan the run uses");
    }
}
