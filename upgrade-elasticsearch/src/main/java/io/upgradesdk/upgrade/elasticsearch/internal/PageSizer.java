package io.upgradesdk.upgrade.elasticsearch.internal;

import java.util.function.IntSupplier;

/**
 * How many documents the next page of a copy reads (and its bulk request writes). Either a fixed
 * count the caller chose, or adaptive: the count that brings a bulk body to a target size in bytes,
 * learnt from the bytes of the pages already encoded, within 1..{@link #MAX_DOCUMENTS}. A page the
 * target rejected as busy (429, {@code es_rejected_execution_exception}) halves the target size
 * (down to {@link #MIN_TARGET_BYTES}); it grows back by a quarter after every
 * {@link #CLEAN_PAGES_TO_GROW} pages written without a rejection, up to the size first asked for.
 * When several slices of one copy read at the same time they share that size: each aims at the
 * target size divided by the number of slices reading (at least {@link #MIN_TARGET_BYTES}), so that
 * the bytes of the pages in memory do not grow with the number of slices.
 * Not thread-safe: used by the reading thread only.
 */
final class PageSizer {

    /** The largest page Elasticsearch serves without changing {@code index.max_result_window}. */
    static final int MAX_DOCUMENTS = 10_000;
    /** The smallest bulk target the adaptive size backs off to. */
    static final long MIN_TARGET_BYTES = 256L << 10;
    static final int CLEAN_PAGES_TO_GROW = 10;
    static final int UNLEARNT_BYTES_PER_DOCUMENT = 1024;
    private static final int MAX_BODY_CAPACITY = 64 << 20;

    private final boolean fixed;
    private final int maxDocuments;
    private final long maxTargetBytes;
    private final IntSupplier sharers;
    private long targetBytes;
    private int next;
    private double bytesPerDocument;
    private int cleanPages;

    private PageSizer(boolean fixed, int first, long targetBytes, int maxDocuments, IntSupplier sharers) {
        this.fixed = fixed;
        this.sharers = sharers;
        this.maxDocuments = maxDocuments;
        this.next = first;
        this.targetBytes = targetBytes;
        this.maxTargetBytes = targetBytes;
    }

    /** Always {@code documents} per page. */
    static PageSizer fixed(int documents) {
        return new PageSizer(true, documents, 0, documents, () -> 1);
    }

    /**
     * Pages of about {@code targetBytes} of bulk body each and at most {@code maxDocuments}
     * documents, the first one of {@code firstPage} documents.
     */
    static PageSizer adaptive(long targetBytes, int firstPage, int maxDocuments) {
        return adaptive(targetBytes, firstPage, maxDocuments, () -> 1);
    }

    /**
     * Like {@link #adaptive(long, int, int)} for one of {@code sharers.getAsInt()} slices reading at
     * the same time: each page aims at {@code targetBytes / sharers} (asked before every resize).
     */
    static PageSizer adaptive(long targetBytes, int firstPage, int maxDocuments, IntSupplier sharers) {
        int max = Math.max(1, Math.min(maxDocuments, MAX_DOCUMENTS));
        return new PageSizer(false, Math.max(1, Math.min(firstPage, max)), targetBytes, max, sharers);
    }

    /** Documents to ask for in the next page. */
    int next() {
        return next;
    }

    boolean isFixed() {
        return fixed;
    }

    /** Learns from an encoded page: {@code documents} written in a bulk body of {@code bytes}. */
    void encoded(int documents, long bytes) {
        if (documents == 0) {
            return;
        }
        double observed = (double) bytes / documents;
        bytesPerDocument = bytesPerDocument == 0 ? observed : 0.5 * bytesPerDocument + 0.5 * observed;
        if (!fixed) {
            resize();
        }
    }

    /**
     * The buffer to reserve for the bulk body of {@code documents}: the bytes per document learnt so
     * far with a tenth to spare, or {@value #UNLEARNT_BYTES_PER_DOCUMENT} bytes each before the first
     * page, so that encoding a page seldom grows (and copies) its buffer.
     */
    int bodyCapacity(int documents) {
        double perDocument = bytesPerDocument > 0 ? bytesPerDocument * 1.1 : UNLEARNT_BYTES_PER_DOCUMENT;
        return (int) Math.min(MAX_BODY_CAPACITY, 1024 + documents * perDocument);
    }

    /** The target answered busy to a page: smaller pages from now on. */
    void rejected() {
        if (fixed) {
            return;
        }
        cleanPages = 0;
        targetBytes = Math.max(MIN_TARGET_BYTES, targetBytes / 2);
        resize();
    }

    /** A page was written without a busy answer. */
    void written() {
        if (fixed || bytesPerDocument == 0 || targetBytes >= maxTargetBytes || ++cleanPages < CLEAN_PAGES_TO_GROW) {
            return;
        }
        cleanPages = 0;
        targetBytes = Math.min(maxTargetBytes, targetBytes + targetBytes / 4);
        resize();
    }

    /** The bulk body size the copy's pages aim at together (halved after rejections). */
    long targetBytes() {
        return targetBytes;
    }

    /** The bulk body size this reader's pages aim at: its share of {@link #targetBytes()}. */
    long shareBytes() {
        int readers = Math.max(1, sharers.getAsInt());
        return Math.max(Math.min(MIN_TARGET_BYTES, targetBytes), targetBytes / readers);
    }

    private void resize() {
        if (bytesPerDocument > 0) {
            next = (int) Math.max(1, Math.min(maxDocuments, shareBytes() / bytesPerDocument));
        } else {
            next = Math.max(1, next / 2);
        }
    }
}
