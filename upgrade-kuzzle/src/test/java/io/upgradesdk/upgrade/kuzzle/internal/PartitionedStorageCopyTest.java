package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.JoinReport;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.spi.Check;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plugin and public copies as partitioned steps (collection × slice), on in-memory clusters. */
class PartitionedStorageCopyTest {

    private static final String YELLOW = "&nyc-open-data.yellowtaxi";
    private static final String GREEN = "&nyc-open-data.green-taxi";

    private final UpgradeTestRunner runner = UpgradeTestKit.runner().owner("test").build();

    private static KuzzleUpgradeSettings.Builder settings() {
        return KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9500"))
                .targetElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9700"))
                .targetVersion("2.14.0").pageSize(7);
    }

    /** The standard v1 data set, its public index in {@code shards} primary shards. */
    private static FakeEs source(int publicDocs, int shards) {
        FakeEs src = V1Dataset.standard(publicDocs, 0).loadInto(new FakeEs("es5", 5));
        ((ObjectNode) src.indices.get("nyc-open-data").settings.get("index")).put("number_of_shards", shards);
        return src;
    }

    private static int slices(KuzzleUpgradeSettings settings, int processors, int shards, long documents) {
        return new PartitionedStorageCopy(settings, null, null, null, processors).sliceCount(shards, documents);
    }

    @Test
    void automatic_slices_follow_the_shards_the_processors_and_the_documents() {
        KuzzleUpgradeSettings auto = settings().build();
        assertThat(slices(auto, 8, 1, 5_000_000)).as("a one-shard collection").isEqualTo(1);
        assertThat(slices(auto, 8, 5, 300)).as("few documents: no overhead of several slices").isEqualTo(1);
        assertThat(slices(auto, 8, 5, 25_000)).as("one slice per 10,000 documents").isEqualTo(2);
        assertThat(slices(auto, 8, 5, 1_000_000)).as("no more than the shards").isEqualTo(5);
        assertThat(slices(auto, 2, 5, 1_000_000)).as("no more than the processors").isEqualTo(2);
        assertThat(slices(auto, 1, 5, 1_000_000)).as("at least 2 on a 1-processor machine").isEqualTo(2);
    }

    @Test
    void configured_slices_apply_to_every_collection_within_its_shards() {
        KuzzleUpgradeSettings three = settings().slices(3).build();
        assertThat(slices(three, 2, 5, 10)).isEqualTo(3);
        assertThat(slices(three, 2, 2, 1_000_000)).isEqualTo(2);
        assertThat(slices(three, 2, 1, 1_000_000)).isEqualTo(1);
    }

    @Test
    void slices_and_workers_settings_are_validated() {
        assertThat(settings().slices(64).workers(64).build().slices()).isEqualTo(64);
        assertThatThrownBy(() -> settings().slices(65).build()).isInstanceOf(UpgradeException.class)
                .hasMessage("slices must be between 1 and 64 (or 0: automatic, the default), was 65")
                .extracting(e -> ((UpgradeException) e).code()).isEqualTo(KuzzleErrorCode.INVALID_SETTINGS);
        assertThatThrownBy(() -> settings().workers(-1).build())
                .hasMessage("workers must be between 1 and 64 (or 0: automatic, the default), was -1");
    }

    @Test
    void a_multi_shard_collection_is_copied_in_slices_by_two_workers_with_exact_counts() {
        FakeEs src = source(60, 4).awaitConcurrentSliceCopies(2);
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings().slices(2).workers(2).build(),
                new FakeConnectors(src, dst));

