package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Bulk writes of encoded pages of one reader (a copy or one slice of it), committed in page order:
 * a page's cursor reaches the checkpoint callback (on the submitting thread) only after that page
 * and all earlier ones are written. The first failed page fails the copy; pages after it are never
 * committed, so a resumed copy starts at the first unwritten page.
 *
 * <p>The requests in flight are bounded by the {@link CopyBudget} of the copy, which all its slices
 * share: at most its limit in flight for the whole copy, and at most as many pages of this reader
 * waiting to be committed. Each page comes with its {@link CopyBudget.PagePermit}, given back when
 * its request ends (written or failed), so that the pages the copy holds stay within the budget.
 * With an adaptive concurrency, a page the target answered busy (before its resend succeeded)
 * halves the copy's requests in flight (down to one) and tells this reader's {@link PageSizer} to
 * shrink pages; every {@link PageSizer#CLEAN_PAGES_TO_GROW} pages written without a busy answer add
 * one request back, up to the maximum.
 *
 * <p>The concurrency is asked for (which may cost the caller a request to the target) only once a
 * second page is submitted while the first is in flight, or a page is answered busy: a copy of a
 * single page, e.g. a small collection, never asks.
 */
final class BulkPipeline implements AutoCloseable {

    /**
     * An encoded bulk body, its first {@code length} bytes (the encoder's buffer, not copied to an
     * array of the exact size: a page is megabytes), and the "index/id" of each action in it, in order.
     */
    record Page(byte[] body, int length, List<String> ids) {
        Page(byte[] body, List<String> ids) {
            this(body, body.length, ids);
        }
    }

    private record Pending(Future<Integer> write, String cursor, long read, String index) {
    }

    /** Requests in flight: {@code initial} at first, at most {@code max}; adaptive or fixed. */
    record Concurrency(int initial, int max, boolean adaptive) {
        static Concurrency fixed(int requests) {
            return new Concurrency(requests, requests, false);
        }
    }

    private static final String BULK = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,"
            + "items.*.error.reason";

    /** Attempts per bulk request when the cluster answers busy (429, 502-504) before failing the copy. */
    static final int ATTEMPTS = 8;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final EsClient target;
    private final Sleeper sleeper;
    private final Supplier<Concurrency> concurrencySource;
    private final CopyBudget budget;
    private final PageSizer sizer;
    private final Consumer<String> checkpoint;
    private final DocumentCopier.Progress progress;
    private final long total;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private ExecutorService pool;
    /** The index the pages are written into, when one (its primaries bound its requests in flight), or null. */
    private String writeTarget;
    private IntSupplier targetPrimaries;
    /** Whether this pipeline counts among the budget's open writers (from its first request to its close). */
    private boolean opened;

    BulkPipeline(EsClient target, Sleeper sleeper, Concurrency concurrency, PageSizer sizer, Consumer<String> checkpoint,
            DocumentCopier.Progress progress, long total) {
        this(target, sleeper, () -> concurrency, new CopyBudget(), sizer, checkpoint, progress, total);
    }

    /**
     * A pipeline sharing {@code budget} with the other readers of its copy; the budget asks
     * {@code concurrency} for the requests in flight only when a second one could start.
     */
    BulkPipeline(EsClient target, Sleeper sleeper, Supplier<Concurrency> concurrency, CopyBudget budget, PageSizer sizer,
            Consumer<String> checkpoint, DocumentCopier.Progress progress, long total) {
        this.target = target;
        this.sleeper = sleeper;
        this.concurrencySource = concurrency;
        this.budget = budget;
        this.sizer = sizer;
        this.checkpoint = checkpoint;
        this.progress = progress;
        this.total = total;
    }

    /**
     * The pages go into the index {@code index}, whose primary shards ({@code primaries}, asked at
     * most once, 0 when unknown) bound the requests in flight into it with an adaptive concurrency.
     */
    BulkPipeline writingInto(String index, IntSupplier primaries) {
        this.writeTarget = index;
        this.targetPrimaries = primaries;
        return this;
    }

    /**
     * Queues a page held under {@code permit} (waiting while this reader's pages or the copy's
     * requests in flight are at the limit) and commits every page already written. The permit is
     * the pipeline's from now on: given back when the page's bulk request ends, written or failed,
     * at once for an empty page (committed in turn without a request), and before this method
     * throws when the page was not sent.
     */
    void submit(Page page, CopyBudget.PagePermit permit, String cursor, long read, String index) {
        boolean sent = false;
        try {
            if (!pending.isEmpty()) {
                budget.concurrency(concurrencySource);
            }
            while (pending.size() >= budget.limit()) {
                commitHead();
            }
            commitFinished();
            Future<Integer> write;
            if (page.ids().isEmpty()) {
                write = CompletableFuture.completedFuture(0);
            } else {
                write = send(page, permit);
                sent = true;
            }
            pending.add(new Pending(write, cursor, read, index));
        } finally {
            if (!sent) {
                permit.close();
            }
        }
    }

    /**
     * Sends a page in a writer thread once the copy has a request slot free; the slot and the
     * page's permit are given back when the request ends.
     */
    private Future<Integer> send(Page page, CopyBudget.PagePermit permit) {
        String into = writeTarget;
        if (!opened) {
            budget.writerOpened(into);
            opened = true;
        }
        budget.acquireWrite(concurrencySource, into, targetPrimaries);
        try {
            return pool().submit(() -> {
                try {
                    return write(page);
                } finally {
                    budget.releaseWrite(into);
                    permit.close();
                }
            });
        } catch (RuntimeException | Error e) {
            budget.releaseWrite(into);
            throw e;
        }
    }

    /** Bulk requests the copy may have in flight now. */
    int limit() {
        return budget.limit();
    }

    /** Waits for every queued page and commits them in order. */
    void awaitAll() {
        while (!pending.isEmpty()) {
            commitHead();
        }
    }

    /**
     * Sends a page, resending it with exponential backoff while the cluster answers busy: a rejected
     * request or rejected items (indexing pressure, full write queue). Index operations are
     * idempotent, so resending the whole page is safe. Returns the number of busy answers.
     */
    private int write(Page page) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                sendAndCheck(page);
                return attempt - 1;
            } catch (UpgradeException e) {
                if (e.code() != ElasticsearchErrorCode.UNAVAILABLE || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpgradeException(UpgradeErrorCode.INTERRUPTED, "interrupted while backing off a bulk write", e);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /**
     * Sends a page and checks its answer, read only up to its {@code errors} flag when no item
     * failed, item by item ({@link DocumentCopier#checkBulk}) when some did.
     */
    private void sendAndCheck(Page page) {
        Optional<JsonNode> withErrors = target.readNdjson(BULK, page.body(), page.length(), BulkAnswer::withErrors);
        withErrors.ifPresent(answer -> DocumentCopier.checkBulk(target, answer, page.ids()));
    }

    private void commitFinished() {
        while (!pending.isEmpty() && pending.peekFirst().write().isDone()) {
            commitHead();
        }
    }

    private void commitHead() {
        Pending head = pending.peekFirst();
        int busyAnswers;
        try {
            busyAnswers = head.write().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED,
                    "interrupted while waiting for a bulk write; rerun to resume from the last written page", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("bulk write failed", e.getCause());
        } catch (CancellationException e) {
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED,
                    "a bulk write was cancelled; rerun to resume from the last written page", e);
        }
        pending.removeFirst();
        adapt(busyAnswers);
        checkpoint.accept(head.cursor());
        if (progress != null) {
            progress.update(head.read(), total, head.index());
        }
    }

    /** Fewer, smaller requests after a busy answer; slowly more again while the target keeps up. */
    private void adapt(int busyAnswers) {
        if (busyAnswers > 0) {
            sizer.rejected();
        } else {
            sizer.written();
        }
        budget.pageWritten(busyAnswers, concurrencySource);
    }

    private ExecutorService pool() {
        if (pool == null) {
            AtomicInteger n = new AtomicInteger();
            // threads on demand: never more than the requests in flight, which the limit bounds
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "es-bulk-" + target.name() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Stops the writers; writes still in flight after a failure finish (they are idempotent) or are
     * interrupted. The pipeline then no longer counts among the budget's open writers.
     */
    @Override
    public void close() {
        try {
            stopWriters();
        } finally {
            if (opened) {
                opened = false;
                budget.writerClosed(writeTarget);
            }
        }
    }

    private void stopWriters() {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
