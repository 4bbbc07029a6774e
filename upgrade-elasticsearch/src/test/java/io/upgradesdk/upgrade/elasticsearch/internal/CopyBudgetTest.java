package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One budget of bulk requests in flight and of pages held for all the slices of a copy: a write
 * holds its slot only while it is sent, so a slice waiting for one goes on when another slice's
 * write fails, and stops when its thread is interrupted; a page permit is held from before the page
 * is read until its bulk request ends, and the copy has one permit more than requests in flight.
 */
class CopyBudgetTest {

    private final CountDownLatch firstBulkArrived = new CountDownLatch(1);
    private final CountDownLatch answerFirstBulk = new CountDownLatch(1);
    private final AtomicInteger bulks = new AtomicInteger();
    private final FakeElasticsearch target = fakeTarget();
    private final EsClient client = EsClient.connect(target.endpoint());
    private final CopyBudget budget = new CopyBudget();
    private final AtomicInteger concurrencyAsked = new AtomicInteger();
    private final Supplier<BulkPipeline.Concurrency> oneRequest = () -> {
        concurrencyAsked.incrementAndGet();
        return BulkPipeline.Concurrency.fixed(1);
    };

    /** A target whose first bulk request waits for {@link #answerFirstBulk} and is then refused; the others are written. */
    private FakeElasticsearch fakeTarget() {
        try {
            return new FakeElasticsearch(r -> {
                if (!r.is("POST", "/_bulk")) {
                    return null;
                }
                if (bulks.incrementAndGet() > 1) {
                    return FakeElasticsearch.Answer.ok("{\"errors\":false,\"items\":[]}");
                }
                firstBulkArrived.countDown();
                try {
                    answerFirstBulk.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new FakeElasticsearch.Answer(400,
                        "{\"error\":{\"type\":\"test_failure\",\"reason\":\"refused by the test\"}}");
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void close() {
        answerFirstBulk.countDown();
        client.close();
        target.close();
    }

    private BulkPipeline slice(List<String> cursors) {
        return new BulkPipeline(client, Sleeper.system(), oneRequest, budget, PageSizer.fixed(1), cursors::add, null, -1);
    }

    private static BulkPipeline.Page page(String id) {
        String body = "{\"index\":{\"_index\":\"users\",\"_id\":\"" + id + "\"}}\n{}\n";
        return new BulkPipeline.Page(body.getBytes(StandardCharsets.UTF_8), List.of("users/" + id));
    }

    /** Slice A sends a page whose bulk the target holds, so A has the copy's only slot. */
    private CompletableFuture<Void> sliceHoldingTheOnlySlot() throws InterruptedException {
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> {
            try (BulkPipeline writes = slice(new CopyOnWriteArrayList<>())) {
                writes.submit(page("a1"), budget.acquirePage(), "a-cursor-1", 1, "users");
                writes.awaitAll();
            }
        });
        assertThat(firstBulkArrived.await(10, TimeUnit.SECONDS)).as("slice A's bulk reached the target").isTrue();
        return a;
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (thread.getState() != Thread.State.WAITING && Instant.now().isBefore(deadline)) {
            Thread.sleep(5);
        }
        assertThat(thread.getState()).as(thread.getName() + " waits").isEqualTo(Thread.State.WAITING);
    }

    @Test
    void a_slice_waiting_for_the_only_slot_goes_on_when_the_write_holding_it_fails() throws Exception {
        CompletableFuture<Void> a = sliceHoldingTheOnlySlot();
        List<String> cursorsOfB = new CopyOnWriteArrayList<>();
        Thread b = new Thread(() -> {
            try (BulkPipeline writes = slice(cursorsOfB)) {
                writes.submit(page("b1"), budget.acquirePage(), "b-cursor-1", 1, "users");
                writes.awaitAll();
            }
        }, "slice-b");
        b.start();
        awaitWaiting(b);
        assertThat(budget.inFlight()).isEqualTo(1);
        assertThat(cursorsOfB).isEmpty();

        answerFirstBulk.countDown();
        b.join(10_000);

        assertThat(b.isAlive()).as("slice B finished").isFalse();
        assertThat(cursorsOfB).as("B's page written and committed").containsExactly("b-cursor-1");
        assertThatThrownBy(() -> a.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UpgradeException.class).hasMessageContaining("refused by the test");
        assertThat(budget.inFlight()).as("every slot given back, the failed one too").isZero();
        assertThat(budget.pagesHeld()).as("and every page permit").isZero();
        assertThat(concurrencyAsked.get()).as("asked once, when a second write could start").isEqualTo(1);
    }

    @Test
    void a_slice_waiting_for_a_slot_stops_when_its_thread_is_interrupted_and_commits_nothing() throws Exception {
        CompletableFuture<Void> a = sliceHoldingTheOnlySlot();
        List<String> cursorsOfB = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failureOfB = new AtomicReference<>();
        Thread b = new Thread(() -> {
            try (BulkPipeline writes = slice(cursorsOfB)) {
                writes.submit(page("b1"), budget.acquirePage(), "b-cursor-1", 1, "users");
                writes.awaitAll();
            } catch (RuntimeException e) {
                failureOfB.set(e);
            }
        }, "slice-b");
        b.start();
        awaitWaiting(b);

        b.interrupt();
        b.join(10_000);

        assertThat(b.isAlive()).isFalse();
        assertThat(failureOfB.get()).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INTERRUPTED));
        assertThat(cursorsOfB).isEmpty();
        assertThat(budget.inFlight()).as("B never took a slot").isEqualTo(1);
        assertThat(budget.pagesHeld()).as("B gave its page's permit back").isEqualTo(1);
        answerFirstBulk.countDown();
        assertThatThrownBy(() -> a.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(UpgradeException.class);
        assertThat(budget.inFlight()).isZero();
        assertThat(budget.pagesHeld()).isZero();
    }

    @Test
    void a_busy_answer_halves_the_requests_of_the_whole_copy_and_clean_pages_add_them_back() {
        Supplier<BulkPipeline.Concurrency> four = () -> new BulkPipeline.Concurrency(4, 4, true);
        assertThat(budget.concurrency(four).max()).isEqualTo(4);
        assertThat(budget.limit()).isEqualTo(4);

        budget.pageWritten(1, four);
        assertThat(budget.limit()).isEqualTo(2);
        for (int i = 0; i < PageSizer.CLEAN_PAGES_TO_GROW; i++) {
            budget.pageWritten(0, four);
        }
        assertThat(budget.limit()).isEqualTo(3);
    }

    @Test
    void a_copy_holds_one_page_more_than_its_requests_in_flight_and_a_reader_waits_for_a_permit() throws Exception {
        budget.concurrency(() -> BulkPipeline.Concurrency.fixed(2));
        List<CopyBudget.PagePermit> held = new ArrayList<>();
        for (int i = 0; i < budget.pagePermits(); i++) {
            held.add(budget.acquirePage());
        }
        assertThat(budget.pagesHeld()).as("2 pages being written, 1 being read").isEqualTo(3);

        CompletableFuture<CopyBudget.PagePermit> fourth = new CompletableFuture<>();
        Thread reader = new Thread(() -> fourth.complete(budget.acquirePage()), "slice-d");
        reader.start();
        awaitWaiting(reader);
        assertThat(fourth).isNotDone();

        held.get(0).close();
        held.get(0).close();                      // a permit closed twice is given back once
        assertThat(fourth.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(budget.pagesHeld()).isEqualTo(3);
    }

    @Test
    void a_permit_handed_over_to_the_write_is_given_back_by_the_write_not_by_the_reader() {
        CopyBudget.PagePermit read = budget.acquirePage();
        CopyBudget.PagePermit writing = read.handOver();

        read.close();
        assertThat(budget.pagesHeld()).as("the reader's close after the hand-over").isEqualTo(1);
        writing.close();
        assertThat(budget.pagesHeld()).isZero();
        assertThatThrownBy(read::handOver).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_reader_waiting_for_a_page_permit_stops_with_interrupted_when_its_thread_is_interrupted() throws Exception {
        CopyBudget.PagePermit first = budget.acquirePage();
        CopyBudget.PagePermit second = budget.acquirePage();     // limit 1 before the concurrency is asked: 2 permits
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                budget.acquirePage();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "slice-c");
        reader.start();
        awaitWaiting(reader);

        reader.interrupt();
        reader.join(10_000);

        assertThat(failure.get()).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INTERRUPTED));
        assertThat(budget.pagesHeld()).as("the interrupted reader took none").isEqualTo(2);
        first.close();
        second.close();
        assertThat(budget.pagesHeld()).isZero();
    }

    @Test
    void the_permit_of_a_page_whose_bulk_fails_or_that_is_empty_is_given_back() throws Exception {
        List<String> cursors = new CopyOnWriteArrayList<>();
        try (BulkPipeline writes = slice(cursors)) {
            BulkPipeline.Page empty = new BulkPipeline.Page(new byte[0], List.of());
            writes.submit(empty, budget.acquirePage(), "empty-cursor", 0, "users");
            assertThat(budget.pagesHeld()).as("an empty page is not sent").isZero();
            writes.submit(page("a1"), budget.acquirePage(), "a-cursor-1", 1, "users");
            assertThat(firstBulkArrived.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(budget.pagesHeld()).as("held while its bulk is sent").isEqualTo(1);
            answerFirstBulk.countDown();
            assertThatThrownBy(writes::awaitAll).isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("refused by the test");
        }
        assertThat(budget.pagesHeld()).as("the refused page's permit").isZero();
        assertThat(cursors).containsExactly("empty-cursor");
    }

    @Test
    void with_the_automatic_concurrency_a_one_shard_target_has_one_request_in_flight_and_others_share_the_rest()
            throws Exception {
        Supplier<BulkPipeline.Concurrency> twoRequests = () -> new BulkPipeline.Concurrency(2, 2, true);
        AtomicInteger primariesAsked = new AtomicInteger();
        java.util.function.IntSupplier onePrimary = () -> {
            primariesAsked.incrementAndGet();
            return 1;
        };
        budget.acquireWrite(twoRequests, "users-v2", onePrimary);

        CompletableFuture<Void> secondIntoTheSameShard = CompletableFuture.runAsync(
                () -> budget.acquireWrite(twoRequests, "users-v2", onePrimary));
        budget.acquireWrite(twoRequests, "orders-v2", onePrimary);     // another index: the copy's second slot

        assertThat(budget.inFlight()).isEqualTo(2);
        Thread.sleep(100);
        assertThat(secondIntoTheSameShard).as("waits for the one-shard index's request").isNotDone();
        budget.releaseWrite("orders-v2");
        Thread.sleep(100);
        assertThat(secondIntoTheSameShard).as("a free slot of the copy is not enough").isNotDone();
        budget.releaseWrite("users-v2");
        secondIntoTheSameShard.get(5, TimeUnit.SECONDS);
        assertThat(budget.inFlight("users-v2")).isEqualTo(1);
        assertThat(primariesAsked.get()).as("asked only for the index a second request went into, once")
                .isEqualTo(1);
    }

    @Test
    void a_fixed_concurrency_or_unknown_primaries_do_not_bound_a_target_index() throws Exception {
        Supplier<BulkPipeline.Concurrency> fixedTwo = () -> BulkPipeline.Concurrency.fixed(2);
        budget.acquireWrite(fixedTwo, "users-v2", () -> 1);
        budget.acquireWrite(fixedTwo, "users-v2", () -> 1);
        assertThat(budget.inFlight("users-v2")).as("the writeConcurrency the user chose").isEqualTo(2);

        CopyBudget automatic = new CopyBudget();
        Supplier<BulkPipeline.Concurrency> twoRequests = () -> new BulkPipeline.Concurrency(2, 2, true);
        automatic.acquireWrite(twoRequests, "not-created-yet", () -> 0);
        automatic.acquireWrite(twoRequests, "not-created-yet", () -> 0);
        assertThat(automatic.inFlight("not-created-yet")).isEqualTo(2);
    }

    @Test
    void the_page_permits_follow_the_requests_the_open_writers_can_have_in_flight() throws Exception {
        Supplier<BulkPipeline.Concurrency> twoRequests = () -> new BulkPipeline.Concurrency(2, 2, true);
        budget.concurrency(twoRequests);
        budget.writerOpened("users-v2");
        assertThat(budget.pagePermits()).as("primaries not known yet: the copy's limit").isEqualTo(3);

        budget.acquireWrite(twoRequests, "users-v2", () -> 1);
        budget.acquireWrite(twoRequests, "orders-v2", () -> 1);       // another index's writer, not opened
        budget.releaseWrite("orders-v2");
        Thread second = new Thread(() -> budget.acquireWrite(twoRequests, "users-v2", () -> 1), "slice-b");
        second.start();
        awaitWaiting(second);                                           // it asked the primaries: 1
        assertThat(budget.writeCapacity()).as("one writer into a one-shard index").isEqualTo(1);
        assertThat(budget.pagePermits()).isEqualTo(2);

        budget.writerOpened("orders-v2");
        assertThat(budget.pagePermits()).as("orders-v2's primaries not known").isEqualTo(3);
        budget.writerClosed("orders-v2");
        budget.writerOpened(null);
        assertThat(budget.pagePermits()).as("a writer into any index: no bound per index").isEqualTo(3);
        budget.writerClosed(null);
        assertThat(budget.pagePermits()).isEqualTo(2);
        budget.writerClosed("users-v2");
        assertThat(budget.pagePermits()).as("no open writer").isEqualTo(3);
        budget.releaseWrite("users-v2");
        second.join(10_000);
        assertThat(budget.inFlight("users-v2")).isEqualTo(1);
    }

    @Test
    void a_fixed_concurrency_keeps_its_page_permits_whatever_the_target_index() {
        budget.concurrency(() -> BulkPipeline.Concurrency.fixed(2));
        budget.writerOpened("users-v2");
        budget.acquireWrite(() -> BulkPipeline.Concurrency.fixed(2), "users-v2", () -> 1);
        budget.acquireWrite(() -> BulkPipeline.Concurrency.fixed(2), "users-v2", () -> 1);

        assertThat(budget.pagePermits()).isEqualTo(3);
    }

    @Test
    void the_last_slice_of_a_copy_to_end_in_this_jvm_gets_every_target_its_slices_wrote_into() {
        budget.sliceStarted("users-v2");
        budget.sliceStarted("users-v2");
        budget.sliceStarted("orders-v2");

        assertThat(budget.sliceEnded("users-v2", java.util.Set.of("users-v2", "users-archive"))).isEmpty();
        assertThat(budget.sliceEnded("orders-v2", java.util.Set.of("orders-v2"))).as("another copy sharing the budget")
                .containsExactly("orders-v2");
        assertThat(budget.sliceEnded("users-v2", java.util.Set.of("users-v2"))).as("the last users-v2 slice")
                .containsExactly("users-archive", "users-v2");

        budget.sliceStarted("users-v2");
        assertThat(budget.sliceEnded("users-v2", java.util.Set.of("users-v2"))).as("a slice run again later")
                .containsExactly("users-v2");
    }
}
