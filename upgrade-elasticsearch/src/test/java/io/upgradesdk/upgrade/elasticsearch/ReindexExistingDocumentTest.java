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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On a real 7.17 node, a document written into the destination before the copy reached it is left
 * as it is by both reindex methods: the server-side task ({@code op_type: create}) and the
 * client-side copy (bulk {@code create}); every other document is copied once. (The shared 7.17
 * server, 200 documents: about a second per method.)
 */
@Tag("integration")
class ReindexExistingDocumentTest {

    private static final int DOCS = 200;

    @ParameterizedTest
    @EnumSource(value = ReindexSettings.Method.class, names = {"SERVER_SIDE", "CLIENT_SIDE"})
    void aDocumentAlreadyInTheDestinationIsKeptByEitherMethod(ReindexSettings.Method method) {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String p = es7.newIndexPrefix("reindex-existing-" + method.name().toLowerCase().replace('_', '-'));
        es7.request("PUT", "/" + p + "old", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(p).append("old\",\"_id\":\"").append(i).append("\"}}\n")
                    .append("{\"n\":").append(i).append("}\n");
        }
        es7.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        UpgradePlan plan = ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(50)).build()
                .reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.of(es7.url()), p + "old", p + "new")
                        .method(method).build());
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.beforeStep("reindex")).up(plan); // the destination exists, empty
        es7.request("PUT", "/" + p + "new/_doc/7?refresh=true", "{\"n\":-7}").ok();
        UpgradeReport resumed = t.letLeaseExpire(plan).up(plan);

        assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(t.events().ofType(UpgradeEvent.StepProgress.class)).extracting(UpgradeEvent.StepProgress::message)
                .as("the method used").anyMatch(m -> m.startsWith(method == ReindexSettings.Method.CLIENT_SIDE
                        ? "client-side copy " : "reindex " + p + "old -> " + p + "new (task "));
        String kept = es7.request("GET", "/" + p + "new/_doc/7", null).ok().body();
        assertThat(kept).contains("\"_version\":1", "\"_source\":{\"n\":-7}");
        assertThat(es7.request("GET", "/" + p + "new/_count", null).ok().body()).contains("\"count\":" + DOCS);
    }
}
