package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A copy split into slices: disjoint shard groups, one partition each, each resuming at its own cursor. */
class SlicedDocumentCopyTest {

    private static final int DOCUMENTS = 200;

    private final FakeCluster sourceCluster = start("7.17.29");
    private final FakeCluster targetCluster = start("8.19.0");
    private final ElasticsearchConnection source = sourceCluster.connect();
    private final ElasticsearchConnection target = targetCluster.connect();

    private static FakeCluster start(String version) {
        try {
            return new FakeCluster(version);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void close() {
        source.close();
        target.close();
        sourceCluster.close();
        targetCluster.close();
    }

    private DocumentCopy.Builder users(int slices) {
        sourceCluster.shards = 5;
        sourceCluster.seed("users", DOCUMENTS);
        return DocumentCopy.from(source, "users").to(target, "users-v2").slices(slices).pageSize(10).writeConcurrency(2);
    }

    private UpgradePlan plan(DocumentCopy copy) {
        return plan(copy, 2);
    }

    private UpgradePlan plan(DocumentCopy copy, int workers) {
        return UpgradePlan.builder("plan").step(copy.partitionedStep("copy-users").workers(workers).build()).build();
    }

    @Test
    void four_slices_worked_by_two_workers_copy_every_document_exactly_once() {
        // real time: the test kit's virtual clock would expire a busy worker's claim while the other one waits
        UpgradeRunner t = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("host-a").build();

        assertThat(t.up(plan(users(4).build())).outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);

        assertThat(targetCluster.index("users-v2")).hasSize(DOCUMENTS);
        assertThat(targetCluster.writes).hasSize(DOCUMENTS).allSatisfy((id, n) -> assertThat(n.get()).as(id).isEqualTo(1));
        assertThat(t.partitions(plan(users(4).build()), "copy-users")).extracting(PartitionStatus::partitionId)
                .containsExactly("slice-0", "slice-1", "slice-2", "slice-3");
        assertThat(new TreeSet<>(sourceCluster.shardsSearched)).as("every one of the 5 shards read").containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void four_slices_running_together_refresh_the_target_index_once_and_no_other_index() {
        targetCluster.bulkMillis = 20;        // every slice is still writing when the first one ends
        UpgradeRunner t = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("host-a").build();

        assertThat(t.up(plan(users(4).build(), 4)).outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);

        assertThat(targetCluster.refreshed).as("one refresh, by the last slice to end, of the target index only")
                .containsExactly("users-v2");
    }

    @Test
    void a_slice_reads_only_its_shards_and_its_counters_are_its_own() {
        DocumentCopy copy = users(2).build();
        long inSlice1 = sourceCluster.index("users").keySet().stream().filter(id -> sourceCluster.shardOfId(id) % 2 == 1).count();

        DocumentCopy.Result result = copy.runSlice(1, null);

        assertThat(new TreeSet<>(sourceCluster.shardsSearched)).containsExactly(1, 3);
        assertThat(result.read()).isEqualTo(inSlice1);
        assertThat(result.written()).isEqualTo(inSlice1);
        assertThat(targetCluster.index("users-v2").keySet())
                .allSatisfy(id -> assertThat(sourceCluster.shardOfId(id) % 2).isEqualTo(1));
    }

    @Test
    void a_slice_counts_only_its_shards_so_that_the_totals_of_the_slices_add_up_to_the_index() {
        List<DocumentCopy.Progress> pages = new java.util.concurrent.CopyOnWriteArrayList<>();
        DocumentCopy copy = users(2).onPage(pages::add).build();
        long inSlice1 = sourceCluster.index("users").keySet().stream().filter(id -> sourceCluster.shardOfId(id) % 2 == 1).count();

        copy.runSlice(1, null);

        assertThat(pages).isNotEmpty().allSatisfy(p -> assertThat(p.total()).as("slice 1's shards 1 and 3").isEqualTo(inSlice1));
        assertThat(pages.get(pages.size() - 1).read()).isEqualTo(inSlice1);
    }

    @Test
    void a_partition_killed_after_saving_its_cursor_resumes_there_and_the_others_are_not_rewritten() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        DocumentCopy copy = users(4).writeConcurrency(1).build();
        UpgradePlan plan = plan(copy, 1);   // one worker: the crash stops every write of the run

        t.crashAt(CrashPoint.afterPartitionCursorSave("plan", "copy-users", "slice-1", 2)).up(plan);
        PartitionStatus crashed = t.partitions(plan, "copy-users").get(1);
        assertThat(crashed.state()).isEqualTo(PartitionState.RUNNING);
        assertThat(crashed.cursor()).contains("\"read\":20");
        assertThat(t.partitions(plan, "copy-users").get(0).state()).isEqualTo(PartitionState.DONE);
        t.letLeaseExpire(plan);
        assertThat(t.up(plan)).succeeded();

        assertThat(targetCluster.index("users-v2")).hasSize(DOCUMENTS);
        List<String> writtenTwice = new ArrayList<>();
        targetCluster.writes.forEach((id, n) -> {
            if (n.get() > 1) {
                writtenTwice.add(id);
            }
        });
        assertThat(writtenTwice).as("at most the page in flight past the saved cursor, in slice-1 only").hasSizeLessThanOrEqualTo(10)
                .allSatisfy(id -> assertThat(sourceCluster.shardOfId(id.substring(id.indexOf('/') + 1)) % 4).isEqualTo(1));
        assertThat(t.partitions(plan, "copy-users")).extracting(PartitionStatus::state).containsOnly(PartitionState.DONE);
    }

    @Test
    void more_slices_than_shards_fail_the_step_and_name_the_most_slices() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        assertThat(t.up(plan(users(8).build())).error()).contains("8 slices").contains("use at most 5 slices");
        assertThat(targetCluster.writes).isEmpty();
    }

    @Test
    void a_cursor_of_another_slice_is_refused() {
        DocumentCopy copy = users(4).build();
        CopyCursor[] first = {null};
        DocumentCopy.from(source, "users").to(target, "users-v2").slices(4).pageSize(10)
                .onCursor(c -> first[0] = first[0] == null ? c : first[0]).build().runSlice(2, null);

        assertThatThrownBy(() -> copy.runSlice(1, first[0])).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("belongs to another slice");
    }

    @Test
    void slices_are_checked_when_the_copy_is_built() {
        sourceCluster.seed("users", 1);
        assertThatThrownBy(() -> DocumentCopy.from(source, "users").to(target, "x").slices(0).build())
                .hasMessageContaining("slices must be within 1..128, was 0");
        assertThatThrownBy(() -> DocumentCopy.from(source, "logs-*").to(target, "x").slices(2).build())
                .hasMessageContaining("reads one index, not 'logs-*'");
    }

    @Test
    void without_slices_a_copy_reads_as_before() {
        AtomicInteger pages = new AtomicInteger();
        sourceCluster.seed("users", 30);
        DocumentCopy.from(source, "users").to(target, "users-v2").pageSize(10).onPage(p -> pages.incrementAndGet())
                .build().run(null);
        assertThat(targetCluster.index("users-v2")).hasSize(30);
        assertThat(Set.copyOf(sourceCluster.shardsSearched)).as("7.x: shard by shard, one shard").containsExactly(0);
    }
}
