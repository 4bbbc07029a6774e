package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pre-flight checks against real 7.17 and 8.19 nodes. */
@Tag("integration")
class PreflightTest {

    private static UpgradeStep step(PreflightSettings s, String id) {
        return ElasticsearchUpgrade.create().preflightSteps(s, "").stream().filter(x -> x.id().equals(id))
                .findFirst().orElseThrow();
    }

    private static void fails(UpgradeStep step, ElasticsearchErrorCode code, String... texts) {
        assertThatThrownBy(() -> step.execute(new TestContext())).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(texts);
        });
    }

    @Test
    void healthy717PassesWithExplicitOptInForTheMissingDeprecationApi() {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        ElasticsearchEndpoint e = ElasticsearchEndpoint.of(es7.url());
        String location = ElasticsearchServer.newRepoDir("preflight").toString();
        UpgradePlan plan = ElasticsearchUpgrade.create().preflightPlan(PreflightSettings.builder(e)
                .allowUncheckedDeprecations(true).repositoryLocation(location).build());
        UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).build();
        Preview preview = runner.preview(plan);
        assertThat(preview.failedDryRuns()).as(preview.toString()).isEmpty();
        assertThat(preview.refusals()).as(preview.toString()).isEmpty();
        UpgradeReport report = runner.up(plan);
        assertThat(report.outcome()).as(report.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(plan.steps()).extracting(UpgradeStep::id).containsExactly("preflight-versions", "preflight-health",
                "preflight-deprecations", "preflight-old-indices", "preflight-disk", "preflight-repository");

        TestContext ctx = new TestContext();
        try {
            step(PreflightSettings.builder(e).allowUncheckedDeprecations(true).build(), "preflight-deprecations")
                    .execute(ctx);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
        assertThat(ctx.progress).anyMatch(p -> p.startsWith("deprecations not checked"));
        fails(step(PreflightSettings.builder(e).build(), "preflight-deprecations"),
                ElasticsearchErrorCode.PREFLIGHT_FAILED, "deprecations not checked", "allowUncheckedDeprecations(true)");
    }

    @Test
    void sourceNotOn717IsRefusedWithTheFix() {
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        fails(step(PreflightSettings.builder(ElasticsearchEndpoint.of(es8.url())).build(), "preflight-versions"),
                ElasticsearchErrorCode.PREFLIGHT_FAILED, "runs 8.19.21", "upgrade every node to the latest 7.17");
        UpgradePlan plan = ElasticsearchUpgrade.create().preflightPlan(
                PreflightSettings.builder(ElasticsearchEndpoint.of(es8.url())).build());
        UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).build();
        assertThat(runner.preview(plan).refusals()).extracting(Preview.Item::stepId).contains("preflight-versions");
        UpgradeReport report = runner.up(plan);
        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.step("preflight-versions").orElseThrow().error()).contains("not every node");
    }

    @Test
    void repositoryPathOutsidePathRepoIsRefused() {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        fails(step(PreflightSettings.builder(ElasticsearchEndpoint.of(es7.url())).repositoryLocation("/var/tmp/elsewhere")
                .build(), "preflight-repository"), ElasticsearchErrorCode.PREFLIGHT_FAILED,
                "/var/tmp/elsewhere is not allowed by path.repo", "add it");
    }

    @Test
    void unreachableClusterIsTransientAndRetried() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PreflightSettings s = PreflightSettings.builder(ElasticsearchEndpoint.of("http://127.0.0.1:" + port)).build();
        fails(step(s, "preflight-versions"), ElasticsearchErrorCode.UNREACHABLE, "unreachable", "check the URL");
        UpgradeReport report = UpgradeRunner.builder().store(new InMemoryCheckpointStore())
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).build()).sleeper(d -> { })
                .build().up(ElasticsearchUpgrade.create().preflightPlan(s));
        assertThat(report.step("preflight-versions").orElseThrow().attempts()).isEqualTo(3);
    }

    @Test
    void indicesCreatedBefore7AreListedWithTheFix() throws Exception {
        var json = io.upgradesdk.upgrade.elasticsearch.internal.EsClient.json().readTree(
                "{\"old\":{\"settings\":{\"index.version.created\":\"6082399\"}},"
                        + "\"new\":{\"settings\":{\"index.version.created\":\"7172999\"}}}");
        assertThat(io.upgradesdk.upgrade.elasticsearch.internal.Preflight.oldIndices(json, 8))
                .isEqualTo(List.of("old (created on 6.x)"));
        // on a real 7.17 cluster, an index restored from 6.x is what the check lists; a fresh index passes
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        step(PreflightSettings.builder(ElasticsearchEndpoint.of(es7.url())).build(), "preflight-old-indices")
                .execute(new TestContext());
        // a 5.6 cluster's own indices are "created on 5.x": the same check, on real data, blocks a 7.x target
        ElasticsearchServer es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        es5.request("PUT", "/" + es5.newIndexPrefix("old") + "legacy", "{}").ok();
        fails(step(PreflightSettings.builder(ElasticsearchEndpoint.of(es5.url())).requiredVersionLine("5.6")
                .targetMajor(7).build(), "preflight-old-indices"), ElasticsearchErrorCode.PREFLIGHT_FAILED,
                "created on 5.x", "reindex them on 5.6 first");
    }

    /**
     * A real index created on 6.8.23: the node is then restarted on 7.17 on the same data directory,
     * as an upgraded 6.x cluster would be. Pre-flight for 8.x lists it with the fix; the reindex plan
     * replaces it (same name kept as an alias) and pre-flight passes.
     */
    @Test
    void anIndexCreatedOn6xBlocksAn8xUpgradeUntilTheReindexPlanReplacesIt() {
        try (ElasticsearchNode node = ElasticsearchServer.newNode(ElasticsearchServer.V6)) {
            node.start(ElasticsearchServer.V6);
            node.request("PUT", "/legacy", "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                    + "\"mappings\":{\"_doc\":{\"properties\":{\"n\":{\"type\":\"integer\"}}}}}").ok();
            node.request("POST", "/legacy/_doc/_bulk?refresh=true", "{\"index\":{\"_id\":\"1\"}}\n{\"n\":1}\n"
                    + "{\"index\":{\"_id\":\"2\"}}\n{\"n\":2}\n").ok();
            node.stop();
            node.start(ElasticsearchServer.V7);

            ElasticsearchEndpoint e = ElasticsearchEndpoint.of(node.url());
            fails(step(PreflightSettings.builder(e).build(), "preflight-old-indices"), ElasticsearchErrorCode.PREFLIGHT_FAILED,
                    "legacy (created on 6.x)", "reindex them on 7.17 first (ElasticsearchUpgrade.reindexPlan)");

            UpgradePlan reindex = ElasticsearchUpgrade.create().reindexPlan(
                    ReindexSettings.builder(e, "legacy", "legacy-7").alias("legacy").build());
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore())
                    .confirmation(Confirmation.givenInAdvance()).build();
            assertThat(runner.up(reindex).isSuccess()).isTrue();
            assertThat(runner.finish(reindex).isSuccess()).isTrue();

            step(PreflightSettings.builder(e).build(), "preflight-old-indices").execute(new TestContext());
            assertThat(node.request("GET", "/legacy/_count", null).ok().body()).contains("\"count\":2");
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
