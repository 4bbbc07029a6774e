package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchCluster;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elasticsearch 8.19 → 9.x on real nodes: 8.19.21 and 9.2.4 shared servers (started once per JVM)
 * for the snapshot-restore; one dedicated node carrying a 7.17 index through 8.19 to 9.2.4.
 */
@Tag("integration")
class Elasticsearch9Test {

    private static UpgradeRunner runner(List<UpgradeEvent> events) {
        return UpgradeRunner.builder().store(new InMemoryCheckpointStore()).listener(events::add).build();
    }

    @Test
    void snapshotOf819RestoredInto924WithCountsAndAliasesVerified() {
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        ElasticsearchServer es9 = ElasticsearchServer.get(ElasticsearchServer.V9);
        String prefix = es8.newIndexPrefix("to9");
        SnapshotRestoreTest.seed(es8, prefix);
        String location = ElasticsearchServer.newRepoDir("to9").toString();
        ElasticsearchEndpoint source = ElasticsearchEndpoint.of(es8.url());
        SnapshotRestoreSettings settings = SnapshotRestoreSettings.builder(source, ElasticsearchEndpoint.of(es9.url()))
                .repository(prefix + "repo", location).snapshot(prefix + "snap").indices(List.of(prefix + "*"))
                .targetMajor(9)
                .preflight(PreflightSettings.builder(source).targetMajor(9).allowUncheckedDeprecations(true)
                        .repositoryLocation(location).build())
                .build();
        assertThat(settings.preflight().orElseThrow().requiredVersionLine()).isEqualTo("8.19");

        UpgradeReport report = runner(new ArrayList<>()).up(ElasticsearchUpgrade.create().snapshotRestorePlan(settings));

        assertThat(report.outcome()).as(report.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(es9.request("GET", "/" + prefix + "logs/_count", null).ok().body()).contains("\"count\":500");
        assertThat(es9.request("GET", "/" + prefix + "users/_count", null).ok().body()).contains("\"count\":30");
        assertThat(es9.request("GET", "/" + prefix + "current/_count", null).ok().body()).contains("\"count\":500");
        assertThat(es9.request("GET", "/" + prefix + "logs/_settings?flat_settings=true", null).ok().body())
                .contains("\"index.version.created\":\"8");
    }

    @Test
    void aSnapshotOf924IsNotRestoredInto819ADowngrade() {
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        ElasticsearchServer es9 = ElasticsearchServer.get(ElasticsearchServer.V9);
        String location = ElasticsearchServer.newRepoDir("down").toString();
        SnapshotRestoreSettings settings = SnapshotRestoreSettings.builder(ElasticsearchEndpoint.of(es9.url()),
                ElasticsearchEndpoint.of(es8.url())).repository("down", location).withoutPreflight().build();
        UpgradeReport report = runner(new ArrayList<>()).up(ElasticsearchUpgrade.create().snapshotRestorePlan(settings));
        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.step("target-versions").orElseThrow().error()).contains("9.2.4 → 8.19.21 is a downgrade");
        assertThat(es9.request("GET", "/_snapshot/down", null).status()).as("nothing registered").isEqualTo(404);
    }

    /** Issue 15, item 1, on a real 8.19.21 node: refused targets change nothing, and the dry run says why. */
    @Test
    void aRollingUpgradeOfA819NodeToADowngradeOrATooOld9ReleaseIsRefusedBeforeAnyChange() {
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        ElasticsearchEndpoint e = ElasticsearchEndpoint.of(es8.url());
        String settingsBefore = es8.request("GET", "/_cluster/settings", null).ok().body();
        for (String target : List.of("8.8.2", "9.2.0", "10.0.0")) {
            List<String> hostCalls = new ArrayList<>();
            UpgradePlan plan = ElasticsearchUpgrade.create().rollingUpgradePlan(RollingUpgradeSettings.builder(e, target)
                    .requiredHealth(HealthStatus.YELLOW).build(), hostCalls::add);
            UpgradeRunner runner = runner(new ArrayList<>());
            assertThat(runner.preview(plan).items().get(0).plannedActions().get(0).action()).isEqualTo("refuse");
            UpgradeReport report = runner.up(plan);
            assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
            assertThat(report.step("rolling-preflight").orElseThrow().error()).contains("refused before any change");
            assertThat(hostCalls).isEmpty();
        }
        assertThat(es8.request("GET", "/_cluster/settings", null).ok().body()).isEqualTo(settingsBefore)
                .doesNotContain("allocation");
    }

