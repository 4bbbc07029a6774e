package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.DestroyPolicy;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole plan on in-memory clusters, through the real runner. */
class KuzzlePlanTest {

    @TempDir
    Path dir;

    private final UpgradeTestRunner runner = UpgradeTestKit.runner().owner("test").build();

    private KuzzleUpgradeSettings.Builder settings(boolean inPlace) throws Exception {
        Path rc = dir.resolve(".kuzzlerc");
        Files.writeString(rc, KuzzlercConverterTest.SPEC_V1);
        KuzzleUpgradeSettings.Builder b = KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9500"))
                .kuzzlerc(rc).targetVersion("2.14.0").pageSize(7).reportFile(dir.resolve("report.json"));
        if (!inPlace) {
            b.targetElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9700"));
        }
        return b;
    }

    /** The testkit's runner (in-memory store, test clock, no real waits), answering the point of no return. */
    private UpgradeTestRunner runner(boolean confirm) {
        return runner.answerConfirmations(confirm);
    }

    private static Map<String, Map<String, ObjectNode>> snapshot(FakeEs es) {
        Map<String, Map<String, ObjectNode>> all = new TreeMap<>();
        es.indices.keySet().forEach(i -> all.put(i, es.docsOf(i)));
        return all;
    }

    @Test
    void full_new_stack_upgrade_transforms_every_document_and_verifies() throws Exception {
        FakeEs src = V1Dataset.standard(30, 1).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        Map<String, Map<String, ObjectNode>> before = snapshot(src);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(false).build(), new FakeConnectors(src, dst));

