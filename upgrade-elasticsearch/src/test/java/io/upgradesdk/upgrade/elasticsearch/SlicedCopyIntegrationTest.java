package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A copy in 4 slices from real 5.6 to real 7.17: every document once, and a killed slice resumed at its cursor. */
@Tag("integration")
class SlicedCopyIntegrationTest {

    /** The default run's case: a few hundred documents, small pages, a few seconds on shared nodes. */
    @Test
    void four_slices_and_two_workers_copy_5_6_to_7_17_exactly_and_a_killed_slice_resumes_at_its_cursor() {
        copyAndResume(400, 50, 20);
    }

    /** The same with a few thousand documents. */
    @Test
    @Tag("long")
    void a_few_thousand_documents_in_four_slices_copy_exactly_and_a_killed_slice_resumes_at_its_cursor() {
        copyAndResume(3000, 500, 100);
    }

    private void copyAndResume(int documents, int pageSize, int killedPageSize) {
        ElasticsearchServer es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        try (ElasticsearchConnection v5 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es5.url()));
                ElasticsearchConnection v7 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es7.url()))) {
            String source = es5.newIndexPrefix("sliced") + "users";
            seed(v5, source, documents);

            // two workers in one JVM, real time
            String whole = es7.newIndexPrefix("sliced") + "users-v2";
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("host-a").build();
            long started = System.nanoTime();
            UpgradeReport report = runner.up(plan(v5, source, v7, whole, 2, pageSize));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(report.outcome()).as(String.valueOf(report.error())).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            System.out.printf("sliced copy 5.6 -> 7.17: %d documents, 4 slices, 2 workers: %d ms%n", documents, millis);
            assertExactCopy(v5, source, v7, whole, documents, 0);

            // one worker killed after slice-1 saved its third cursor, resumed by the next run
            String resumed = es7.newIndexPrefix("sliced") + "users-v3";
            UpgradeTestRunner t = UpgradeTestKit.runner().build();
            UpgradePlan plan = plan(v5, source, v7, resumed, 1, killedPageSize);
            t.crashAt(CrashPoint.afterPartitionCursorSave("sliced", "copy-users", "slice-1", 3)).up(plan);
            PartitionStatus killed = t.partitions(plan, "copy-users").get(1);
            assertThat(killed.state()).isEqualTo(PartitionState.RUNNING);
            assertThat(killed.cursor()).contains("\"read\":" + 3 * killedPageSize + ",");
            t.letLeaseExpire(plan);
            assertThat(t.up(plan)).succeeded();
            assertThat(t.partitions(plan, "copy-users")).extracting(PartitionStatus::state).containsOnly(PartitionState.DONE);
            assertExactCopy(v5, source, v7, resumed, documents, killedPageSize);
        }
    }

    private static UpgradePlan plan(ElasticsearchConnection from, String source, ElasticsearchConnection to, String target,
            int workers, int pageSize) {
        DocumentCopy copy = DocumentCopy.from(from, source).to(to, target).slices(4).pageSize(pageSize).writeConcurrency(1)
                .build();
        return UpgradePlan.builder("sliced").step(copy.partitionedStep("copy-users").workers(workers).build()).build();
    }

    private static void seed(ElasticsearchConnection es, String index, int documents) {
        es.send("PUT", "/" + index, "{\"settings\":{\"number_of_shards\":5,\"number_of_replicas\":0}}");
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < documents; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_type\":\"user\",\"_id\":\"u")
                    .append(i).append("\"}}\n");
            nd.append("{\"n\":").append(i).append(",\"name\":\"user ").append(i).append("\"}\n");
        }
        assertThat(es.sendNdjson("/_bulk?refresh=true", nd.toString()).path("errors").asBoolean()).isFalse();
    }

    /**
     * Every source document is in the target with its source, and at most {@code rewritten} of
     * them were written twice (the page in flight past a killed slice's cursor, same content).
     */
    private static void assertExactCopy(ElasticsearchConnection from, String source, ElasticsearchConnection to,
            String target, int documents, int rewritten) {
        to.send("POST", "/" + target + "/_refresh", null);
        Map<String, JsonNode> expected = documents(from, source);
        Map<String, JsonNode> copied = documents(to, target);
        assertThat(expected).hasSize(documents);
        assertThat(copied).hasSize(documents);
        assertThat(copied).allSatisfy((id, hit) -> assertThat(hit.path("_source")).as(id)
                .isEqualTo(expected.get(id).path("_source")));
        long twice = copied.values().stream().filter(h -> h.path("_version").asLong() > 1).count();
        System.out.printf("%s: %d documents, %d written twice%n", target, copied.size(), twice);
        assertThat(twice).isLessThanOrEqualTo(rewritten);
    }

    private static Map<String, JsonNode> documents(ElasticsearchConnection es, String index) {
        JsonNode hits = es.send("POST", "/" + index + "/_search",
                "{\"size\":10000,\"version\":true}").path("hits").path("hits");
        Map<String, JsonNode> out = new HashMap<>();
        hits.forEach(h -> out.put(h.path("_id").asText(), h));
        return out;
    }
}
