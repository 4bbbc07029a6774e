package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.HealthStatus;
import io.upgradesdk.upgrade.elasticsearch.RollingUpgradeSettings;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 1: the rolling plan refuses a target its nodes cannot roll to before it changes
 * anything (no cluster setting written, no node command run), and its dry run shows the refusal.
 */
class RollingPreflightTest {

    /** A fake cluster whose nodes run {@code versions} (node-0, node-1, ...), green, node-0 master. */
    private static FakeElasticsearch cluster(String... versions) throws Exception {
        String nodes = java.util.stream.IntStream.range(0, versions.length).mapToObj(i -> "\"id" + i + "\":{\"name\":"
                + "\"node-" + i + "\",\"version\":\"" + versions[i] + "\",\"roles\":[\"master\",\"data\"]}")
                .collect(Collectors.joining(","));
        return new FakeElasticsearch(r -> switch (r.path()) {
            case "/_nodes" -> Answer.ok("{\"nodes\":{" + nodes + "}}");
            case "/_cat/master" -> Answer.ok("[{\"node\":\"node-0\"}]");
            case "/_cluster/health" -> Answer.ok("{\"status\":\"green\",\"number_of_nodes\":" + versions.length
                    + ",\"initializing_shards\":0,\"relocating_shards\":0,\"timed_out\":false}");
            default -> Answer.ok("{\"acknowledged\":true}");
        });
    }

    private record Outcome(UpgradeReport report, List<String> nodeCommands, List<FakeElasticsearch.Request> writes,
            Preview preview) {
    }

    private static Outcome roll(FakeElasticsearch es, String target) {
        List<String> commands = new ArrayList<>();
        try (ElasticsearchUpgrade upgrade = ElasticsearchUpgrade.builder().pollInterval(java.time.Duration.ofMillis(10))
                .build()) {
            UpgradePlan plan = upgrade.rollingUpgradePlan(RollingUpgradeSettings.builder(es.endpoint(), target)
                    .requiredHealth(HealthStatus.YELLOW).nodeTimeout(java.time.Duration.ofMillis(300)).build(),
                    commands::add);
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore())
                    .retryPolicy(io.upgradesdk.upgrade.RetryPolicy.none()).build();
            Preview preview = runner.preview(plan);
            UpgradeReport report = runner.up(plan);
            List<FakeElasticsearch.Request> writes = es.requests.stream().filter(r -> !r.method().equals("GET")).toList();
            return new Outcome(report, commands, writes, preview);
        }
    }

    private static void refusedBeforeAnyChange(Outcome o, String... reason) {
        assertThat(o.report().outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(o.report().step("rolling-preflight").orElseThrow().error()).contains("refused before any change")
                .contains(reason);
        assertThat(o.nodeCommands()).as("node commands run").isEmpty();
        assertThat(o.writes()).as("requests that change the cluster").isEmpty();
        PlannedAction first = o.preview().items().get(0).plannedActions().get(0);
        assertThat(first.action()).isEqualTo("refuse");
        assertThat(first.details().get("reason")).contains(reason);
    }

    @Test
    void aDowngradeIsRefusedBeforeAnyChangeAndTheDryRunSaysSo() throws Exception {
        try (FakeElasticsearch es = cluster("7.17.29", "7.17.29")) {
            refusedBeforeAnyChange(roll(es, "6.8.0"), "node-0: 7.17.29 → 6.8.0 is a downgrade");
        }
    }

    @Test
    void aSkippedMajorIsRefusedBeforeAnyChange() throws Exception {
        try (FakeElasticsearch es = cluster("7.17.29", "7.17.29")) {
            refusedBeforeAnyChange(roll(es, "9.0.0"), "skips 8.x", "latest 7.17 first");
        }
    }

    @Test
    void aSourceThatCannotRollToTheTargetIsRefusedWithTheUpgradeToDoFirst() throws Exception {
        try (FakeElasticsearch es = cluster("8.15.0", "8.15.0")) {
            refusedBeforeAnyChange(roll(es, "9.2.4"), "latest 8.19 release first");
        }
    }

    @Test
    void a9ReleaseOlderThanThe819PatchIsRefusedNamingTheReleasesThatWork() throws Exception {
        try (FakeElasticsearch es = cluster("8.19.21", "8.19.21")) {
            refusedBeforeAnyChange(roll(es, "9.2.0"), "9.2.0 is older than 8.19.21", "use 9.2.4 or a later 9.x");
        }
    }

    @Test
    void anAllowedTargetPassesTheCheckAndTheUpgradeStarts() throws Exception {
        try (FakeElasticsearch es = cluster("8.19.21", "8.19.21")) {
            Outcome o = roll(es, "9.2.4");
            assertThat(o.report().step("rolling-preflight").orElseThrow().error()).isNull();
            assertThat(o.preview().items().get(0).plannedActions().get(0).action()).isEqualTo("check");
            assertThat(o.nodeCommands()).as("the first node was handed to the host").isNotEmpty();
        }
    }

    @Test
    void aClusterHalfwayThroughKeepsItsUpgradedNodesAndChecksTheOthers() throws Exception {
        try (FakeElasticsearch es = cluster("9.2.4", "8.19.21")) {
            Outcome o = roll(es, "9.2.4");
            assertThat(o.report().step("rolling-preflight").orElseThrow().error()).isNull();
        }
        try (FakeElasticsearch es = cluster("9.2.4", "8.19.21")) {
            refusedBeforeAnyChange(roll(es, "9.2.0"), "node-1: 9.2.0 is older than 8.19.21");
        }
    }

    @Test
    void theRefusalNamesEveryNodeThatCannotGo() throws Exception {
        try (FakeElasticsearch es = cluster("7.17.29", "7.16.3")) {
            Outcome o = roll(es, "9.0.0");
            assertThat(o.report().step("rolling-preflight").orElseThrow().error()).contains("node-0:", "node-1:");
            assertThat(Map.of("writes", o.writes().size())).containsEntry("writes", 0);
        }
    }
}
