package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partitioned step's bookkeeping grows with its partitions, not with their square: the store
 * reads per partition stay a handful however many there are, and a partition's notice is the step's
 * notice without touching the step's count.
 */
@Timeout(60)
class PartitionScalingTest {

    private static final RetryPolicy NO_RETRY = RetryPolicy.custom().maxAttempts(1).build();
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock();
    private final AtomicLong partitionReads = new AtomicLong();
    /** The shared store, counting reads of partition records (not of the plan or the partition list). */
    private final CheckpointStore store = new ForwardingCheckpointStore(new InMemoryCheckpointStore(clock)) {
        @Override
        public Optional<Checkpoint> load(String key) {
            if (key.startsWith("partition:")) {
                partitionReads.incrementAndGet();
            }
            return super.load(key);
        }
    };

    private static List<String> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> "s" + i).toList();
    }

    private UpgradeReport run(UpgradeStep step, UpgradeListener listener) {
        return UpgradeRunner.builder().store(store).owner("host").clock(clock).sleeper(clock::advance)
                .heartbeat(false).leaseDuration(LEASE).retryPolicy(NO_RETRY).listener(listener).build()
                .up(UpgradePlan.builder("plan-" + step.id()).step(step).build());
    }

    @Test
    void workingAStepReadsEachPartitionRecordAHandfulOfTimesWhateverTheirNumber() {
        for (int partitions : new int[] {50, 400}) {
            partitionReads.set(0);
            UpgradeStep step = UpgradeStep.partitioned("copy-" + partitions).partitions(ctx -> ids(partitions))
                    .workers(1).execute(part -> { }).build();

            assertThat(run(step, event -> { }).isSuccess()).isTrue();

            // each claim read every partition before the first free one: 400 partitions took 80,000+ reads
            assertThat(partitionReads.get()).as("partition reads for %d partitions", partitions)
                    .isLessThanOrEqualTo(6L * partitions);
        }
    }

    @Test
    void aPartitionsNoticeIsTheStepsNoticeAndLeavesTheStepsCountAlone() {
        List<UpgradeEvent.StepProgress> progress = new CopyOnWriteArrayList<>();
        UpgradeStep step = UpgradeStep.partitioned("copy").partitions(ctx -> ids(2)).workers(1).execute(part -> {
            part.progress(5, 10, "copying");
            part.progress(0, -1, "index kept read-only");
            part.progress(10, 10, "copied");
        }).build();

        run(step, event -> {
            if (event instanceof UpgradeEvent.StepProgress p) {
                progress.add(p);
            }
        });

        assertThat(progress).extracting(UpgradeEvent.StepProgress::done, UpgradeEvent.StepProgress::total,
                UpgradeEvent.StepProgress::message).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(5L, -1L, "partition s0: copying"),
                        org.assertj.core.groups.Tuple.tuple(0L, -1L, "partition s0: index kept read-only"),
                        org.assertj.core.groups.Tuple.tuple(10L, -1L, "partition s0: copied"),
                        org.assertj.core.groups.Tuple.tuple(15L, 20L, "partition s1: copying"),
                        org.assertj.core.groups.Tuple.tuple(0L, -1L, "partition s1: index kept read-only"),
                        org.assertj.core.groups.Tuple.tuple(20L, 20L, "partition s1: copied"));
        assertThat(progress.get(1).isNotice()).isTrue();
    }

    @Test
    void anInstanceSkipsThePartitionsItSawSettledWhileTheStoreAndANewInstanceSeeACorrection() {
        PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
        claims.register(ids(2), "host", LEASE);
        try (PartitionClaims.Claim claim = claims.claim("w1", LEASE).orElseThrow()) {
            claim.complete();
        }
        PartitionClaims.Claim second = claims.claim("w1", LEASE).orElseThrow();
        assertThat(second.partitionId()).isEqualTo("s1");
        second.complete();
        second.close();
        assertThat(claims.allSettled()).isTrue();

        new PartitionClaims(store, clock, "plan", "copy").correct("s0", PartitionState.PENDING,
                new AuditEntry(clock.instant(), "ops", "mark-pending", "s0", "redo"), LEASE);

        assertThat(claims.status("s0").state()).isEqualTo(PartitionState.PENDING);
        assertThat(claims.claim("w1", LEASE)).as("this instance saw s0 done").isEmpty();
        PartitionClaims fresh = new PartitionClaims(store, clock, "plan", "copy");
        assertThat(fresh.allSettled()).isFalse();
        assertThat(fresh.claim("w2", LEASE)).map(PartitionClaims.Claim::partitionId).contains("s0");
    }
}
