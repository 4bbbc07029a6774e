package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.testkit.KillTrials;
import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A run dies after Elasticsearch accepted its {@code _reindex} task but before the task id reached
 * the checkpoint (the one window the kill trials can hit in the reindex step): the rerun finds that
 * task by its description while it runs and polls it, and once it has finished takes its result
 * from {@code .tasks} instead of starting another. Every task may only create documents (op_type
 * create, conflicts skipped), so each document is written exactly once either way.
 */
@Tag("integration")
class ReindexTaskIdLostTest {

    private static final int DOCS = 3000;

    @Test
    void aRunKilledBeforeItsReindexTaskIdWasSavedWritesNoDocumentTwice() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = es7.newIndexPrefix("reindex-lost-task");
        UpgradePlan plan = reindexPlan(es7, p);
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.beforeCursorSave("reindex", 1)).up(plan); // the task runs on, its id is lost
        UpgradeReport rerun = t.letLeaseExpire(plan).up(plan);
        awaitNoReindexTaskWriting(es7, p + "new");

        assertThat(rerun.outcome()).as(rerun.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        Map<String, Long> versions = SnapshotRestoreKillTrialsTest.versions(es7, p + "new");
        assertThat(versions).hasSize(DOCS);
        assertThat(versions.values().stream().filter(v -> v > 1).count()).as("documents written twice").isZero();
    }

    @Test
    void aRerunAfterTheUnsavedTaskFinishedTakesItsResultAndStartsNoSecondTask() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = es7.newIndexPrefix("reindex-lost-finished");
        UpgradePlan plan = reindexPlan(es7, p);
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.beforeCursorSave("reindex", 1)).up(plan);
        awaitNoReindexTaskWriting(es7, p + "new");
        t.clearRecordings();
        UpgradeReport rerun = t.letLeaseExpire(plan).up(plan);

        assertThat(rerun.outcome()).as(rerun.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(t.events().ofType(UpgradeEvent.StepProgress.class)).extracting(UpgradeEvent.StepProgress::message)
                .anyMatch(m -> m.contains("is finished though its id was never saved"));
        es7.request("POST", "/.tasks/_refresh", null).ok();
        String tasks = es7.request("POST", "/.tasks/_search?size=100", "{\"query\":{\"term\":{\"task.action\":"
                + "\"indices:data/write/reindex\"}}}").ok().body();
        assertThat(tasks.split(Pattern.quote("to [" + p + "new]"), -1)).as("reindex tasks into the new index in .tasks: "
                + tasks).hasSize(2);
        Map<String, Long> versions = SnapshotRestoreKillTrialsTest.versions(es7, p + "new");
        assertThat(versions).hasSize(DOCS).allSatisfy((id, version) -> assertThat(version).as(id).isEqualTo(1L));
    }

    private static UpgradePlan reindexPlan(ElasticsearchServer es7, String p) {
        es7.request("PUT", "/" + p + "old", "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(p).append("old\",\"_id\":\"").append(i).append("\"}}\n")
                    .append("{\"n\":").append(i).append("}\n");
        }
        es7.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        return ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(50)).build()
                .reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.of(es7.url()), p + "old", p + "new").build());
    }

    private static void awaitNoReindexTaskWriting(ElasticsearchServer es, String dest) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (es.request("GET", "/_tasks?actions=*reindex&detailed=true", null).ok().body().contains(dest)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
