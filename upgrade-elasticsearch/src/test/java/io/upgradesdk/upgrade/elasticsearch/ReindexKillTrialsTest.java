package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.testkit.KillTrials;
import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.testkit.KillHarness;
import io.upgradesdk.upgrade.testkit.KillablePlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite for the reindex plan on 7.17: SIGKILL at seeded random points of both phases
 * (the reindex task runs on in Elasticsearch while its client is dead), then a rerun in a fresh
 * JVM; every trial ends with exactly the source's documents in the new index, each written once
 * (version 1: no second reindex task), the old name an alias of the new index and the checkpoint
 * readable. {@code -Dfault.trials=N}, {@code -Dfault.seed=S} (see docs/fault-suite.md).
 */
@Tag("integration")
@Tag("long")
public class ReindexKillTrialsTest {

    static final int DOCS = 4000;

    /** One trial's plan, built in each child JVM from the trial's folder. */
    public static final class Plan implements KillablePlan {

        @Override
        public void prepare(Path work) throws Exception {
            ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
            String p = es7.newIndexPrefix("killreindex");
            es7.request("PUT", "/" + p + "old", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},"
                    + "\"mappings\":{\"properties\":{\"tag\":{\"type\":\"keyword\"},\"n\":{\"type\":\"integer\"}}}}").ok();
            StringBuilder nd = new StringBuilder();
            for (int i = 0; i < DOCS; i++) {
                nd.append("{\"index\":{\"_index\":\"").append(p).append("old\",\"_id\":\"").append(i).append("\"}}\n")
                        .append("{\"tag\":\"t").append(i % 7).append("\",\"n\":").append(i).append("}\n");
            }
            es7.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
            UpgradePlan plan = build(es7.url(), p);
            KillTrials.writeSettings(work, Map.of("cluster", es7.url(), "prefix", p, "planId", plan.id(),
                    "steps", Integer.toString(plan.steps().size())));
        }

        @Override
        public UpgradePlan plan(Path work) throws Exception {
            Properties p = KillTrials.settings(work);
            return build(p.getProperty("cluster"), p.getProperty("prefix"));
        }

        @Override
        public void configure(UpgradeRunner.Builder runner, Path work) {
            KillTrials.recordSteps(runner, work);
        }

        private static UpgradePlan build(String cluster, String p) {
            return ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                    .pollInterval(Duration.ofMillis(50)).build()
                    .reindexPlan(ReindexSettings.builder(ElasticsearchEndpoint.of(cluster), p + "old", p + "new")
                            .alias(p + "old").build());
        }
    }

    @TempDir
    Path tmp;

    @Test
    void everyKilledReindexResumesToExactCountsWithEachDocumentWrittenOnce() throws Exception {
        KillTrials trials = new KillTrials("reindex");
        KillHarness.Report report = KillHarness.forPlan(Plan.class).workDir(tmp)
                .trials(KillTrials.trials(20)).seed(trials.seed()).maxKillsPerTrial(2)
                .maxDelay(Duration.ofMillis(400)).runTimeout(Duration.ofSeconds(180))
                .run(work -> {
                    trials.afterTrial(work);
                    assertReindexedOnce(KillTrials.settings(work));
                });
        trials.report(report);
        assertThat(report.killsLanded()).isPositive();
    }

    private static void assertReindexedOnce(Properties p) throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        String prefix = p.getProperty("prefix");
        assertThat(SnapshotRestoreKillTrialsTest.versions(es7, prefix + "new")).as("ids in the new index, each version 1")
                .hasSize(DOCS).allSatisfy((id, version) -> assertThat(version).as(id).isEqualTo(1L));
        assertThat(es7.request("GET", "/_alias/" + prefix + "old", null).ok().body()).contains(prefix + "new");
        assertThat(es7.request("GET", "/" + prefix + "old/_count", null).ok().body()).contains("\"count\":" + DOCS);
    }
}
