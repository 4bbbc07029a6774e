package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What one copy may use in this JVM, shared by all its slices (the threads copying them): the bulk
 * requests in flight to the target, and the pages held in memory. Without it every slice would keep
 * its own requests in flight and its own pages, so that the target's concurrent bulks and the
 * client's live heap grew with the number of slices.
 *
 * <p>Requests in flight: one number for the whole copy, asked for once (see
 * {@link BulkPipeline.Concurrency}) when a second request could start while one is in flight, so a
 * copy of a single page never asks. A write holds its slot only while it is sent: the slot is
 * given back when the request ends, written or failed, never when its page is committed, so a
 * slice waiting for a slot cannot wait on a slice that failed or stopped. With an adaptive
 * concurrency, a page answered busy halves the number (down to one) and every
 * {@link PageSizer#CLEAN_PAGES_TO_GROW} pages written without a busy answer add one back.
 *
 * <p>Pages: every slice reads pages of the full size its {@link PageSizer} aims at (pages are not
 * divided among the slices: smaller pages would cost the target and the client more work per
 * document); what is bounded is how many pages the copy holds at once. A reader takes a
 * {@link PagePermit} before it asks the source for a page and the permit is given back when that
 * page's bulk write ends (written or failed), or at once when the page is empty or the reader fails
 * before sending it. The copy has {@link #pagePermits()} permits, one per request that can be in
 * flight plus one, so that reading a page overlaps writing the others; a reader without a permit
 * waits, and interrupting it ends the wait with {@link UpgradeErrorCode#INTERRUPTED}.
 *
 * <p>Requests per target index: with an adaptive concurrency, a target index has at most as many
 * requests in flight as it has primary shards (each shard-level bulk takes one write thread; a
 * second bulk into a one-shard index only makes two threads contend on its one shard), while
 * copies into several indices share the copy's limit. The page permits follow that bound: while
 * every open writer of the copy writes into an index whose primaries are known, the requests that
 * can be in flight are the sum of those indices' bounds (within the limit), so a copy into one
 * one-shard index holds 2 pages (1 written, 1 read), not one more per request it cannot send.
 *
 * <p>Slices running: the budget counts the slices of each copy (keyed by its target index) running
 * in this JVM, so that only the last one to end refreshes what they wrote, once per copy instead of
 * once per slice.
 *
 * <p>Page sizes learnt: the bytes per document a reader learnt from the pages of a source index it
 * encoded are kept per index, so that a slice starting later on the same index sizes its first page
 * from them instead of starting small (with 8 slices, 8 small first pages were 8 extra rounds of
 * small bulks on the target). Kept per index, since copies of different indices may share a budget.
 *
 * <p>Thread-safe.
 */
public final class CopyBudget {

    private BulkPipeline.Concurrency concurrency;
    private int limit = 1;
    private int inFlight;
    private int cleanPages;
    private int pagesHeld;
    private final Map<String, Double> bytesPerDocument = new HashMap<>();
    private final Map<String, Integer> inFlightByTarget = new HashMap<>();
    private final Map<String, Integer> primariesByTarget = new HashMap<>();
    /** Writers (pipelines that sent a page and are not closed yet) per target index. */
    private final Map<String, Integer> openWritersByTarget = new HashMap<>();
    /** Open writers whose documents may go into any index: no bound per index applies to them. */
    private int openUntargetedWriters;
    /** Slices running in this JVM, and the target indices they wrote into, per copy key (its target index). */
    private final Map<String, Integer> slicesRunning = new HashMap<>();
    private final Map<String, Set<String>> writtenBySlices = new HashMap<>();

    /** A budget for one copy; nothing is asked of the target until two writes could be in flight. */
    public CopyBudget() {
    }

    /** The concurrency of the copy, asked of {@code ask} on first use. */
    synchronized BulkPipeline.Concurrency concurrency(Supplier<BulkPipeline.Concurrency> ask) {
        if (concurrency == null) {
            concurrency = ask.get();
            limit = concurrency.initial();
            notifyAll();
        }
        return concurrency;
    }

    /** Bulk requests the copy may have in flight now: 1 until the concurrency is asked. */
    synchronized int limit() {
        return limit;
    }

    /** Bulk requests of the copy in flight now. */
    synchronized int inFlight() {
        return inFlight;
    }

    /**
     * Takes a slot for one bulk request into the index {@code target} (null: documents into any
     * index), waiting while the copy's requests in flight are at the limit; asks for the concurrency
     * when another request is already in flight. With an adaptive concurrency, it also waits while
     * {@code target} has as many requests in flight as primary shards (two bulks into one shard buy
     * no speed and cost the target's CPU: upgrade-kuzzle's benchmark measured 13 % more per
     * document). {@code primaries} is asked once per target, when a second request into it could
     * start; 0 (unknown) means no bound. A fixed concurrency, or a null {@code target}, is not
     * bounded per index. Interrupting the waiting thread (e.g. a stopped run) ends the wait with
     * {@link UpgradeErrorCode#INTERRUPTED}.
     */
    synchronized void acquireWrite(Supplier<BulkPipeline.Concurrency> ask, String target, IntSupplier primaries) {
        if (inFlight > 0) {
            concurrency(ask);
        }
        awaitWhile(() -> inFlight >= limit || atPrimariesBound(target, primaries), "send a bulk write");
        inFlight++;
        if (target != null) {
            inFlightByTarget.merge(target, 1, Integer::sum);
        }
    }

    private boolean atPrimariesBound(String target, IntSupplier primaries) {
        if (target == null || primaries == null || concurrency == null || !concurrency.adaptive()) {
            return false;
        }
        int writing = inFlightByTarget.getOrDefault(target, 0);
        if (writing == 0) {
            return false;
        }
        int bound = primariesByTarget.computeIfAbsent(target, t -> primaries.getAsInt());
        return bound > 0 && writing >= bound;
    }

    /** Gives back the slot of a bulk request into {@code target} (or null) that ended, written or failed. */
    synchronized void releaseWrite(String target) {
        if (inFlight <= 0) {
            throw new IllegalStateException("a bulk slot was given back twice");
        }
        inFlight--;
        if (target != null) {
            countDown(inFlightByTarget, target);
        }
        notifyAll();
    }

    /** Bulk requests into {@code target} in flight now. */
    synchronized int inFlight(String target) {
        return inFlightByTarget.getOrDefault(target, 0);
    }

    /**
     * Adapts the requests in flight to a written page: halved after {@code busyAnswers}, one more
     * after enough clean pages, within 1..the maximum; a fixed concurrency stays as it is.
     */
    synchronized void pageWritten(int busyAnswers, Supplier<BulkPipeline.Concurrency> ask) {
        if (busyAnswers > 0) {
            cleanPages = 0;
            if (concurrency(ask).adaptive()) {
                limit = Math.max(1, limit / 2);
            }
            return;
        }
        boolean mayGrow = concurrency != null && concurrency.adaptive() && limit < concurrency.max();
        if (mayGrow && ++cleanPages >= PageSizer.CLEAN_PAGES_TO_GROW) {
            cleanPages = 0;
            limit++;
            notifyAll();
        }
    }

    /**
     * A writer of the copy into {@code target} (null: documents into any index) sent its first page;
     * until it is {@link #writerClosed closed}, its target counts in {@link #writeCapacity()}.
     */
    synchronized void writerOpened(String target) {
        if (target == null) {
            openUntargetedWriters++;
        } else {
            openWritersByTarget.merge(target, 1, Integer::sum);
        }
    }

    /** A writer {@link #writerOpened opened} into {@code target} is closed. */
    synchronized void writerClosed(String target) {
        if (target == null) {
            openUntargetedWriters = Math.max(0, openUntargetedWriters - 1);
        } else {
            countDown(openWritersByTarget, target);
        }
        notifyAll();
    }

    /**
     * Bulk requests the copy can have in flight now: the limit, or less when every open writer
     * writes into an index whose primary shards bound its requests (the sum of those bounds).
     */
    synchronized int writeCapacity() {
        if (concurrency == null || !concurrency.adaptive() || openUntargetedWriters > 0
                || openWritersByTarget.isEmpty()) {
            return limit;
        }
        int capacity = 0;
        for (String target : openWritersByTarget.keySet()) {
            Integer bound = primariesByTarget.get(target);
            if (bound == null || bound <= 0) {
                return limit;
            }
            capacity += bound;
            if (capacity >= limit) {
                return limit;
            }
        }
        return capacity;
    }

    /** A slice of a copy keyed {@code key} (its target index) starts in this JVM. */
    synchronized void sliceStarted(String key) {
        slicesRunning.merge(key, 1, Integer::sum);
    }

    /**
     * A slice of the copy keyed {@code key} ended (written, failed or stopped) after writing into
     * {@code targets}: returns every target the slices of that key wrote into when it was the last
     * of them running in this JVM (the one to refresh them), else an empty set.
     */
    synchronized Set<String> sliceEnded(String key, Set<String> targets) {
        Set<String> written = writtenBySlices.computeIfAbsent(key, k -> new TreeSet<>());
        written.addAll(targets);
        if (countDown(slicesRunning, key) > 0) {
            return Set.of();
        }
        return writtenBySlices.remove(key);
    }

    /** One less of {@code key} in {@code counts} (a key counted down to 0 is removed); returns what is left. */
    private static int countDown(Map<String, Integer> counts, String key) {
        Integer left = counts.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
        return left == null ? 0 : left;
    }

    /** Keeps what a reader learnt of {@code index}: {@code bytes} of bulk body per document (ignored unless positive). */
    synchronized void learnt(String index, double bytes) {
        if (bytes > 0) {
            bytesPerDocument.put(index, bytes);
        }
    }

    /** The bulk body bytes per document of {@code index} a reader of this copy learnt, or 0 when none has yet. */
    synchronized double bytesPerDocument(String index) {
        return bytesPerDocument.getOrDefault(index, 0.0);
    }

    /** Pages the copy may hold at once: one per bulk request it can have in flight, plus the one being read. */
    synchronized int pagePermits() {
        return writeCapacity() + 1;
    }

    /** Pages the copy holds now: being read, waiting for a write slot or being written. */
    synchronized int pagesHeld() {
        return pagesHeld;
    }

    /**
     * Takes the permit to read one page, waiting while the copy holds {@link #pagePermits()} pages.
     * The caller gives it back by closing it, or hands it over to the page's bulk write
     * ({@link PagePermit#handOver()}), which closes it when the request ends. Interrupting the
     * waiting thread (e.g. a stopped run) ends the wait with {@link UpgradeErrorCode#INTERRUPTED}.
     */
    synchronized PagePermit acquirePage() {
        awaitWhile(() -> pagesHeld >= pagePermits(), "read a page");
        pagesHeld++;
        return new PagePermit();
    }

    /**
     * Waits (on this budget, whose lock the caller holds) while {@code full} holds; interrupting the
     * waiting thread ends the wait with {@link UpgradeErrorCode#INTERRUPTED}, naming what it waited
     * {@code to} do.
     */
    private void awaitWhile(BooleanSupplier full, String to) {
        try {
            while (full.getAsBoolean()) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED,
                    "interrupted while waiting to " + to + "; rerun to resume from the last written page", e);
        }
    }

    private synchronized void releasePage() {
        if (pagesHeld <= 0) {
            throw new IllegalStateException("a page permit was given back twice");
        }
        pagesHeld--;
        notifyAll();
    }

    /**
     * The right to hold one page of the copy in memory. Closing it gives it back; closing it again,
     * or closing it after it was handed over, does nothing. Thread-safe: a writer thread may close it.
     */
    final class PagePermit implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        private PagePermit() {
        }

        /**
         * Moves the permit to a new holder (the page's bulk write), so that this one's
         * {@code close()}, e.g. at the end of the reader's try-with-resources, no longer gives it back.
         */
        PagePermit handOver() {
            if (!held.getAndSet(false)) {
                throw new IllegalStateException("a page permit was handed over after it was given back");
            }
            return new PagePermit();
        }

        @Override
        public void close() {
            if (held.getAndSet(false)) {
                releasePage();
            }
        }
    }
}
