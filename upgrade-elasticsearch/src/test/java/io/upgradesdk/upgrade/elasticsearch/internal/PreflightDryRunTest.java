package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.PreflightSettings;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import org.junit.jupiter.api.Test;

/**
 * The pre-flight checks only read, so their dry run runs them: it answers what the checks find now
 * (a pass, or a refusal with the fix) instead of "would check", and a cluster that cannot be reached
 * fails the dry run, as the run would fail.
 */
class PreflightDryRunTest {

    /** A 7.17 cluster with the given health, no deprecation, no old index, disks at 40 %. */
    private static FakeElasticsearch cluster(String health) throws Exception {
        return new FakeElasticsearch(r -> switch (r.path()) {
            case "/_nodes", "/_nodes/_local" -> Answer.ok("{\"nodes\":{\"id0\":{\"name\":\"node-0\","
                    + "\"version\":\"7.17.29\"}}}");
            case "/_cluster/health" -> Answer.ok("{\"status\":\"" + health + "\",\"unassigned_shards\":3}");
            case "/_migration/deprecations" -> Answer.ok("{\"cluster_settings\":[],\"node_settings\":[],"
                    + "\"index_settings\":{}}");
            case "/_all/_settings" -> Answer.ok("{}");
            case "/_cat/allocation" -> Answer.ok("[{\"node\":\"node-0\",\"disk.percent\":\"40\"}]");
            case "/_cluster/settings" -> Answer.ok("{}");
            default -> null;
        });
    }

    private static Preview preview(ElasticsearchEndpoint cluster) {
        try (ElasticsearchUpgrade es = ElasticsearchUpgrade.create()) {
            return UpgradeRunner.builder().store(new InMemoryCheckpointStore()).build()
                    .preview(es.preflightPlan(PreflightSettings.builder(cluster).targetMajor(8).build()));
        }
    }

    @Test
    void a_healthy_cluster_passes_every_check_now_and_the_dry_run_sends_only_reads() throws Exception {
        try (FakeElasticsearch es = cluster("green")) {
            Preview preview = preview(es.endpoint());

            assertThat(preview.failedDryRuns()).isEmpty();
            assertThat(preview.refusals()).isEmpty();
            assertThat(preview.items()).hasSize(5).allSatisfy(item -> assertThat(item.plannedActions())
                    .extracting(a -> a.details().get("now")).containsExactly("passes"));
            assertThat(es.requests).isNotEmpty().allMatch(r -> r.method().equals("GET"));
        }
    }

    @Test
    void a_red_cluster_is_a_refusal_of_the_health_check_with_its_fix() throws Exception {
        try (FakeElasticsearch es = cluster("red")) {
            Preview preview = preview(es.endpoint());

            assertThat(preview.refusals()).extracting(Preview.Item::stepId).containsExactly("preflight-health");
            PlannedAction refusal = preview.refusals().get(0).plannedActions().get(0);
            assertThat(refusal.action()).isEqualTo(Preview.REFUSE);
            assertThat(refusal.details().get("reason")).contains("is red", "fix the unassigned shards");
            assertThat(preview.failedDryRuns()).isEmpty();
        }
    }

    @Test
    void a_cluster_that_cannot_be_reached_fails_the_dry_run_of_every_check() {
        Preview preview = preview(ElasticsearchEndpoint.of("http://127.0.0.1:9"));

        assertThat(preview.failedDryRuns()).hasSize(5).allSatisfy(item -> assertThat(item.dryRunError())
                .contains("Elasticsearch at http://127.0.0.1:9 is unreachable"));
    }
}