    /**
     * An index created on 7.17 and carried into 8.19 (node restarted on the same data) blocks the
     * way to 9.x; the two fixes clear it (a write block; a copy into an index created on 8.19, since
     * the 8.19 test distribution has no {@code _reindex}); then the node goes to 9.2.4 through the
     * rolling plan, and 9.x keeps the write-blocked 7.x index readable and read-only.
     */
    @Test
    @Tag("long") // nodes restarted on 9.2.4: not in CI's bin/test, run with -Plong
    void anIndexCreatedOn717BlocksTheWayTo9UntilEachFixClearsItThenTheNodeRollsTo924() throws Exception {
        try (ElasticsearchNode node = ElasticsearchServer.newNode(ElasticsearchServer.V7)) {
            node.start(ElasticsearchServer.V7);
            for (String index : List.of("legacy-ro", "legacy-rw")) {
                node.request("PUT", "/" + index, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}").ok();
                node.request("POST", "/" + index + "/_bulk?refresh=true", "{\"index\":{\"_id\":\"1\"}}\n{\"n\":1}\n"
                        + "{\"index\":{\"_id\":\"2\"}}\n{\"n\":2}\n").ok();
            }
            node.stop();
            node.start(ElasticsearchServer.V8);
            ElasticsearchEndpoint e = ElasticsearchEndpoint.of(node.url());
            ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().pollInterval(Duration.ofMillis(250)).build();
            PreflightSettings to9 = PreflightSettings.builder(e).targetMajor(9).allowUncheckedDeprecations(true).build();
            UpgradePlan preflight = UpgradePlan.builder("old-indices").steps(es.preflightSteps(to9, "").stream()
                    .filter(s -> s.id().equals("preflight-old-indices")).toList()).build();

            UpgradeReport blocked = runner(new ArrayList<>()).up(preflight);
            assertThat(blocked.step("preflight-old-indices").orElseThrow().error()).contains(
                    "legacy-ro (created on 7.x)", "legacy-rw (created on 7.x)", "markReadOnlyPlan", "reindexPlan");

            // fix 1: a write block, verified by 8.19
            assertThat(runner(new ArrayList<>()).up(es.markReadOnlyPlan(MarkReadOnlySettings.builder(e,
                    List.of("legacy-ro")).build())).isSuccess()).isTrue();
            // fix 2: the documents in a new index created on 8.19, the old name kept as an alias
            try (ElasticsearchConnection c = ElasticsearchConnection.open(e)) {
                node.request("PUT", "/legacy-rw-8", "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}").ok();
                assertThat(DocumentCopy.from(c, "legacy-rw").to(c, "legacy-rw-8").build().run(null).written()).isEqualTo(2);
            }
            node.request("POST", "/_aliases", "{\"actions\":[{\"remove_index\":{\"index\":\"legacy-rw\"}},"
                    + "{\"add\":{\"index\":\"legacy-rw-8\",\"alias\":\"legacy-rw\"}}]}").ok();

            List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
            UpgradeReport cleared = runner(events).up(preflight);
            assertThat(cleared.isSuccess()).as(cleared.toString()).isTrue();
            assertThat(events).anyMatch(ev -> ev instanceof UpgradeEvent.StepProgress p
                    && p.message().contains("kept read-only by 9.x (write block): [legacy-ro (created on 7.x)]"));

            long t0 = System.nanoTime();
            UpgradeReport rolled = runner(new ArrayList<>()).up(es.rollingUpgradePlan(RollingUpgradeSettings
                    .builder(e, ElasticsearchServer.V9).requiredHealth(HealthStatus.YELLOW)
                    .nodeTimeout(Duration.ofMinutes(4)).preflight(to9).build(), name -> {
                        node.stop();
                        node.start(ElasticsearchServer.V9);
                    }));
            System.out.println("ES9 single-node rolling 8.19.21 -> 9.2.4 took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(rolled.outcome()).as(rolled.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(node.version()).isEqualTo(ElasticsearchServer.V9);
            assertThat(node.request("GET", "/legacy-ro/_count", null).ok().body()).contains("\"count\":2");
            assertThat(node.request("GET", "/legacy-rw/_count", null).ok().body()).contains("\"count\":2");
            assertThat(node.request("PUT", "/legacy-ro/_doc/3", "{\"n\":3}").status()).as("still read-only").isEqualTo(403);
            es.close();
        }
    }

    /**
     * Issue 16, the reindex fix on a real 8.19 node, whose test distribution has no {@code _reindex}:
     * an index created on 7.17 and carried into 8.19 blocks the way to 9.x; the reindex plan notices
     * the missing endpoint, copies the documents client-side into an index created on 8.19, and
     * FINISH gives the old name to the new index as an alias; then the 9.x pre-flight passes. A
     * plan forcing the server-side task fails before it writes anything.
     */
    @Test
    @Tag("long") // a 7.17 node restarted on 8.19: ~40 s, run with -Plong
    void anIndexCreatedOn717IsClearedForThe9xPreflightByTheReindexPlanCopyingClientSideOn819() throws Exception {
        try (ElasticsearchNode node = ElasticsearchServer.newNode(ElasticsearchServer.V7)) {
            node.start(ElasticsearchServer.V7);
            node.request("PUT", "/legacy", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},"
                    + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"integer\"}}}}").ok();
            StringBuilder nd = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                nd.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n{\"n\":").append(i).append("}\n");
            }
            node.request("POST", "/legacy/_bulk?refresh=true", nd.toString()).ok();
            node.stop();
            node.start(ElasticsearchServer.V8);
            ElasticsearchEndpoint e = ElasticsearchEndpoint.of(node.url());
            ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().pollInterval(Duration.ofMillis(100)).build();
            PreflightSettings to9 = PreflightSettings.builder(e).targetMajor(9).allowUncheckedDeprecations(true).build();
            UpgradePlan preflight = UpgradePlan.builder("old-indices").steps(es.preflightSteps(to9, "").stream()
                    .filter(s -> s.id().equals("preflight-old-indices")).toList()).build();
            assertThat(runner(new ArrayList<>()).up(preflight).step("preflight-old-indices").orElseThrow().error())
                    .contains("legacy (created on 7.x)", "reindexPlan");

            UpgradeReport forced = runner(new ArrayList<>()).up(es.reindexPlan(ReindexSettings.builder(e, "legacy",
                    "legacy-forced").method(ReindexSettings.Method.SERVER_SIDE).build()));
            assertThat(forced.step("create-dest-index").orElseThrow().error()).contains("has no _reindex API");
            assertThat(node.request("HEAD", "/legacy-forced", null).status()).as("nothing written").isEqualTo(404);

            UpgradePlan reindex = es.reindexPlan(ReindexSettings.builder(e, "legacy", "legacy-8").alias("legacy").build());
            List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).listener(events::add)
                    .confirmation(io.upgradesdk.upgrade.Confirmation.givenInAdvance()).build();
            assertThat(runner.preview(reindex).items().stream().flatMap(i -> i.plannedActions().stream())
                    .filter(a -> a.action().equals("reindex")).findFirst().orElseThrow().details().get("method"))
                    .startsWith("client-side copy: ").contains("has no _reindex");
            UpgradeReport up = runner.up(reindex);
            assertThat(up.outcome()).as(up.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(events).anyMatch(ev -> ev instanceof UpgradeEvent.StepProgress p && p.stepId().equals("reindex")
                    && p.message().contains("client-side copy legacy -> legacy-8: ") && p.message().contains("has no _reindex"));
            UpgradeReport finish = runner.finish(reindex);
            assertThat(finish.outcome()).as(finish.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);

            assertThat(node.request("GET", "/_alias/legacy", null).ok().body()).contains("legacy-8");
            assertThat(node.request("GET", "/legacy/_count", null).ok().body()).contains("\"count\":300");
            assertThat(node.request("GET", "/legacy-8/_settings?flat_settings=true", null).ok().body())
                    .contains("\"index.version.created\":\"8", "\"index.number_of_shards\":\"2\"");
            UpgradeReport cleared = runner(new ArrayList<>()).up(preflight);
            assertThat(cleared.isSuccess()).as(cleared.toString()).isTrue();
            es.close();
        }
    }

    /**
     * A two-node 8.19.21 cluster rolled to 9.2.4 node by node on the same data directories, through
     * the same gates; the host fails on the second node once, and the rerun resumes with it only.
     */
    @Test
    @Tag("long") // nodes restarted on 9.2.4: not in CI's bin/test, run with -Plong
    void twoNode819ClusterRollsTo924NodeByNodeAndResumesAfterAHostFailure(@TempDir Path tmp) throws Exception {
        try (ElasticsearchCluster cluster = ElasticsearchServer.newCluster(ElasticsearchServer.V8, 2)) {
            ElasticsearchNode n0 = cluster.node(0);
            ElasticsearchNode n1 = cluster.node(1);
            n0.request("PUT", "/docs", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":1}}").ok();
            StringBuilder nd = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                nd.append("{\"index\":{\"_index\":\"docs\",\"_id\":\"").append(i).append("\"}}\n{\"n\":")
                        .append(i).append("}\n");
            }
            n0.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
            n0.request("GET", "/_cluster/health?wait_for_status=green&timeout=60s", null).ok();

            ElasticsearchEndpoint endpoint = ElasticsearchEndpoint.builder().url(n0.url()).url(n1.url()).build();
            RollingUpgradeSettings settings = RollingUpgradeSettings.builder(endpoint, ElasticsearchServer.V9)
                    .nodeOrder(List.of(n0.name(), n1.name())).nodeTimeout(Duration.ofMinutes(4)).build();
            ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().pollInterval(Duration.ofMillis(250)).build();
            List<String> hostCalls = Collections.synchronizedList(new ArrayList<>());
            boolean[] failSecond = {true};
            NodeHost host = name -> {
                hostCalls.add(name);
                ElasticsearchNode n = name.equals(n0.name()) ? n0 : n1;
                if (n == n1 && failSecond[0]) {
                    failSecond[0] = false;
                    throw new IllegalStateException("package mirror unreachable");
                }
                n.stop();
                n.start(ElasticsearchServer.V9);
            };
            Path checkpoint = tmp.resolve("rolling9.json");
            long t0 = System.nanoTime();
            UpgradeReport first = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint))
                    .retryPolicy(io.upgradesdk.upgrade.RetryPolicy.none()).build()
                    .up(es.rollingUpgradePlan(settings, host));
            assertThat(first.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
            assertThat(n0.version()).isEqualTo(ElasticsearchServer.V9);
            assertThat(n1.version()).isEqualTo(ElasticsearchServer.V8);

            UpgradeReport resumed = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint)).build()
                    .up(es.rollingUpgradePlan(settings, host));
            System.out.println("ES9 two-node rolling 8.19.21 -> 9.2.4 took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(hostCalls).containsExactly(n0.name(), n1.name(), n1.name());
            assertThat(n0.request("GET", "/_nodes?filter_path=nodes.*.version", null).ok().body())
                    .doesNotContain("8.19").contains(ElasticsearchServer.V9);
            assertThat(n1.request("GET", "/docs/_count", null).ok().body()).contains("\"count\":300");
            assertThat(n1.request("GET", "/_cluster/health", null).ok().body()).contains("\"status\":\"green\"");
            es.close();
        }
    }
}