        UpgradeReport report = runner(false).up(plan);

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(snapshot(src)).as("source untouched").isEqualTo(before);
        assertThat(dst.indices.keySet()).containsExactlyInAnyOrder("%kuzzle.config", "%kuzzle.profiles",
                "%kuzzle.roles", "%kuzzle.users", "%kuzzle.validations",
                "%plugin-kuzzle-plugin-auth-passport-local.users", "&nyc-open-data.yellowtaxi",
                "&nyc-open-data.green-taxi");
        assertThat(dst.indices.get("&nyc-open-data.yellowtaxi").aliases).containsExactly("@&nyc-open-data.yellowtaxi");
        // seed unchanged, markers written
        Map<String, ObjectNode> config = dst.docsOf("%kuzzle.config");
        assertThat(config.get("security.jwt.secret").get("seed").asText()).isEqualTo(V1Dataset.SEED);
        assertThat(config.get(KuzzleSteps.DATA_MODEL_ID).get("version").asText()).isEqualTo("2.0.0");
        assertThat(config).containsKey("kuzzle.done");
        // transforms
        assertThat(dst.docsOf("%kuzzle.profiles").get("editor").at("/policies/0/restrictedTo/0/collections/0").asText())
                .isEqualTo("yellowtaxi");
        assertThat(dst.docsOf("%kuzzle.roles").get("editor").at("/controllers/document/actions/update").asBoolean(true))
                .isFalse();
        assertThat(dst.docsOf("%kuzzle.validations")).containsOnlyKeys("nyc-open-data#yellowtaxi");
        assertThat(dst.docsOf("%plugin-kuzzle-plugin-auth-passport-local.users").get("alice"))
                .isEqualTo(src.docsOf("%plugin:kuzzle-plugin-auth-passport-local").get("alice"));
        Map<String, ObjectNode> yellow = dst.docsOf("&nyc-open-data.yellowtaxi");
        assertThat(yellow).hasSize(27).doesNotContainKey("y000003");
        assertThat(yellow.get("y000000").get("_kuzzle_info").has("active")).isFalse();
        assertThat(dst.docsOf("&nyc-open-data.green-taxi")).hasSize(31);
        // mapping and settings carried (defect B2), ES5-only removed
        JsonNode body = dst.indices.get("&nyc-open-data.yellowtaxi").createBody;
        assertThat(body.at("/settings/index/analysis/analyzer/folded/tokenizer").asText()).isEqualTo("standard");
        assertThat(body.at("/settings/index/refresh_interval").asText()).isEqualTo("-1");
        assertThat(dst.indices.get("&nyc-open-data.yellowtaxi").settingsUpdates).singleElement()
                .satisfies(u -> assertThat(u.at("/index/refresh_interval").isNull()).isTrue());
        assertThat(body.at("/mappings/dynamic_templates/0/notes/mapping/analyzer").asText()).isEqualTo("folded");
        assertThat(body.at("/mappings/_all").isMissingNode()).isTrue();
        assertThat(body.at("/mappings/properties/driver/include_in_all").isMissingNode()).isTrue();
        assertThat(body.at("/mappings/properties/_kuzzle_info/properties/active").isMissingNode()).isTrue();
        // config step
        assertThat(Files.readString(dir.resolve(".kuzzlerc.v2"))).contains("storageEngine").doesNotContain("\"db\"");
        // verify report
        JsonNode verify = Json.MAPPER.readTree(dir.resolve("report.json").toFile());
        assertThat(verify.get("ok").asBoolean()).isTrue();
        assertThat(verify.get("collections")).hasSize(8);
        assertThat(verify.at("/config/changes/0").asText()).isEqualTo("renamed services.db -> services.storageEngine");
        assertThat(verify.get("roleChanges").toString()).contains("role editor: document:update was a permission closure");
        assertThat(verify.toString()).doesNotContain(V1Dataset.SEED).doesNotContain("9b1e77").doesNotContain("s3cr3t");
    }

    @Test
    void rerun_changes_nothing_and_a_fresh_plan_refuses_existing_targets() throws Exception {
        FakeEs src = V1Dataset.standard(10, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(false).build(), new FakeConnectors(src, dst));
        runner(false).up(plan).throwIfFailed();
        Map<String, Map<String, ObjectNode>> after = snapshot(dst);
        int writes = dst.writes.size();

        UpgradeReport again = runner(false).up(plan);
        assertThat(again.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(again.steps()).allSatisfy(s -> assertThat(s.outcome()).isEqualTo(UpgradeReport.StepOutcome.ALREADY_DONE));
        assertThat(dst.writes).hasSize(writes);

        UpgradePlan other = KuzzlePlanFactory.build(settings(false).planId("another").build(), new FakeConnectors(src, dst));
        UpgradeReport refused = runner(false).up(other);
        assertThat(refused.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(refused.error()).contains("target indices already exist");
        assertThat(snapshot(dst)).isEqualTo(after);
        assertThat(dst.writes).hasSize(writes);
    }

    @Test
    void a_run_killed_mid_collection_resumes_its_partition_there_with_exact_counts() throws Exception {
        FakeEs src = V1Dataset.standard(50, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(false).workers(1).build(), new FakeConnectors(src, dst));
        src.crashAfterPages = 9; // internal + plugin use 6 pages, then 3 saved pages + 1 unsaved into YellowTaxi
        UpgradeReport killed = runner(false).up(plan);
        assertThat(killed.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(killed.step(KuzzlePlanFactory.PUBLIC).orElseThrow().outcome())
                .isEqualTo(UpgradeReport.StepOutcome.FAILED);
        long readBefore = src.documentsRead;
        long partial = dst.docsOf("&nyc-open-data.yellowtaxi").size();
        assertThat(partial).isBetween(1L, 44L);
        assertThat(dst.docsOf("&nyc-open-data.green-taxi")).as("at most its first, unsaved page").hasSizeLessThan(8);
        assertThat(runner.partitions(plan, KuzzlePlanFactory.PUBLIC)).extracting(p -> p.partitionId() + " " + p.cursor())
                .containsExactly("0of1:@26nyc-open-data.yellowtaxi y000020", "0of1:@26nyc-open-data.green-taxi null");

        src.crashAfterPages = -1;
        UpgradeReport resumed = runner(false).up(plan);
        assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(dst.docsOf("&nyc-open-data.green-taxi")).hasSize(50);
        assertThat(dst.docsOf("&nyc-open-data.yellowtaxi")).hasSize(45);
        // finished collections and saved pages are not read again: 3 pages of 7 were saved
        long reread = src.documentsRead - readBefore;
        assertThat(reread).isEqualTo(50 - 21 + 50);
    }

    @Test
    void dry_run_lists_names_counts_config_changes_and_confirmation_and_writes_nothing() throws Exception {
        FakeEs src = V1Dataset.standard(10, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es5", 5);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(true).destroyPolicy(DestroyPolicy.EVERYTHING).build(),
                new FakeConnectors(src, src));
        Map<String, Map<String, ObjectNode>> before = snapshot(src);

        Preview preview = runner(false).preview(plan);

        assertThat(snapshot(src)).isEqualTo(before);
        assertThat(src.writes).isEmpty();
        assertThat(dst.writes).isEmpty();
        assertThat(Files.exists(dir.resolve(".kuzzlerc.v2"))).isFalse();
        List<PlannedAction> actions = preview.items().stream().flatMap(i -> i.plannedActions().stream()).toList();
        assertThat(actions).anySatisfy(a -> {
            assertThat(a.target()).isEqualTo("nyc-open-data/YellowTaxi -> &nyc-open-data.yellowtaxi");
            assertThat(a.details()).containsEntry("documents", "10").containsEntry("trashcan", "1 (dropped)")
                    .containsEntry("alias", "@&nyc-open-data.yellowtaxi").containsEntry("renamed", "true");
        });
        assertThat(actions).anyMatch(a -> a.action().equals("config-change")
                && a.target().equals("renamed services.db -> services.storageEngine"));
        assertThat(actions).anyMatch(a -> a.action().equals("role-change") && a.target().contains("document:update"));
        assertThat(actions).anyMatch(a -> a.action().equals("skip") && a.target().startsWith(".kibana-nyc-open-data"));
        assertThat(actions).filteredOn(a -> a.action().equals("delete-index")).extracting(PlannedAction::target)
                .containsExactlyInAnyOrder("%kuzzle", "%plugin:kuzzle-plugin-auth-passport-local", "nyc-open-data");
        assertThat(preview.requiresConfirmation()).isTrue();
        assertThat(preview.toJson()).doesNotContain(V1Dataset.SEED);
    }

    @Test
    void destroy_is_refused_without_confirmation_and_never_touches_what_was_written() throws Exception {
        FakeEs es = V1Dataset.standard(10, 0).loadInto(new FakeEs("es5", 5));
        UpgradePlan plan = KuzzlePlanFactory.build(settings(true).destroyPolicy(DestroyPolicy.EVERYTHING).build(),
                new FakeConnectors(es, es));
        runner(false).up(plan).throwIfFailed();
        assertThat(es.indices).containsKeys("%kuzzle.users", "&nyc-open-data.yellowtaxi", "%kuzzle", "nyc-open-data");
        // typed writes on an ES 5 in-place target
        assertThat(es.indices.get("&nyc-open-data.yellowtaxi").createBody.at("/mappings/default").isObject()).isTrue();

        UpgradeReport denied = runner(false).finish(plan);
        assertThat(denied.outcome()).isEqualTo(Outcome.AWAITING_CONFIRMATION);
        assertThat(es.indices).containsKeys("%kuzzle", "nyc-open-data", "%plugin:kuzzle-plugin-auth-passport-local");

        UpgradeReport confirmed = runner(true).finish(plan);
        assertThat(confirmed.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(es.indices.keySet()).doesNotContain("%kuzzle", "nyc-open-data",
                "%plugin:kuzzle-plugin-auth-passport-local");
        assertThat(es.indices.keySet()).contains("%kuzzle.users", "%kuzzle.config", "&nyc-open-data.yellowtaxi",
                "&nyc-open-data.green-taxi", ".kibana-nyc-open-data", "nyc-open-data-empty");
    }

    @Test
    void B5_destroy_defaults_to_nothing() throws Exception {
        KuzzleUpgradeSettings s = settings(true).build();
        assertThat(s.destroyPolicy()).isEqualTo(DestroyPolicy.NOTHING);
        FakeEs es = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        UpgradePlan plan = KuzzlePlanFactory.build(s, new FakeConnectors(es, es));
        assertThat(plan.pointOfNoReturn()).isEmpty();
        assertThat(plan.stepIds()).doesNotContain(KuzzlePlanFactory.DESTROY);
    }

    @Test
    void B4_in_place_with_no_data_selected_still_finishes_and_destroys_only_internal_and_plugins() throws Exception {
        FakeEs es = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        UpgradePlan plan = KuzzlePlanFactory.build(settings(true).selection(DataSelection.none())
                .destroyPolicy(DestroyPolicy.EVERYTHING).build(), new FakeConnectors(es, es));
        assertThat(runner(true).run(plan).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(es.indices.keySet()).doesNotContain("%kuzzle", "%plugin:kuzzle-plugin-auth-passport-local")
                .contains("nyc-open-data", "%kuzzle.users").noneMatch(i -> i.startsWith("&"));
    }

    @Test
    void B10_a_destroyed_source_is_refused_before_any_target_is_touched() throws Exception {
        FakeEs src = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        src.indices.remove("%kuzzle");
        UpgradeReport r = runner(false).up(KuzzlePlanFactory.build(settings(false).build(),
                new FakeConnectors(src, dst)));
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.error()).contains("%kuzzle was not found");
        assertThat(dst.writes).isEmpty();
        assertThat(Files.exists(dir.resolve(".kuzzlerc.v2"))).isFalse();
    }

    @Test
    void B13_a_separate_target_that_is_the_source_cluster_is_refused() throws Exception {
        FakeEs es = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        FakeEs sameCluster = new FakeEs("es5", 5);
        UpgradeReport r = runner(false).up(KuzzlePlanFactory.build(settings(false).build(),
                new FakeConnectors(es, sameCluster)));
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.errorCode()).isNotNull();
        assertThat(r.error()).contains("is the source cluster");
        assertThat(sameCluster.writes).isEmpty();
        assertThat(es.writes).isEmpty();
    }

    @Test
    void B7_colliding_collections_refuse_the_whole_plan_before_writing() throws Exception {
        FakeEs src = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        src.doc("nyc-open-data", "yellowtaxi", "z", "{}");
        FakeEs dst = new FakeEs("es7", 7);
        UpgradeReport r = runner(false).up(KuzzlePlanFactory.build(settings(false).build(),
                new FakeConnectors(src, dst)));
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.error()).contains("nothing was written", "&nyc-open-data.yellowtaxi");
        assertThat(dst.writes).isEmpty();
        assertThat(Files.exists(dir.resolve(".kuzzlerc.v2"))).isFalse();
    }

    @Test
    void B9_internal_storage_for_kuzzle_2_20_is_created_with_a_mapping_not_a_configuration_entry() throws Exception {
        FakeEs src = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        UpgradeReport r = runner(false).up(KuzzlePlanFactory.build(
                settings(false).targetVersion("2.20.0").build(), new FakeConnectors(src, dst)));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SUCCEEDED);
        for (String c : KuzzleNames.INTERNAL_COLLECTIONS) {
            JsonNode mappings = dst.indices.get("%kuzzle." + c).createBody.get("mappings");
            assertThat(mappings.has("settings") || mappings.has("mappings")).as(c).isFalse();
            assertThat(mappings.at("/properties/_kuzzle_info/properties/author/type").asText()).as(c)
                    .isEqualTo("keyword");
        }
    }

    @Test
    void settings_refuse_contradictions() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://a:9200"))
                .targetElasticsearch(ElasticsearchEndpoint.of("http://b:9200"))
                .targetVersion("2.10.0").destroyPolicy(DestroyPolicy.INTERNAL).build())
                .hasMessageContaining("needs an in-place upgrade")
                .extracting(e -> ((io.upgradesdk.upgrade.UpgradeException) e).code())
                .isEqualTo(KuzzleErrorCode.INVALID_SETTINGS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://a:9200"))
                .targetElasticsearch(ElasticsearchEndpoint.of("http://a:9200/"))
                .targetVersion("2.10.0").build()).hasMessageContaining("in-place");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://a:9200")).targetVersion("1.12.0").build())
                .hasMessageContaining("2.x.y");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://a:9200")).targetVersion("2.10.0")
                .writeConcurrency(-1).build())
                .hasMessageContaining("writeConcurrency must be between 1 and 16 (or 0: automatic, the default), was -1");
    }

    @Test
    void pages_of_large_documents_are_bounded_in_bytes() throws Exception {
        FakeEs src = V1Dataset.standard(3, 2).loadInto(new FakeEs("es5", 5));
        KuzzleSteps steps = new KuzzleSteps(settings(false).pageSize(5000).build(), new FakeConnectors(src, src));
        CollectionMove green = new CollectionMove(CollectionMove.Kind.PUBLIC, "nyc-open-data", "green-taxi",
                "&nyc-open-data.green-taxi", null, false);
        CollectionMove yellow = new CollectionMove(CollectionMove.Kind.PUBLIC, "nyc-open-data", "YellowTaxi",
                "&nyc-open-data.yellowtaxi", null, true);
        assertThat(steps.pageSize(src, green)).isLessThan(100).isGreaterThan(10); // 200 KB documents
        assertThat(steps.pageSize(src, yellow)).isEqualTo(5000);
    }

    @Test
    void B15_source_aliases_are_copied_per_index_with_their_definition_when_asked() throws Exception {
        FakeEs src = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        src.doc("archive", "old", "a1", "{}");
        src.aliasDefinitions.put("nyc-open-data", new TreeMap<>(Map.of("recent-trips",
                Json.parseObject("{\"filter\":{\"range\":{\"trip\":{\"gte\":2}}}}"))));
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(false).copySourceAliases(true)
                .selection(DataSelection.indices("nyc-open-data")).build(), new FakeConnectors(src, dst));
        assertThat(runner(false).up(plan).outcome()).isEqualTo(Outcome.SUCCEEDED);
        for (String t : List.of("&nyc-open-data.yellowtaxi", "&nyc-open-data.green-taxi")) {
            assertThat(dst.aliasDefinitions.get(t).get("recent-trips").at("/filter/range/trip/gte").asInt()).isEqualTo(2);
        }
        assertThat(src.aliasLookups).isNotEmpty().containsOnly("nyc-open-data");
        assertThat(dst.aliasDefinitions).doesNotContainKey("%kuzzle.users");

        FakeEs src2 = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst2 = new FakeEs("es7", 7);
        runner(false).up(KuzzlePlanFactory.build(settings(false).planId("p2").build(),
                new FakeConnectors(src2, dst2))).throwIfFailed();
        assertThat(src2.aliasLookups).as("default: no alias copy").isEmpty();
    }

    @Test
    void bootstrap_markers_are_written_even_when_v1_had_no_config_collection() throws Exception {
        FakeEs src = V1Dataset.standard(2, 0).loadInto(new FakeEs("es5", 5));
        src.indices.get("%kuzzle").mappings.remove("config");
        src.indices.get("%kuzzle").docs.remove("config");
        FakeEs dst = new FakeEs("es7", 7);
        UpgradeReport r = runner(false).up(KuzzlePlanFactory.build(settings(false).build(),
                new FakeConnectors(src, dst)));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(dst.docsOf("%kuzzle.config")).containsOnlyKeys(KuzzleSteps.DATA_MODEL_ID, "kuzzle.done");
        assertThat(dst.indices.get("%kuzzle.config").aliases).containsExactly("@%kuzzle.config");
    }

    @Test
    void an_elasticsearch_8_target_for_a_kuzzle_release_before_2_32_is_refused_before_anything_is_written()
            throws Exception {
        FakeEs src = V1Dataset.standard(5, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es8", 8);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(false).targetVersion("2.31.0").build(),
                new FakeConnectors(src, dst));

        UpgradeReport report = runner(false).up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.steps().get(0).stepId()).isEqualTo(KuzzlePlanFactory.INVENTORY);
        assertThat(report.steps().get(0).error()).contains(
                "Kuzzle 2.31.0 (targetVersion) cannot use Elasticsearch 8", "2.32.0 or later", "(7.x)");
        assertThat(dst.writes).isEmpty();
        assertThat(dir.resolve(".kuzzlerc.v2")).doesNotExist();
        assertThat(runner(false).preview(plan).warnings()).anySatisfy(w -> assertThat(w)
                .contains("inventory", "cannot use Elasticsearch 8"));
        KuzzleSteps steps = new KuzzleSteps(settings(false).targetVersion("2.31.0").build(), new FakeConnectors(src, dst));
        assertThatThrownBy(() -> steps.inventory(null)).isInstanceOf(UpgradeException.class)
                .extracting(e -> ((UpgradeException) e).code()).isEqualTo(KuzzleErrorCode.INCOMPATIBLE_TARGET);
    }

    @Test
    void an_elasticsearch_8_target_gets_a_kuzzlerc_that_opts_kuzzle_into_it() throws Exception {
        FakeEs src = V1Dataset.standard(5, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es8", 8);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(false).targetVersion("2.32.0").build(),
                new FakeConnectors(src, dst));

        List<PlannedAction> planned = runner(false).preview(plan).items().stream()
                .flatMap(i -> i.plannedActions().stream()).toList();
        UpgradeReport report = runner(false).up(plan);

        assertThat(planned).anyMatch(a -> a.action().equals("config-change")
                && a.target().startsWith("set services.storageEngine.majorVersion = \"8\""));
        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        JsonNode v2 = Json.MAPPER.readTree(dir.resolve(".kuzzlerc.v2").toFile());
        assertThat(v2.at("/services/storageEngine/majorVersion").textValue()).isEqualTo("8");
    }

    @Test
    void an_elasticsearch_7_target_keeps_kuzzles_default_storage_engine() throws Exception {
        FakeEs src = V1Dataset.standard(5, 0).loadInto(new FakeEs("es5", 5));
        UpgradePlan plan = KuzzlePlanFactory.build(settings(false).targetVersion("2.31.0").build(),
                new FakeConnectors(src, new FakeEs("es7", 7)));

        assertThat(runner(false).up(plan).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Json.MAPPER.readTree(dir.resolve(".kuzzlerc.v2").toFile())
                .at("/services/storageEngine/majorVersion").isMissingNode()).isTrue();
    }
}
