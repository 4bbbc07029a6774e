package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public storage copied in slices by several workers, on real Elasticsearch 5.6 → 7.17; the
 * store makes a worker's second claim wait for the other worker's first, so that both copy.
 */
@Tag("integration")
class KuzzlePartitionedCopyEsTest {

    @TempDir
    Path work;

    private SlicedPublicCopy copy;

    @AfterEach
    void cleanUp() {
        if (copy != null) {
            copy.close();
        }
    }

    @Test
    void a_four_shard_collection_is_copied_in_slices_by_two_workers_with_exact_counts() throws Exception {
        copy = SlicedPublicCopy.loaded(work);
        UpgradePlan plan = copy.plan();
        Set<String> claimers = ConcurrentHashMap.newKeySet();
        UpgradeRunner runner = UpgradeRunner.builder().store(new SecondClaimAwaitsAnotherWorker(copy.partitionIds()
                .stream().map(id -> PartitionClaims.partitionKey(plan.id(), KuzzlePlanFactory.PUBLIC, id)).toList()))
                .owner("it")
                .listener(event -> {
                    if (event instanceof UpgradeEvent.PartitionClaimed claimed
                            && claimed.stepId().equals(KuzzlePlanFactory.PUBLIC)) {
                        claimers.add(claimed.owner());
                    }
                }).build();

        UpgradeReport report = runner.up(plan);

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        List<PartitionStatus> partitions = runner.partitions(plan, KuzzlePlanFactory.PUBLIC);
        assertThat(partitions).extracting(PartitionStatus::partitionId).containsExactlyElementsOf(copy.partitionIds());
        assertThat(partitions).allMatch(p -> p.state() == PartitionState.DONE);
        assertThat(claimers).containsExactlyInAnyOrder("it/w1", "it/w2");
        copy.assertMigratedExactly();
        JsonNode verify = copy.verifyReport();
        assertThat(verify.get("ok").asBoolean()).isTrue();
        for (JsonNode c : verify.get("collections")) {
            assertThat(c.get("actual").asLong()).as(c.get("target").asText()).isEqualTo(c.get("expected").asLong());
        }
    }

    /**
     * The in-memory store, except that a worker that already holds or held a partition of the public
     * copy waits (at most 30 s, outside any lock of the run) before taking a second one until another
     * worker has taken one: both workers then copy whatever the thread scheduling, without a sleep.
     */
    private static final class SecondClaimAwaitsAnotherWorker extends ForwardingCheckpointStore {
        private final Set<String> partitionKeys;
        private final Set<String> workersThatClaimed = ConcurrentHashMap.newKeySet();
        private final CountDownLatch twoWorkersClaimed = new CountDownLatch(1);

        SecondClaimAwaitsAnotherWorker(List<String> partitionKeys) {
            super(new InMemoryCheckpointStore());
            this.partitionKeys = Set.copyOf(partitionKeys);
        }

        @Override
        public Lease acquireLease(String key, String owner, Duration duration) {
            if (partitionKeys.contains(key) && workersThatClaimed.contains(owner)) {
                try {
                    twoWorkersClaimed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.acquireLease(key, owner, duration);
        }

        @Override
        public void save(Checkpoint checkpoint, Lease lease) {
            super.save(checkpoint, lease);
            if (partitionKeys.contains(checkpoint.planId())) {   // a claim writes the partition's state at once
                workersThatClaimed.add(lease.owner());
                if (workersThatClaimed.size() >= 2) {
                    twoWorkersClaimed.countDown();
                }
            }
        }
    }
}
