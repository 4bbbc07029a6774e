package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reindex plan's {@code _reindex} in slices on a real 7.17 node: one slice per primary shard,
 * progress per slice from the sub-tasks, exact counts, and a run killed once its task id was saved
 * that resumes polling that task instead of starting a second one.
 */
@Tag("integration")
class SlicedReindexIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TASK_IN_MESSAGE = Pattern.compile("\\(task (\\S+),");
    private static final int DOCS = 1200;

    private static String seed(ElasticsearchServer es, String hint) {
        String p = es.newIndexPrefix(hint);
        es.request("PUT", "/" + p + "old", "{\"settings\":{\"number_of_shards\":4,\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(p).append("old\",\"_id\":\"").append(i).append("\"}}\n")
                    .append("{\"n\":").append(i).append(",\"text\":\"").append("x".repeat(100)).append("\"}\n");
        }
        es.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        return p;
    }

    private static UpgradePlan plan(ElasticsearchServer es, String p) {
        return ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis())).pollInterval(Duration.ofMillis(50))
                .build().reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.of(es.url()), p + "old", p + "new")
                        .build());
    }

    private static List<UpgradeEvent.StepProgress> reindexProgress(UpgradeTestRunner t) {
        return t.events().ofType(UpgradeEvent.StepProgress.class).stream()
                .filter(e -> e.stepId().equals("reindex")).toList();
    }

    @Test
    void aFourShardIndexIsReindexedInFourSlicesWithProgressPerSliceAndExactCounts() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = seed(es7, "sliced");
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        UpgradeReport up = t.up(plan(es7, p));

        assertThat(up.outcome()).as(up.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(t.cursorsSaved("reindex")).singleElement().satisfies(c -> assertThat(c).contains("\"slices\":4"));
        List<UpgradeEvent.StepProgress> progress = reindexProgress(t);
        assertThat(progress).allSatisfy(e -> assertThat(e.message()).contains("4 slices: #0 ", ", #3 "));
        UpgradeEvent.StepProgress last = progress.get(progress.size() - 1);
        assertThat(last.done()).isEqualTo(DOCS);
        assertThat(last.total()).isEqualTo(DOCS);
        assertThat(last.message()).contains("#0 ", "#1 ", "#2 ", "#3 ").doesNotContain("waiting");
        Map<String, Long> versions = SnapshotRestoreKillTrialsTest.versions(es7, p + "new");
        assertThat(versions).hasSize(DOCS);
        assertThat(versions.values()).as("each written once").containsOnly(1L);
        assertThat(reindexTasksInto(es7, p + "new")).as("one task").isEqualTo(1);
    }

    @Test
    void aRunKilledAfterSavingItsTaskIdResumesPollingThatTaskAndStartsNoSecond() throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = seed(es7, "sliced-resume");
        UpgradePlan plan = plan(es7, p);
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.afterCursorSave("reindex", 1)).up(plan); // the task runs on in Elasticsearch
        String savedTask = taskOf(t.cursorsSaved("reindex").get(0));
        t.clearRecordings();
        UpgradeReport resumed = t.letLeaseExpire(plan).up(plan);

        assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(t.cursorsSaved("reindex")).as("no new task id saved").isEmpty();
        assertThat(reindexProgress(t)).isNotEmpty().allSatisfy(e -> {
            Matcher m = TASK_IN_MESSAGE.matcher(e.message());
            assertThat(m.find()).as(e.message()).isTrue();
            assertThat(m.group(1)).isEqualTo(savedTask);
        });
        Map<String, Long> versions = SnapshotRestoreKillTrialsTest.versions(es7, p + "new");
        assertThat(versions).hasSize(DOCS);
        assertThat(versions.values()).containsOnly(1L);
        assertThat(reindexTasksInto(es7, p + "new")).as("one task").isEqualTo(1);
    }

    private static String taskOf(String cursor) throws Exception {
        return JSON.readTree(cursor).path("taskId").asText();
    }

    /** Parent reindex tasks ever run into {@code dest}: the finished ones Elasticsearch stored in {@code .tasks}. */
    private static long reindexTasksInto(ElasticsearchServer es, String dest) throws Exception {
        es.request("POST", "/.tasks/_refresh", null);
        JsonNode hits = JSON.readTree(es.request("GET", "/.tasks/_search?size=10000&_source=task.description,"
                + "task.parent_task_id", null).ok().body()).path("hits").path("hits");
        long n = 0;
        for (JsonNode hit : hits) {
            JsonNode task = hit.path("_source").path("task");
            if (task.path("description").asText().contains(" to [" + dest + "]") && !task.has("parent_task_id")) {
                n++;
            }
        }
        return n;
    }
}
