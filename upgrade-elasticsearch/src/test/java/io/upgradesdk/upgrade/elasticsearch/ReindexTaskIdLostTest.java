package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.testkit.KillTrials;
import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A run dies after Elasticsearch accepted its {@code _reindex} task but before the task id reached
 * the checkpoint (the one window the kill trials can hit in the reindex step): the rerun finds that
 * task by its description while it runs and polls it; had it finished, the rerun would start another
 * one. Every task may only create documents (op_type create, conflicts skipped), so each document
 * is written exactly once either way.
 */
@Tag("integration")
class ReindexTaskIdLostTest {

    private static final int DOCS = 3000;

    @Test
    void aRunKilledBeforeItsReindexTaskIdWasSavedWritesNoDocumentTwice() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = es7.newIndexPrefix("reindex-lost-task");
        es7.request("PUT", "/" + p + "old", "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(p).append("old\",\"_id\":\"").append(i).append("\"}}\n")
                    .append("{\"n\":").append(i).append("}\n");
        }
        es7.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        UpgradePlan plan = ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(50)).build()
                .reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.of(es7.url()), p + "old", p + "new").build());
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.beforeCursorSave("reindex", 1)).up(plan); // the task runs on, its id is lost
        UpgradeReport rerun = t.letLeaseExpire(plan).up(plan);
        awaitNoReindexTaskWriting(es7, p + "new");

        assertThat(rerun.outcome()).as(rerun.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        Map<String, Long> versions = SnapshotRestoreKillTrialsTest.versions(es7, p + "new");
        assertThat(versions).hasSize(DOCS);
        assertThat(versions.values().stream().filter(v -> v > 1).count()).as("documents written twice").isZero();
    }

    private static void awaitNoReindexTaskWriting(ElasticsearchServer es, String dest) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (es.request("GET", "/_tasks?actions=*reindex&detailed=true", null).ok().body().contains(dest)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
