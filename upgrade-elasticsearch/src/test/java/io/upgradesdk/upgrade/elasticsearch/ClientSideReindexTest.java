package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reindex plan on a real 8.19 node, whose test distribution has no {@code _reindex}: the step
 * copies client-side and says so, saves the copy's cursor, and a run killed after a saved cursor
 * resumes the copy there; the counts are exact. (The shared 8.19 server: a few seconds.)
 */
@Tag("integration")
class ClientSideReindexTest {

    private static final int DOCS = 500;

    @Test
    void onAClusterWithoutReindexThePlanCopiesClientSideAndAKilledRunResumesAtItsCursor() {
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        String p = es8.newIndexPrefix("client-reindex");
        es8.request("PUT", "/" + p + "old", "{\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(p).append("old\",\"_id\":\"").append(i).append("\"}}\n")
                    .append("{\"n\":").append(i).append("}\n");
        }
        es8.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        UpgradePlan plan = ElasticsearchUpgrade.builder().pollInterval(Duration.ofMillis(50)).build()
                .reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.of(es8.url()), p + "old", p + "new").build());
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.afterCursorSave("reindex", 1)).up(plan);
        assertThat(t.cursorsSaved("reindex")).first().satisfies(c -> assertThat(c).contains("\"copyCursor\""));
        List<String> firstRun = messages(t);
        assertThat(firstRun).anyMatch(m -> m.startsWith("client-side copy " + p + "old -> " + p + "new: ")
                && m.contains("has no _reindex (POST /_reindex answers 405"));
        t.clearRecordings();
        UpgradeReport resumed = t.letLeaseExpire(plan).up(plan);

        assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(messages(t)).anyMatch(m -> m.contains("resumed; resuming at the last page written"));
        assertThat(es8.request("GET", "/" + p + "new/_count", null).ok().body()).contains("\"count\":" + DOCS);
    }

    private static List<String> messages(UpgradeTestRunner t) {
        return t.events().ofType(UpgradeEvent.StepProgress.class).stream().filter(e -> e.stepId().equals("reindex"))
                .map(UpgradeEvent.StepProgress::message).toList();
    }
}
