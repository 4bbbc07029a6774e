package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.function.Supplier;

/**
 * What one copy may use in this JVM, shared by all its slices (the threads copying them): the bulk
 * requests in flight to the target, and the bytes of the pages being read. Without it every slice
 * would keep its own requests in flight and its own pages, so that the target's concurrent bulks
 * and the client's live heap grew with the number of slices.
 *
 * <p>Requests in flight: one number for the whole copy, asked for once (see
 * {@link BulkPipeline.Concurrency}) when a second request could start while one is in flight, so a
 * copy of a single page never asks. A write holds its slot only while it is sent: the slot is
 * given back when the request ends, written or failed, never when its page is committed, so a
 * slice waiting for a slot cannot wait on a slice that failed or stopped. With an adaptive
 * concurrency, a page answered busy halves the number (down to one) and every
 * {@link PageSizer#CLEAN_PAGES_TO_GROW} pages written without a busy answer add one back.
 *
 * <p>Page bytes: the slices reading at the same time share the page size the copy aims at; each one
 * aims at that size divided by their number (see {@link #readers()}).
 *
 * <p>Thread-safe.
 */
public final class CopyBudget {

    private BulkPipeline.Concurrency concurrency;
    private int limit = 1;
    private int inFlight;
    private int cleanPages;
    private int readers;

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
     * Takes a slot for one bulk request, waiting while the copy's requests in flight are at the
     * limit; asks for the concurrency when another request is already in flight. Interrupting the
     * waiting thread (e.g. a stopped run) ends the wait with {@link UpgradeErrorCode#INTERRUPTED}.
     */
    synchronized void acquireWrite(Supplier<BulkPipeline.Concurrency> ask) {
        if (inFlight > 0) {
            concurrency(ask);
        }
        try {
            while (inFlight >= limit) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED,
                    "interrupted while waiting to send a bulk write; rerun to resume from the last written page", e);
        }
        inFlight++;
    }

    /** Gives back the slot of a bulk request that ended, written or failed. */
    synchronized void releaseWrite() {
        if (inFlight <= 0) {
            throw new IllegalStateException("a bulk slot was given back twice");
        }
        inFlight--;
        notifyAll();
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
     * A reader (a copy or one of its slices) starts reading pages: until the returned handle is
     * closed (once the reader has read its last page, failed or stopped) it shares the page bytes.
     */
    synchronized Reading startReading() {
        readers++;
        return new Reading();
    }

    private synchronized void stopReading() {
        readers--;
    }

    /** One reader's share of the page bytes; closing it more than once gives the share back once. */
    final class Reading implements AutoCloseable {
        private boolean closed;

        private Reading() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                stopReading();
            }
        }
    }

    /** The slices of the copy reading now, at least 1: the page bytes are divided by it. */
    synchronized int readers() {
        return Math.max(1, readers);
    }
}