        UpgradeReport report = runner.answerConfirmations(false).up(plan);

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(runner.partitions(plan, KuzzlePlanFactory.PUBLIC)).extracting(PartitionStatus::partitionId)
                .containsExactly("0of2:@26nyc-open-data.yellowtaxi", "1of2:@26nyc-open-data.yellowtaxi",
                        "0of2:@26nyc-open-data.green-taxi", "1of2:@26nyc-open-data.green-taxi");
        assertThat(runner.partitions(plan, KuzzlePlanFactory.PUBLIC)).allMatch(p -> p.state() == PartitionState.DONE);
        assertThat(runner.partitions(plan, KuzzlePlanFactory.PLUGINS)).extracting(PartitionStatus::partitionId)
                .as("a one-shard plugin collection: one slice")
                .containsExactly("0of1:@25plugin-kuzzle-plugin-auth-passport-local.users");
        assertThat(src.sliceCopies).containsExactlyInAnyOrder("nyc-open-data/YellowTaxi 0/2 from null",
                "nyc-open-data/YellowTaxi 1/2 from null", "nyc-open-data/green-taxi 0/2 from null",
                "nyc-open-data/green-taxi 1/2 from null");
        assertThat(dst.docsOf(YELLOW)).hasSize(54);    // 60 minus 6 in the trashcan
        assertThat(dst.docsOf(GREEN)).hasSize(60);
        assertThat(dst.indices.get(YELLOW).settingsUpdates).as("refresh restored once, after the copy").hasSize(1);
        assertThat(runner.events().ofType(io.upgradesdk.upgrade.UpgradeEvent.PartitionClaimed.class))
                .extracting(e -> e.owner()).as("both workers claimed").contains("test/w1", "test/w2");
    }

    @Test
    void an_interrupted_slice_resumes_at_its_own_cursor_and_the_preview_shows_the_partitions() {
        FakeEs src = source(60, 4);
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings().slices(2).workers(1).build(),
                new FakeConnectors(src, dst));
        src.crashAfterPages = 6 + 2;    // internal and plugin pages, then 2 saved pages of the first slice
        assertThat(runner.answerConfirmations(false).up(plan).outcome()).isEqualTo(Outcome.FAILED);
        PartitionStatus interrupted = runner.partitions(plan, KuzzlePlanFactory.PUBLIC).get(0);
        assertThat(interrupted.partitionId()).isEqualTo("0of2:@26nyc-open-data.yellowtaxi");
        assertThat(interrupted.cursor()).isNotNull();
        List<String> sliceZero = src.indices.get("nyc-open-data").docs.get("YellowTaxi").keySet().stream()
                .filter(id -> src.shardOf("nyc-open-data", id) % 2 == 0).toList();
        assertThat(interrupted.cursor()).isEqualTo(sliceZero.get(13));   // 2 pages of 7

        Preview preview = runner.preview(plan);
        PlannedAction partitions = preview.items().stream().filter(i -> i.stepId().equals(KuzzlePlanFactory.PUBLIC))
                .flatMap(i -> i.plannedActions().stream()).filter(a -> a.action().equals("work partitions"))
                .findFirst().orElseThrow();
        assertThat(partitions.details()).containsKey("partition 0of2:@26nyc-open-data.yellowtaxi")
                .containsKey("partition 1of2:@26nyc-open-data.green-taxi");
        assertThat(partitions.details().get("partition 0of2:@26nyc-open-data.yellowtaxi"))
                .contains("cursor " + sliceZero.get(13));

        src.crashAfterPages = -1;
        src.sliceCopies.clear();
        UpgradeReport resumed = runner.up(plan);

        assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(src.sliceCopies).contains("nyc-open-data/YellowTaxi 0/2 from " + sliceZero.get(13));
        assertThat(dst.docsOf(YELLOW)).hasSize(54);
        assertThat(dst.docsOf(GREEN)).hasSize(60);
    }

    @Test
    void the_dry_run_shows_each_collections_slices() {
        FakeEs src = source(10, 4);
        UpgradePlan plan = KuzzlePlanFactory.build(settings().slices(3).build(),
                new FakeConnectors(src, new FakeEs("es7", 7)));

        List<PlannedAction> actions = runner.preview(plan).items().stream()
                .flatMap(i -> i.plannedActions().stream()).toList();

        assertThat(actions).anySatisfy(a -> {
            assertThat(a.target()).isEqualTo("nyc-open-data/YellowTaxi -> " + YELLOW);
            assertThat(a.details()).containsEntry("slices", "3 (source shards: 4)");
        });
    }

    @Test
    void a_join_while_no_copy_runs_does_nothing() {
        FakeEs src = source(10, 4);
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings().build(), new FakeConnectors(src, dst));

        JoinReport report = runner.runner().join(plan);

        assertThat(report.stepId()).isEmpty();
        assertThat(report.completed()).isZero();
        assertThat(dst.writes).isEmpty();
        assertThat(src.writes).isEmpty();
    }

    @Test
    void a_joining_worker_finishes_the_partitions_of_a_run_that_died_and_runs_no_other_step() {
        FakeEs src = source(60, 4);
        FakeEs dst = new FakeEs("es7", 7);
        UpgradePlan plan = KuzzlePlanFactory.build(settings().slices(2).workers(1).build(),
                new FakeConnectors(src, dst));
        String first = "0of2:@26nyc-open-data.yellowtaxi";
        runner.crashAt(CrashPoint.afterPartitionCursorSave(plan.id(), KuzzlePlanFactory.PUBLIC, first, 2)).up(plan);
        runner.letLeaseExpire(plan);
        int writesBefore = dst.writes.size();

        JoinReport joined = runner.runner().join(plan, 2);

        assertThat(joined.stepId()).contains(KuzzlePlanFactory.PUBLIC);
        assertThat(joined.completed()).isEqualTo(4);
        assertThat(joined.partitions()).allMatch(p -> p.state() == PartitionState.DONE);
        assertThat(src.sliceCopies).as("the died partition resumed at its cursor").anyMatch(c ->
                c.startsWith("nyc-open-data/YellowTaxi 0/2 from ") && !c.endsWith("from null"));
        assertThat(dst.docsOf(YELLOW)).hasSize(54);
        assertThat(dst.docsOf(GREEN)).hasSize(60);
        assertThat(dst.writes.subList(writesBefore, dst.writes.size())).as("documents only: no step's own writes")
                .allMatch(w -> w.startsWith("put "));
        PlanStatus status = runner.status(plan);
        assertThat(status.step(KuzzlePlanFactory.SETTLE).state()).isEqualTo(StepState.PENDING);
        assertThat(status.step(KuzzlePlanFactory.VERIFY).state()).isEqualTo(StepState.PENDING);

        UpgradeReport finished = runner.up(plan);
        assertThat(finished.outcome()).as(finished.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(dst.indices.get(YELLOW).settingsUpdates).hasSize(1);
    }

    @Test
    void partition_ids_name_any_target_validly_and_distinctly() {
        Set<String> keys = new HashSet<>();
        for (String target : List.of("&nyc.taxi", "%nyc.taxi", "&nyc@40.taxi", "&nyc@.taxi", "&ñ.taxi",
                "&" + "x".repeat(240) + ".a", "&" + "x".repeat(240) + ".b")) {
            String id = new CopyPartition(CopyPartition.keyOf(target), 63, 64).id();
            assertThat(Check.stepId(id)).isEqualTo(id);
            assertThat(CopyPartition.parse(id)).contains(new CopyPartition(CopyPartition.keyOf(target), 63, 64));
            keys.add(CopyPartition.keyOf(target));
        }
        assertThat(keys).hasSize(7);
        assertThat(CopyPartition.parse("2of2:x")).isEmpty();
        assertThat(CopyPartition.parse("slice-0")).isEmpty();
        assertThat(Map.of("k", CopyPartition.keyOf("&nyc-open-data.yellowtaxi")))
                .containsEntry("k", "@26nyc-open-data.yellowtaxi");
    }
}
