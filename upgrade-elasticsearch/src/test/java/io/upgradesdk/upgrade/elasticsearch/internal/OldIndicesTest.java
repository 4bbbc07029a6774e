package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.MarkReadOnlySettings;
import io.upgradesdk.upgrade.elasticsearch.PreflightSettings;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Indices created before 8.0 on the way to 9.x: blocked, kept read-only, or left to Elastic's migration. */
class OldIndicesTest {

    private static JsonNode json(String s) throws Exception {
        return EsClient.json().readTree(s);
    }

    private static final String SETTINGS = "{"
            + "\"logs-2019\":{\"settings\":{\"index.version.created\":\"7172999\"}},"
            + "\"archive-2018\":{\"settings\":{\"index.version.created\":\"7100299\",\"index.blocks.write\":\"true\","
            + "\"index.verified_read_only\":\"true\"}},"
            + "\"unverified\":{\"settings\":{\"index.version.created\":\"7100299\",\"index.blocks.write\":\"true\"}},"
            + "\".kibana_7\":{\"settings\":{\"index.version.created\":\"7172999\"}},"
            + "\"hidden-7\":{\"settings\":{\"index.version.created\":\"7172999\",\"index.hidden\":\"true\"}},"
            + "\"fresh\":{\"settings\":{\"index.version.created\":\"8521000\"}}}";

    @Test
    void for9xA7xIndexBlocksUnlessAVerifiedWriteBlockKeepsItReadOnly() throws Exception {
        OldIndices old = OldIndices.of(json(SETTINGS), 9);
        assertThat(old.blocking()).extracting(OldIndices.Index::name).containsExactly("logs-2019", "unverified");
        assertThat(old.keptReadOnly()).extracting(OldIndices.Index::name).containsExactly("archive-2018");
        assertThat(old.system()).extracting(OldIndices.Index::name).containsExactly(".kibana_7", "hidden-7");
        assertThat(old.clear()).isFalse();
    }

    @Test
    void for8xAWriteBlockDoesNotHelpA6xIndex() throws Exception {
        OldIndices old = OldIndices.of(json("{\"a\":{\"settings\":{\"index.version.created\":\"6082399\","
                + "\"index.blocks.write\":\"true\",\"index.verified_read_only\":\"true\"}}}"), 8);
        assertThat(old.blocking()).extracting(OldIndices.Index::name).containsExactly("a");
    }

    /** A fake 8.19 node whose one 7.x index gets its write block (and verification) from PUT _block/write. */
    private static FakeElasticsearch nodeWithOne7xIndex(AtomicBoolean blocked) throws Exception {
        return new FakeElasticsearch(r -> {
            if (r.is("PUT", "/logs-2019/_block/write")) {
                blocked.set(true);
                return Answer.ok("{\"acknowledged\":true,\"shards_acknowledged\":true}");
            }
            String extra = blocked.get() ? ",\"index.blocks.write\":\"true\",\"index.verified_read_only\":\"true\"" : "";
            String index = "\"logs-2019\":{\"settings\":{\"index.version.created\":\"7172999\"" + extra + "}}";
            return switch (r.path()) {
                case "/_nodes/_local" -> Answer.ok("{\"nodes\":{\"x\":{\"version\":\"8.19.21\"}}}");
                case "/_all/_settings", "/logs-2019/_settings" -> Answer.ok("{" + index + "}");
                default -> null;
            };
        });
    }

    @Test
    void preflightFor9BlocksA7xIndexOfferingBothFixesAndTheReadOnlyPlanClearsIt() throws Exception {
        AtomicBoolean blocked = new AtomicBoolean();
        try (FakeElasticsearch es = nodeWithOne7xIndex(blocked); ElasticsearchUpgrade upgrade = ElasticsearchUpgrade.create()) {
            PreflightSettings to9 = PreflightSettings.builder(es.endpoint()).targetMajor(9).build();
            assertThat(to9.requiredVersionLine()).isEqualTo("8.19");
            var check = upgrade.preflightSteps(to9, "").stream().filter(s -> s.id().equals("preflight-old-indices"))
                    .findFirst().orElseThrow();
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).build();
            UpgradeReport refused = runner.up(io.upgradesdk.upgrade.UpgradePlan.builder("check").step(check).build());
            assertThat(refused.step("preflight-old-indices").orElseThrow().error()).contains("logs-2019 (created on 7.x)",
                    "ElasticsearchUpgrade.reindexPlan", "ElasticsearchUpgrade.markReadOnlyPlan", "_block/write");

            UpgradeReport marked = runner.up(upgrade.markReadOnlyPlan(
                    MarkReadOnlySettings.builder(es.endpoint(), List.of("logs-2019")).build()));
            assertThat(marked.isSuccess()).as(marked.toString()).isTrue();
            assertThat(es.requests("PUT", "/logs-2019/_block/write")).hasSize(1);

            UpgradeReport passed = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).build()
                    .up(io.upgradesdk.upgrade.UpgradePlan.builder("check").step(check).build());
            assertThat(passed.isSuccess()).as(passed.toString()).isTrue();
        }
    }
}
