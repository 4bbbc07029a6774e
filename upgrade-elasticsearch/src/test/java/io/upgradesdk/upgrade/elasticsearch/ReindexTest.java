package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reindex on a real 7.17 (it has the reindex module), locally and from a remote 5.6. */
@Tag("integration")
class ReindexTest {

    private static final ElasticsearchUpgrade ES = ElasticsearchUpgrade.builder()
            .sleeper(d -> Thread.sleep(d.toMillis())).pollInterval(Duration.ofMillis(100)).build();

    @Test
    void reindexesLocallyCopiesMappingAndReplacesTheOldIndexByAnAliasOnFinish() {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = es7.newIndexPrefix("reindex");
        es7.request("PUT", "/" + p + "old", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"tag\":{\"type\":\"keyword\"},\"n\":{\"type\":\"integer\"}}}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(p).append("old\",\"_id\":\"").append(i).append("\"}}\n")
                    .append("{\"tag\":\"t").append(i % 5).append("\",\"n\":").append(i).append("}\n");
        }
        es7.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        ReindexSettings settings = ReindexSettings.builder(ElasticsearchEndpoint.of(es7.url()), p + "old", p + "new")
                .alias(p + "old").build();
        UpgradePlan plan = ES.reindexPlan(settings);
        List<UpgradeEvent> events = new ArrayList<>();
        UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).listener(events::add)
                .confirmation(Confirmation.givenInAdvance()).build();
        UpgradeReport up = runner.up(plan);
        assertThat(up.outcome()).as(up.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(events).anyMatch(e -> e instanceof UpgradeEvent.StepProgress pr && pr.stepId().equals("reindex"));
        assertThat(es7.request("GET", "/" + p + "new/_count", null).ok().body()).contains("\"count\":250");
        assertThat(es7.request("GET", "/" + p + "new/_mapping", null).ok().body()).contains("\"tag\":{\"type\":\"keyword\"}");
        assertThat(es7.request("GET", "/" + p + "new/_settings", null).ok().body()).contains("\"number_of_shards\":\"2\"");

        UpgradeReport finish = runner.finish(plan);
        assertThat(finish.outcome()).as(finish.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(es7.request("GET", "/_alias/" + p + "old", null).ok().body()).contains(p + "new");
        assertThat(es7.request("GET", "/" + p + "old/_count", null).ok().body()).contains("\"count\":250");
    }

    @Test
    void reindexesFromARemote56ClusterMergingItsTypes() {
        ElasticsearchServer es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = es5.newIndexPrefix("remote");
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String type = i % 2 == 0 ? "users" : "groups";
            nd.append("{\"index\":{\"_index\":\"").append(p).append("legacy\",\"_type\":\"").append(type)
                    .append("\",\"_id\":\"").append(type).append(i).append("\"}}\n{\"name\":\"x").append(i).append("\"}\n");
        }
        es5.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        ReindexSettings settings = ReindexSettings.builder(ElasticsearchEndpoint.of(es7.url()), p + "legacy", p + "modern")
                .remoteSource(ElasticsearchEndpoint.of(es5.url())).alias(p + "current").build();
        UpgradeReport up = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).build().up(ES.reindexPlan(settings));
        assertThat(up.outcome()).as(up.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(es7.request("GET", "/" + p + "current/_count", null).ok().body()).contains("\"count\":40");
        assertThat(es7.request("GET", "/" + p + "modern/_settings", null).ok().body()).contains("7172999");
    }
}
