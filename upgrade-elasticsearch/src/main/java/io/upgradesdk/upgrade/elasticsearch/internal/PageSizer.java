package io.upgradesdk.upgrade.elasticsearch.internal;

/**
 * How many documents the next page of a copy reads (and its bulk request writes). Either a fixed
 * count the caller chose, or adaptive: the count that brings a bulk body to a target size in bytes,
 * learnt from the bytes of the pages already encoded, within 1..{@link #MAX_DOCUMENTS}. A page the
 * target rejected as busy (429, {@code es_rejected_execution_exception}) halves the target size
 * (down to {@link #MIN_TARGET_BYTES}); it grows back by a quarter after every
 * {@link #CLEAN_PAGES_TO_GROW} pages written without a rejection, up to the size first asked for.
 * Each slice of a copy has a sizer of its own and aims at the whole target size whatever the number of
 * slices reading: the pages are not divided among them (a page half the size costs the client and the
 * target twice the requests and per-request work); the {@link CopyBudget} bounds instead how many
 * pages the slices of a copy hold at once.
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
    private long targetBytes;
    private int next;
    private double bytesPerDocument;
    private int cleanPages;

    private PageSizer(boolean fixed, int first, long targetBytes, int maxDocuments) {
        this.fixed = fixed;
        this.maxDocuments = maxDocuments;
        this.next = first;
        this.targetBytes = targetBytes;
        this.maxTargetBytes = targetBytes;
    }

    /** Always {@code documents} per page. */
    static PageSizer fixed(int documents) {
        return new PageSizer(true, documents, 0, documents);
    }

    /**
     * Pages of about {@code targetBytes} of bulk body each and at most {@code maxDocuments}
     * documents, the first one of {@code firstPage} documents.
     */
    static PageSizer adaptive(long targetBytes, int firstPage, int maxDocuments) {
        int max = Math.max(1, Math.min(maxDocuments, MAX_DOCUMENTS));
        return new PageSizer(false, Math.max(1, Math.min(firstPage, max)), targetBytes, max);
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

    /** The bulk body bytes per document learnt so far, or 0 before the first encoded page. */
    double bytesPerDocument() {
        return bytesPerDocument;
    }

    /**
     * Before its first page, an adaptive sizer may start from what another reader of the same index
     * learnt ({@code bytes} per document, ignored unless positive): its first page then has the
     * learnt size instead of the small first page. A fixed sizer, or one that learnt already, is
     * unchanged.
     */
    void startFrom(double bytes) {
        if (fixed || bytesPerDocument > 0 || bytes <= 0) {
            return;
        }
        bytesPerDocument = bytes;
        resize();
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

    /** The bulk body size this reader's pages aim at (halved after rejections). */
    long targetBytes() {
        return targetBytes;
    }

    private void resize() {
        if (bytesPerDocument > 0) {
            next = (int) Math.max(1, Math.min(maxDocuments, targetBytes / bytesPerDocument));
        } else {
            next = Math.max(1, next / 2);
        }
    }
}
