package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slices of one copy running in one JVM share one budget of bulk requests in flight and of pages
 * held: the target sees as many concurrent bulks with 8 slices as with 1, every slice reads pages of
 * the full size, the pages read and not yet written never outnumber the requests in flight by more
 * than one, and a slice that fails gives its share back so that the others go on.
 */
class SharedCopyBudgetTest {

    private static final int SLICES = 8;
    private static final int DOCUMENTS = 400;
    /** Documents in a slice's first adaptive page, before the bytes of a document are known. */
    private static final int FIRST_ADAPTIVE_PAGE = 1000;

    private final FakeCluster sourceCluster = start(1);
    private final FakeCluster targetCluster = start(16);
    private final ElasticsearchConnection source = sourceCluster.connect();
    private final ElasticsearchConnection target = targetCluster.connect();
    private final ExecutorService threads = Executors.newFixedThreadPool(SLICES);

    private static FakeCluster start(int handlerThreads) {
        try {
            return new FakeCluster("7.17.29", handlerThreads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        source.close();
        target.close();
        sourceCluster.close();
        targetCluster.close();
    }

    private DocumentCopy.Builder users() {
        sourceCluster.shards = SLICES;
        sourceCluster.seed("users", DOCUMENTS);
        targetCluster.bulkMillis = 20;
        return DocumentCopy.from(source, "users").to(target, "users-v2").slices(SLICES).pageSize(10);
    }

    @Test
    void eight_slices_worked_by_eight_workers_never_have_more_bulks_in_flight_than_the_copy_allows() {
        DocumentCopy copy = users().writeConcurrency(2).build();
        targetCluster.holdBulksUntilInFlight = 2;   // the first bulk waits for a second one: no race with the pages
        UpgradePlan plan = UpgradePlan.builder("plan").step(copy.partitionedStep("copy-users").workers(SLICES).build()).build();

        UpgradeReport report = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("host-a").build().up(plan);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(targetCluster.index("users-v2")).hasSize(DOCUMENTS);
        assertThat(targetCluster.mostBulksInFlight.get()).as("bulks in flight at once, 8 slices, 2 for the copy")
                .isEqualTo(2);
    }

    @Test
    void by_default_the_copy_asks_the_target_once_and_keeps_as_many_bulks_in_flight_as_it_has_processors() throws Exception {
        targetCluster.processors = 3;
        targetCluster.shards = 8;           // a one-shard target would get one bulk at a time (see below)
        DocumentCopy copy = users().build();
        targetCluster.bulkMillis = 150;     // slow writes: every slot is wanted even on a loaded machine
        targetCluster.holdBulksUntilInFlight = 3;

        List<Future<DocumentCopy.Result>> slices = runAllSlices(copy);

        assertThat(writtenBy(slices)).isEqualTo(DOCUMENTS);
        assertThat(targetCluster.mostBulksInFlight.get()).as("3 processors: 3 bulks in flight for all 8 slices")
                .isEqualTo(3);
        assertThat(targetCluster.processorRequests.get()).as("processors asked once for the copy").isEqualTo(1);
    }

    @Test
    void a_slice_that_fails_gives_its_bulks_back_and_the_slices_waiting_for_them_finish() throws Exception {
        DocumentCopy copy = users().writeConcurrency(1).build();
        targetCluster.failBulkNumber = 5;

        List<Future<DocumentCopy.Result>> slices = runAllSlices(copy);
        List<Throwable> failures = new ArrayList<>();
        long written = 0;
        for (Future<DocumentCopy.Result> slice : slices) {
            try {
                written += slice.get(30, TimeUnit.SECONDS).written();
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            }
        }

        assertThat(failures).as("the slice whose bulk was refused").hasSize(1)
                .allSatisfy(e -> assertThat(e).isInstanceOf(UpgradeException.class).hasMessageContaining("refused by the test"));
        assertThat(written).as("the 7 other slices").isEqualTo(DOCUMENTS - documentsOf(sliceOfFailure()));
        assertThat(targetCluster.mostBulksInFlight.get()).isEqualTo(1);

        DocumentCopy.Result again = copy.runSlice(sliceOfFailure(), null);
        assertThat(again.written()).as("the failed slice, run again with the same copy: its budget was given back")
                .isPositive();
        assertThat(targetCluster.index("users-v2")).hasSize(DOCUMENTS);
    }

    @Test
    void copies_built_one_per_slice_share_the_budget_of_the_first_when_asked_to() throws Exception {
        DocumentCopy first = users().writeConcurrency(2).build();
        targetCluster.holdBulksUntilInFlight = 2;
        List<Future<DocumentCopy.Result>> slices = new ArrayList<>();
        for (int k = 0; k < SLICES; k++) {
            int slice = k;
            DocumentCopy own = k == 0 ? first : users().writeConcurrency(2).sharingBudgetOf(first).build();
            slices.add(threads.submit(() -> own.runSlice(slice, null)));
        }

        assertThat(writtenBy(slices)).isEqualTo(DOCUMENTS);
        assertThat(targetCluster.mostBulksInFlight.get()).as("8 copies of one slice each, one budget of 2")
                .isEqualTo(2);
    }

    @Test
    void the_pages_held_by_eight_slices_never_outnumber_the_requests_in_flight_by_more_than_one() throws Exception {
        DocumentCopy copy = users().writeConcurrency(2).build();
        AtomicInteger pagesHeld = new AtomicInteger();
        AtomicInteger mostPagesHeld = new AtomicInteger();
        // served by the source and not yet answered by the target: never more than the copy holds
        sourceCluster.onPageServed = () -> mostPagesHeld.accumulateAndGet(pagesHeld.incrementAndGet(), Math::max);
        targetCluster.onBulkAnswered = pagesHeld::decrementAndGet;
        targetCluster.holdBulksUntilInFlight = 2;

        assertThat(writtenBy(runAllSlices(copy))).isEqualTo(DOCUMENTS);

        assertThat(mostPagesHeld.get()).as("pages read and not yet written at once: 2 requests in flight + 1 read")
                .isBetween(1, 3);
        assertThat(targetCluster.mostBulksInFlight.get()).isEqualTo(2);
    }

    /** About 1,300 documents of ~1 KB per slice, written slowly: every slice is reading at the same time. */
    private DocumentCopy kilobyteUsersWrittenOneBulkAtATime() {
        sourceCluster.shards = SLICES;
        String notes = "x".repeat(1000);
        for (int i = 0; i < SLICES * 1300; i++) {
            sourceCluster.index("users").put(String.format("d%05d", i),
                    JsonNodeFactory.instance.objectNode().put("n", i).put("notes", notes));
        }
        targetCluster.bulkMillis = 50;
        return DocumentCopy.from(source, "users").to(target, "users-v2").slices(SLICES).writeConcurrency(1).build();
    }

    @Test
    void every_slice_reads_pages_of_the_full_size_however_many_slices_read_at_once() throws Exception {
        DocumentCopy copy = kilobyteUsersWrittenOneBulkAtATime();

        assertThat(writtenBy(runAllSlices(copy))).isEqualTo(SLICES * 1300);

        List<Integer> learnt = sourceCluster.pageSizes.stream().filter(size -> size != FIRST_ADAPTIVE_PAGE).toList();
        assertThat(learnt).as("each slice's second page, sized from the bytes of its first one").hasSize(SLICES)
                .allSatisfy(size -> assertThat(size).as("8 MB / ~1.07 KB a document, not divided by 8 slices")
                        .isBetween(7000, 8500));
    }

    @Test
    void only_the_slices_reading_before_any_page_was_encoded_start_with_a_small_first_page() throws Exception {
        DocumentCopy copy = kilobyteUsersWrittenOneBulkAtATime();     // 2 page permits: 1 written, 1 read

        assertThat(writtenBy(runAllSlices(copy))).isEqualTo(SLICES * 1300);

        assertThat(sourceCluster.pageSizes.stream().filter(size -> size == FIRST_ADAPTIVE_PAGE).count())
                .as("small first pages: at most the 2 slices holding the first permits (1 when the second one"
                        + " asked after the first had learnt); the 6 others waited for a permit and started from the"
                        + " bytes per document the copy had learnt of the index")
                .isBetween(1L, 2L);
    }

    @Test
    void with_the_automatic_concurrency_a_one_shard_target_index_is_written_one_bulk_at_a_time() throws Exception {
        targetCluster.processors = 4;                   // the copy may have 4 bulks in flight
        targetCluster.shards = 1;
        DocumentCopy copy = users().build();
        targetCluster.bulkMillis = 150;                 // slow writes: every slot is wanted

        assertThat(writtenBy(runAllSlices(copy))).isEqualTo(DOCUMENTS);

        assertThat(targetCluster.mostBulksInFlight.get()).as("bulks in flight into the one shard").isEqualTo(1);
    }

    @Test
    void with_the_automatic_concurrency_a_target_index_of_several_shards_gets_the_copy_s_requests() throws Exception {
        targetCluster.processors = 4;
        targetCluster.shards = 8;
        DocumentCopy copy = users().build();
        targetCluster.bulkMillis = 150;
        targetCluster.holdBulksUntilInFlight = 4;

        assertThat(writtenBy(runAllSlices(copy))).isEqualTo(DOCUMENTS);

        assertThat(targetCluster.mostBulksInFlight.get()).as("4 in flight for the copy, 8 shards").isEqualTo(4);
    }

    @Test
    void slices_that_fail_reading_or_writing_give_their_pages_back_and_the_same_copy_runs_them_again() throws Exception {
        DocumentCopy copy = users().writeConcurrency(1).build();     // 2 pages held at most: 1 written, 1 read
        int unreadable = 3;
        sourceCluster.failSearchesOfShard = unreadable;
        targetCluster.failBulkNumber = 5;

        List<Future<DocumentCopy.Result>> slices = runAllSlices(copy);
        List<Integer> failed = new ArrayList<>();
        long written = 0;
        for (int k = 0; k < SLICES; k++) {
            try {
                written += slices.get(k).get(30, TimeUnit.SECONDS).written();
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(UpgradeException.class).hasMessageContaining("refused by the test");
                failed.add(k);
            }
        }

        assertThat(failed).as("the slice whose search failed and the one whose bulk was refused").hasSize(2)
                .contains(unreadable);
        assertThat(written).isEqualTo(DOCUMENTS - failed.stream().mapToLong(this::documentsOf).sum());
        sourceCluster.failSearchesOfShard = -1;
        List<Future<DocumentCopy.Result>> again = new ArrayList<>();
        for (int slice : failed) {
            again.add(threads.submit(() -> copy.runSlice(slice, null)));
        }
        assertThat(writtenBy(again)).as("both failed slices run again: their 2 page permits were given back")
                .isEqualTo(failed.stream().mapToLong(this::documentsOf).sum());
        assertThat(targetCluster.index("users-v2")).hasSize(DOCUMENTS);
    }

    /** The documents the slices wrote, each waited for at most 30 s. */
    private static long writtenBy(List<Future<DocumentCopy.Result>> slices) throws Exception {
        long written = 0;
        for (Future<DocumentCopy.Result> slice : slices) {
            written += slice.get(30, TimeUnit.SECONDS).written();
        }
        return written;
    }

    private volatile int failedSlice = -1;

    private List<Future<DocumentCopy.Result>> runAllSlices(DocumentCopy copy) {
        List<Future<DocumentCopy.Result>> slices = new ArrayList<>();
        for (int k = 0; k < SLICES; k++) {
            int slice = k;
            slices.add(threads.submit(() -> {
                try {
                    return copy.runSlice(slice, null);
                } catch (UpgradeException e) {
                    failedSlice = slice;
                    throw e;
                }
            }));
        }
        return slices;
    }

    private int sliceOfFailure() {
        assertThat(failedSlice).isNotNegative();
        return failedSlice;
    }

    private long documentsOf(int slice) {
        return sourceCluster.index("users").keySet().stream().filter(id -> sourceCluster.shardOfId(id) % SLICES == slice)
                .count();
    }
}
