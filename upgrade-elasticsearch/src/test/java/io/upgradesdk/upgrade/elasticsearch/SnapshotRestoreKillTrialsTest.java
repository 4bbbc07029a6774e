package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.testkit.KillTrials;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The fault suite for the snapshot-restore plan (7.17 → 8.19): SIGKILL at seeded random points of
 * both phases, then a rerun in a fresh JVM; every trial ends with exact counts on the target, each
 * document restored once (version 1), one snapshot in the repository, the source deleted by FINISH
 * and the checkpoint readable. {@code -Dfault.trials=N}, {@code -Dfault.seed=S} (see docs/fault-suite.md).
 */
@Tag("integration")
@Tag("long")
public class SnapshotRestoreKillTrialsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One trial's plan, built in each child JVM from the trial's folder. */
    public static final class Plan implements KillablePlan {

        @Override
        public void prepare(Path work) throws Exception {
            ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
            ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
            String prefix = es7.newIndexPrefix("killsnap");
            SnapshotRestoreTest.seed(es7, prefix);
            String location = ElasticsearchServer.newRepoDir("killsnap").toString();
            UpgradePlan plan = build(es7.url(), es8.url(), location, prefix);
            KillTrials.writeSettings(work, Map.of("source", es7.url(), "target", es8.url(), "location", location,
                    "prefix", prefix, "planId", plan.id(), "steps", Integer.toString(plan.steps().size())));
        }

        @Override
        public UpgradePlan plan(Path work) throws Exception {
            Properties p = KillTrials.settings(work);
            return build(p.getProperty("source"), p.getProperty("target"), p.getProperty("location"),
                    p.getProperty("prefix"));
        }

        @Override
        public void configure(UpgradeRunner.Builder runner, Path work) {
            KillTrials.recordSteps(runner, work);
        }

        private static UpgradePlan build(String source, String target, String location, String prefix) {
            return ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                    .pollInterval(Duration.ofMillis(100)).build()
                    .snapshotRestorePlan(SnapshotRestoreTest.settings(source, target, location, prefix));
        }
    }

    @TempDir
    Path tmp;

    @Test
    void everyKilledSnapshotRestoreResumesToExactCountsWithEachDocumentRestoredOnce() throws Exception {
        KillTrials trials = new KillTrials("snapshot-restore");
        KillHarness.Report report = KillHarness.forPlan(Plan.class).workDir(tmp)
                .trials(KillTrials.trials(20)).seed(trials.seed()).maxKillsPerTrial(2)
                .maxDelay(Duration.ofMillis(800)).runTimeout(Duration.ofSeconds(240))
                .run(work -> {
                    trials.afterTrial(work);
                    assertRestoredOnce(KillTrials.settings(work));
                });
        trials.report(report);
        assertThat(report.killsLanded()).isPositive();
    }

    private static void assertRestoredOnce(Properties p) throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        String prefix = p.getProperty("prefix");
        assertThat(versions(es8, prefix + "logs")).as("logs: ids restored, each version 1").hasSize(500)
                .allSatisfy((id, version) -> assertThat(version).isEqualTo(1L));
        assertThat(versions(es8, prefix + "users")).hasSize(30)
                .allSatisfy((id, version) -> assertThat(version).isEqualTo(1L));
        JsonNode snapshots = JSON.readTree(es7.request("GET", "/_snapshot/" + prefix + "repo/_all", null).ok().body())
                .path("snapshots");
        assertThat(snapshots).as("snapshots in the repository").hasSize(1);
        assertThat(snapshots.get(0).path("state").asText()).isEqualTo("SUCCESS");
        assertThat(es7.request("GET", "/" + prefix + "logs/_count", null).status()).as("source deleted by FINISH")
                .isEqualTo(404);
    }

    /** id → _version of every document of {@code index}. */
    static Map<String, Long> versions(ElasticsearchServer es, String index) throws Exception {
        es.request("POST", "/" + index + "/_refresh", null).ok();
        JsonNode hits = JSON.readTree(es.request("GET", "/" + index + "/_search?version=true&size=10000"
                + "&_source=false", null).ok().body()).path("hits").path("hits");
        Map<String, Long> out = new java.util.TreeMap<>();
        hits.forEach(h -> out.put(h.path("_id").asText(), h.path("_version").asLong()));
        return out;
    }
}
