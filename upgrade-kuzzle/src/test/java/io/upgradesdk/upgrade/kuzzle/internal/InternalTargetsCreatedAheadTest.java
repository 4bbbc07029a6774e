package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The internal storage step creates its small target indices together, and a resumed run still knows them as its own. */
class InternalTargetsCreatedAheadTest {

    private final UpgradeTestRunner runner = UpgradeTestKit.runner().owner("test").build();

    private static Connectors connectors(FakeEs src, FakeEs dst) {
        return new Connectors() {
            @Override
            public EsPort source() {
                return src;
            }

            @Override
            public EsPort target() {
                return dst;
            }

            @Override
            public TokenCache cache() {
                return null;
            }
        };
    }

    private static KuzzleUpgradeSettings settings() {
        return KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9500"))
                .targetElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9700"))
                .targetVersion("2.14.0").pageSize(7).build();
    }

    @Test
    void every_internal_target_is_created_with_its_alias_before_the_first_copy() {
        FakeEs src = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);

        UpgradeReport report = runner.up(KuzzlePlanFactory.build(settings(), connectors(src, dst)));

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        List<String> internalWrites = dst.writes.stream().filter(w -> w.contains("%kuzzle")).toList();
        int firstPut = internalWrites.stream().filter(w -> w.startsWith("put ")).findFirst()
                .map(internalWrites::indexOf).orElse(internalWrites.size());
        assertThat(internalWrites.subList(0, firstPut)).as("creations, with their aliases, come first")
                .filteredOn(w -> w.startsWith("create ")).hasSizeGreaterThan(1);
        assertThat(dst.writes).as("small collections keep their refresh interval").noneMatch(w -> w.startsWith("settings %kuzzle"));
    }

    @Test
    void each_step_asks_which_targets_exist_and_how_many_documents_each_source_holds_once_not_per_collection() {
        FakeEs src = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);

        UpgradeReport report = runner.up(KuzzlePlanFactory.build(settings(), connectors(src, dst)));

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(dst.lookups).as("target lookups").doesNotContainKey("exists")
                .containsEntry("existing", 4);   // inventory, internal, plugin and public storages
        assertThat(dst.lookups).as("target counts: verify's, in one lookup").containsEntry("counts", 1)
                .doesNotContainKey("count");
        assertThat(src.lookups).as("source counts: once per storage step, settle and verify")
                .containsEntry("counts", 5)
                .containsEntry("count", 3);   // the progress total of each of the 3 partitions (1 plugin, 2 public)
        assertThat(src.lookups).as("verify samples every collection in one lookup").containsEntry("samples", 1)
                // and one by one: the largest documents of each copy, for the explicit page size (5 internal
                // collections, 3 partitions), and the roles for the report's role changes
                .containsEntry("sample", 5 + 3 + 1);
    }

    @Test
    void a_run_killed_after_creating_the_internal_targets_resumes_without_taking_them_for_foreign_indices() {
        FakeEs src = V1Dataset.standard(3, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings(), connectors(src, dst));
        src.crashAfterPages = 1;

        UpgradeReport killed = runner.up(plan);
        assertThat(killed.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(dst.indices.keySet().stream().filter(i -> i.startsWith("%kuzzle.")).count()).isGreaterThan(2);

        src.crashAfterPages = -1;
        UpgradeReport resumed = runner.up(plan);

        assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(dst.docsOf("%kuzzle.roles")).containsOnlyKeys("admin", "editor");
        assertThat(dst.docsOf("%kuzzle.users")).containsOnlyKeys("alice-kuid", "admin-kuid");
    }
}
