package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchServer;
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
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
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

    private static final int DOCS = 1_000;

    @TempDir
    Path work;

    private final KuzzleUpgrade kuzzle = KuzzleUpgrade.create();
    private ItScenario scenario;

    @AfterEach
    void cleanUp() {
        if (scenario != null) {
            EsFixtures.deleteAll(ElasticsearchServer.get(ElasticsearchServer.V5).url(), scenario.id());
            EsFixtures.deleteAll(ElasticsearchServer.get(ElasticsearchServer.V7).url(), scenario.id());
        }
        kuzzle.close();
    }

    @Test
    void a_four_shard_collection_is_copied_in_slices_by_two_workers_with_exact_counts() throws Exception {
        String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        String dst = ElasticsearchServer.get(ElasticsearchServer.V7).url();
        scenario = ItScenario.fresh();
        EsFixtures.load(src, scenario.dataset(DOCS, 0).withShards(scenario.nyc(), 4));
        UpgradePlan plan = kuzzle.upgradePlan(scenario.settings(src, dst, work).slices(2).workers(2).build());
        List<String> partitionIds = List.of(
                "0of2:@26" + scenario.nyc() + ".yellowtaxi", "1of2:@26" + scenario.nyc() + ".yellowtaxi",
                "0of2:@26" + scenario.nyc() + ".green-taxi", "1of2:@26" + scenario.nyc() + ".green-taxi");
        Set<String> claimers = ConcurrentHashMap.newKeySet();
        UpgradeRunner runner = UpgradeRunner.builder().store(new SecondClaimAwaitsAnotherWorker(partitionIds.stream()
                .map(id -> PartitionClaims.partitionKey(plan.id(), KuzzlePlanFactory.PUBLIC, id)).toList())).owner("it")
                .listener(event -> {
                    if (event instanceof UpgradeEvent.PartitionClaimed claimed
                            && claimed.stepId().equals(KuzzlePlanFactory.PUBLIC)) {
                        claimers.add(claimed.owner());
                    }
                }).build();

        UpgradeReport report = runner.up(plan);

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        List<PartitionStatus> partitions = runner.partitions(plan, KuzzlePlanFactory.PUBLIC);
        assertThat(partitions).extracting(PartitionStatus::partitionId).containsExactlyElementsOf(partitionIds);
        assertThat(partitions).allMatch(p -> p.state() == PartitionState.DONE);
        assertThat(claimers).containsExactlyInAnyOrder("it/w1", "it/w2");
        KuzzleUpgradeEsTest.assertMigrated(src, dst, scenario);
        JsonNode verify = Json.MAPPER.readTree(work.resolve("report-" + scenario.id() + ".json").toFile());
        assertThat(verify.get("ok").asBoolean()).isTrue();
        for (JsonNode c : verify.get("collections")) {
            assertThat(c.get("actual").asLong()).as(c.get("target").asText()).isEqualTo(c.get("expected").asLong());
        }
        assertThat(EsFixtures.count(dst, "&" + scenario.nyc() + ".green-taxi")).isEqualTo(DOCS);
        assertThat(EsFixtures.count(dst, "&" + scenario.nyc() + ".yellowtaxi")).isEqualTo(DOCS - DOCS / 10);
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
