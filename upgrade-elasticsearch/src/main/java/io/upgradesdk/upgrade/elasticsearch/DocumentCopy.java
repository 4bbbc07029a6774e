package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.internal.CopyBudget;
import io.upgradesdk.upgrade.elasticsearch.internal.DocumentCopier;
import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import io.upgradesdk.upgrade.elasticsearch.internal.EsDocument;
import io.upgradesdk.upgrade.PartitionContext;
import io.upgradesdk.upgrade.PartitionedStepBuilder;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Copies the documents of an index (or pattern) from one cluster into an index of another (or the
 * same) cluster, changing each one on the way, page by page with bounded memory, resumable from a
 * {@link CopyCursor}. Works from 5.6 sources (with mapping types) to 8.x targets.
 *
 * <pre>{@code
 * DocumentCopy copy = DocumentCopy.from(v7, "orders")
 *     .to(v8, "orders-v2")
 *     .transform(doc -> doc.source().has("deleted") ? null                    // drop
 *             : doc.withId("order-" + doc.id()))                              // rename
 *     .pageSize(2000)
 *     .onCursor(cursor -> ctx.saveCursor(cursor.value()))                     // resume point
 *     .onPage(p -> ctx.progress(p.read(), p.total(), p.index()))
 *     .build();
 * DocumentCopy.Result result = copy.run(ctx.cursor().map(CopyCursor::of).orElse(null));
 * }</pre>
 *
 * <p>Reading pages on {@code _uid} (5.x) or {@code _id} (6.x) with {@code search_after}, shard by
 * shard on {@code _seq_no} (7.x, without the deprecation warning sorting on {@code _id} logs there),
 * or with a scroll on 8.x (a resumed copy whose scroll expired reads that index again: writes are
 * idempotent index operations). Without {@link Builder#pageSize} pages are sized by bytes: as many
 * documents as make a bulk body of about 8 MB (learnt from the pages already read, at most 10,000),
 * smaller after the target answered busy. Writing: each page is one bulk request whose every item is
 * checked (a rejected document fails the copy, busy rejections are resent with backoff); several
 * requests are in flight while the next page is read ({@link Builder#writeConcurrency}, by default
 * as many as the target's data nodes have processors, 2 to 8, halved after a busy answer, and at
 * most as many into the target index as it has primary shards). Callbacks run
 * on the thread that called {@link #run}, in page order, once a page and every page before it are
 * written.
 *
 * <p>One budget per copy: the slices of a copy (see {@link Builder#slices}) that run at the same time
 * in this JVM, through {@link #runSlice} or the workers of {@link #partitionedStep}, share its bulk
 * requests in flight (the number above, for the whole copy, not per slice) and its pages in memory:
 * every slice reads pages of the full size (about 8 MB), and the copy holds at most one page more
 * than its requests in flight (a slice waits for its turn to read), so that neither the target's
 * concurrent bulks nor the client's memory grow with the number of slices. Other processes joining
 * the copy have budgets of their own. Copies to one target running at the same time can share one
 * budget too: {@link Builder#sharingBudgetOf}.
 *
 * <p>Immutable configuration, reusable and thread-safe; build with {@link #from}.
 */
public final class DocumentCopy {

    /** Source documents looked at to bound the bytes of a page ({@link Builder#maxPageBytes}). */
    private static final int BYTE_BOUND_SAMPLE = 50;
    /** Partition ids of a sliced copy: {@code slice-0}, {@code slice-1}, ... */
    private static final String SLICE_PREFIX = "slice-";
    /** The most slices of one copy. */
    private static final int MAX_SLICES = 128;

    /** Progress after a written page. */
    public record Progress(String index, long read, long total) {
    }

    /**
     * What a copy did, counting the work done before a resume too: documents read, written,
     * and dropped by the transform; {@code cursor} resumes nowhere (the copy is complete).
     */
    public record Result(long read, long written, long dropped, CopyCursor cursor) {
    }

    private final ElasticsearchConnection source;
    private final String sourceIndex;
    private final ElasticsearchConnection target;
    private final String targetIndex;
    private final String targetType;
    private final ObjectNode query;
    private final UnaryOperator<ElasticsearchDocument> transform;
    private final int pageSize;
    private final long maxPageBytes;
    private final int writeConcurrency;
    private final boolean refreshAtEnd;
    private final Consumer<Progress> onPage;
    private final Consumer<CopyCursor> onCursor;
    private final int slices;
    /** Bulk requests in flight and pages held, shared by the slices of this copy running in this JVM. */
    private final CopyBudget budget;

    private DocumentCopy(Builder b) {
        this.source = b.source;
        this.sourceIndex = b.sourceIndex;
        this.target = b.target;
        this.targetIndex = b.targetIndex;
        this.budget = b.budgetOf != null ? b.budgetOf.budget : new CopyBudget();
        this.targetType = b.targetType;
        this.query = b.query.deepCopy();
        this.transform = b.transform;
        this.pageSize = b.pageSize == null ? 0 : b.pageSize;
        this.maxPageBytes = b.maxPageBytes;
        this.writeConcurrency = b.writeConcurrency == null ? 0 : b.writeConcurrency;
        this.refreshAtEnd = b.refreshAtEnd;
        this.onPage = b.onPage;
        this.onCursor = b.onCursor;
        this.slices = b.slices;
    }

    /** A copy reading {@code sourceIndex} (a name, a pattern such as {@code logs-*}, or a comma list) of {@code source}. */
    public static Builder from(ElasticsearchConnection source, String sourceIndex) {
        return new Builder(source, sourceIndex);
    }

    /**
     * Copies every document after {@code resumeFrom} (null: from the start) and returns the
     * counters. Fails with an {@link UpgradeException} on the first page that cannot be written;
     * the last cursor handed to {@link Builder#onCursor} then resumes at that page.
     */
    public Result run(CopyCursor resumeFrom) {
        CopyCursor[] last = {resumeFrom};
        Consumer<String> checkpoint = text -> {
            CopyCursor cursor = CopyCursor.of(text);
            last[0] = cursor;
            if (onCursor != null) {
                onCursor.accept(cursor);
            }
        };
        DocumentCopier.Progress progress = onPage == null ? null
                : (read, total, index) -> onPage.accept(new Progress(index, read, total));
        DocumentCopier.Result r = copier().copy(resumeFrom == null ? null : resumeFrom.value(), checkpoint, progress);
        return new Result(r.read(), r.written(), r.skipped(), last[0]);
    }

    /**
     * Copies one slice of the source index ({@code 0..slices-1}, see {@link Builder#slices}) after
     * {@code resumeFrom} (null: from the start of the slice); the counters are the slice's own.
     * The callbacks get the slice's cursor and progress. Slices of one copy may run at the same
     * time, in threads or processes: they read disjoint shards and write disjoint documents.
     */
    public Result runSlice(int slice, CopyCursor resumeFrom) {
        CopyCursor[] last = {resumeFrom};
        Consumer<String> checkpoint = text -> {
            CopyCursor cursor = CopyCursor.of(text);
            last[0] = cursor;
            if (onCursor != null) {
                onCursor.accept(cursor);
            }
        };
        DocumentCopier.Progress progress = onPage == null ? null
                : (read, total, index) -> onPage.accept(new Progress(index, read, total));
        DocumentCopier.Result r = copier().copySlice(slice, slices, resumeFrom == null ? null : resumeFrom.value(),
                checkpoint, progress);
        return new Result(r.read(), r.written(), r.skipped(), last[0]);
    }

    /**
     * A partitioned step running this copy in {@link Builder#slices} partitions {@code slice-0} ..
     * {@code slice-<n-1>}, each with its own cursor, claimed by the step's workers (threads of the
     * run, or other processes and hosts that {@code join} the plan on the same store). Each partition
     * saves its cursor after every written page and reports its progress through its
     * {@link PartitionContext}; this copy's own {@link Builder#onCursor} and {@link Builder#onPage}
     * are not called. When the step starts, it fails if the source index has fewer primary shards
     * than slices. Set further options (workers, retries) on the returned builder.
     *
     * <pre>{@code
     * PartitionedStep step = DocumentCopy.from(v5, "users").to(v7, "users").slices(4).build()
     *     .partitionedStep("copy-users").workers(2).build();
     * }</pre>
     */
    public PartitionedStepBuilder partitionedStep(String stepId) {
        return UpgradeStep.partitioned(stepId)
                .partitions(this::partitionIds)
                .execute(this::runPartition);
    }

    private List<String> partitionIds(StepContext context) {
        DocumentCopier.requireSlicesWithinShards(sourceIndex, slices, copier().sourceShards(sourceIndex));
        List<String> ids = new ArrayList<>(slices);
        for (int i = 0; i < slices; i++) {
            ids.add(SLICE_PREFIX + i);
        }
        return ids;
    }

    private void runPartition(PartitionContext part) {
        String id = part.partitionId();
        int slice;
        try {
            slice = Integer.parseInt(id.substring(SLICE_PREFIX.length()));
        } catch (RuntimeException e) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, "partition '" + id
                    + "' is not a slice of this copy (slice-0..slice-" + (slices - 1) + "); roll the step back to"
                    + " recompute its partitions");
        }
        DocumentCopier.Progress progress = (read, total, index) -> part.progress(read, total, index + " " + id);
        copier().copySlice(slice, slices, part.cursor().orElse(null), part::saveCursor, progress);
    }

    private EsDocument apply(EsDocument read) {
        ElasticsearchDocument placed = new ElasticsearchDocument(targetIndex, targetType, read.id(), read.source());
        ElasticsearchDocument out = transform.apply(placed);
        return out == null ? null : new EsDocument(out.index(), out.type(), out.id(), out.source());
    }

    private DocumentCopier copier() {
        DocumentCopier.Builder b = DocumentCopier.builder(source.client(), target.client())
                .sourceIndex(sourceIndex)
                .query(query)
                .refresh(refreshAtEnd)
                .transform(this::apply)
                .writingInto(targetIndex)
                .budget(budget);
        if (pageSize > 0) {
            b.batchSize(effectivePageSize(pageSize));
        } else if (maxPageBytes > 0) {
            b.maxBatchSize(effectivePageSize(10_000));
        }
        if (writeConcurrency > 0) {
            b.writeConcurrency(writeConcurrency);
        }
        return b.build();
    }

    /**
     * {@code documents}, lowered so that a page of the largest of the first source documents stays
     * under {@link #maxPageBytes} (bounded memory with large documents).
     */
    int effectivePageSize(int documents) {
        if (maxPageBytes == 0) {
            return documents;
        }
        ObjectNode body = EsClient.json().createObjectNode();
        body.put("size", BYTE_BOUND_SAMPLE);
        body.set("query", query);
        JsonNode hits = source.send("POST", "/" + ElasticsearchConnection.encode(sourceIndex)
                + "/_search?ignore_unavailable=true&allow_no_indices=true&filter_path=hits.hits._source", body)
                .path("hits").path("hits");
        long largest = 1;
        for (JsonNode hit : hits) {
            largest = Math.max(largest, hit.path("_source").toString().length());
        }
        return (int) Math.min(documents, Math.max(1, maxPageBytes / largest));
    }

    /** Builder of {@link DocumentCopy}: every option is checked by {@link #build()}. */
    public static final class Builder {
        private final ElasticsearchConnection source;
        private final String sourceIndex;
        private ElasticsearchConnection target;
        private String targetIndex;
        private String targetType;
        private ObjectNode query = EsClient.json().createObjectNode().set("match_all", EsClient.json().createObjectNode());
        private UnaryOperator<ElasticsearchDocument> transform = UnaryOperator.identity();
        private Integer pageSize;
        private long maxPageBytes;
        private Integer writeConcurrency;
        private boolean refreshAtEnd = true;
        private Consumer<Progress> onPage;
        private Consumer<CopyCursor> onCursor;
        private int slices = 1;
        private DocumentCopy budgetOf;

        private Builder(ElasticsearchConnection source, String sourceIndex) {
            this.source = requireNonNull(source, "source");
            this.sourceIndex = requireNonNull(sourceIndex, "sourceIndex");
        }

        /** Where documents go: {@code targetIndex} of {@code target} (may be the source connection). Required. */
        public Builder to(ElasticsearchConnection target, String targetIndex) {
            this.target = requireNonNull(target, "target");
            this.targetIndex = requireNonNull(targetIndex, "targetIndex");
            return this;
        }

        /**
         * The mapping type documents get on a 5.x/6.x target (default none: {@code _doc} there);
         * ignored by 7.x and later targets.
         */
        public Builder targetType(String type) {
            this.targetType = requireNonNull(type, "type");
            return this;
        }

        /** Only the documents matching this query (the object under {@code "query"}; default {@code match_all}). */
        public Builder query(ObjectNode query) {
            this.query = requireNonNull(query, "query").deepCopy();
            return this;
        }

        /**
         * Changes each document before it is written, or drops it by returning null. The transform
         * receives the document placed in the target (target index and type, source id and
         * source) and what it returns is written as it is: it may change the id, the source, or
         * even the index. Runs on the thread that called {@link DocumentCopy#run}.
         */
        public Builder transform(UnaryOperator<ElasticsearchDocument> transform) {
            this.transform = requireNonNull(transform, "transform");
            return this;
        }

        /**
         * A fixed number of documents per page, 1..10000: one search and one bulk request each.
         * Default: pages sized by bytes (about 8 MB of bulk body, see the class comment).
         */
        public Builder pageSize(int documents) {
            this.pageSize = documents;
            return this;
        }

        /**
         * An upper bound of the source bytes of a page, at least 1 MB (default none): the page size
         * is lowered so that a page of the largest of the first 50 source documents stays under it.
         */
        public Builder maxPageBytes(long bytes) {
            this.maxPageBytes = bytes;
            return this;
        }

        /**
         * A fixed number of bulk requests in flight, 1..16, for the whole copy: its slices running in
         * this JVM share them (default: as many as the target's data nodes have processors, 2 to 8,
         * halved while it answers busy, and no more into the target index than it has primary
         * shards: a second bulk into a one-shard index costs its node CPU without adding speed).
         * The next page is read while earlier ones are written. Memory grows with it: about
         * {@code concurrency + 1} pages.
         */
        public Builder writeConcurrency(int requests) {
            this.writeConcurrency = requests;
            return this;
        }

        /**
         * This copy's bulk requests in flight and pages held come out of {@code other}'s budget
         * (default: a budget of its own): for copies to the same target cluster (through the same
         * connection or not) that run at the same time,
         * e.g. several indices copied at once, or one copy built per slice because each slice has
         * its own callbacks, so that the target sees the requests in flight of one copy, not of each.
         * The number of requests is the one the first writing copy asks for (its
         * {@link #writeConcurrency}, or the target's processors).
         */
        public Builder sharingBudgetOf(DocumentCopy other) {
            this.budgetOf = requireNonNull(other, "other");
            return this;
        }

        /**
         * Whether the target index (and any other index the transform wrote into) is refreshed at
         * the end so that the copy is searchable (default true); no other index of the target is.
         * A sliced copy refreshes once, when the last of its slices running in this JVM ends.
         */
        public Builder refreshAtEnd(boolean refresh) {
            this.refreshAtEnd = refresh;
            return this;
        }

        /** Called after each written page, e.g. to report progress; adds a count request per source index. */
        public Builder onPage(Consumer<Progress> callback) {
            this.onPage = requireNonNull(callback, "callback");
            return this;
        }

        /** Called with the cursor after each written page and once at the end: save it to resume. */
        public Builder onCursor(Consumer<CopyCursor> callback) {
            this.onCursor = requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Splits the copy into {@code n} slices (1..128, default 1) for {@link DocumentCopy#runSlice}
         * and {@link DocumentCopy#partitionedStep}: slice {@code k} reads the source shards
         * {@code s} with {@code s % n == k}, as Elasticsearch's sliced scroll does when there are no
         * more slices than shards, but shard by shard with {@code search_after} on a key unique
         * within a shard ({@code _uid} on 5.x, {@code _id} on 6.x, {@code _seq_no} on 7.x and
         * later), so that a slice resumes exactly at its cursor after a crash (a scroll cannot be
         * resumed). Needs a single source index with at least {@code n} primary shards.
         * {@link DocumentCopy#run} ignores it.
         */
        public Builder slices(int n) {
            this.slices = n;
            return this;
        }

        /** The copy; fails with {@link ElasticsearchErrorCode#INVALID_CONFIGURATION} naming the wrong option. */
        public DocumentCopy build() {
            if (target == null) {
                throw invalid("no target given; call to(connection, \"target-index\")");
            }
            if (pageSize != null && (pageSize < 1 || pageSize > 10_000)) {
                throw invalid("pageSize must be within 1..10000, was " + pageSize);
            }
            if (maxPageBytes != 0 && maxPageBytes < (1 << 20)) {
                throw invalid("maxPageBytes must be at least 1 MB (1048576), was " + maxPageBytes);
            }
            if (writeConcurrency != null && (writeConcurrency < 1 || writeConcurrency > 16)) {
                throw invalid("writeConcurrency must be within 1..16, was " + writeConcurrency);
            }
            if (slices < 1 || slices > MAX_SLICES) {
                throw invalid("slices must be within 1.." + MAX_SLICES + ", was " + slices);
            }
            if (slices > 1 && (sourceIndex.contains("*") || sourceIndex.contains(","))) {
                throw invalid("a copy in slices reads one index, not '" + sourceIndex
                        + "'; build one sliced copy per index");
            }
            return new DocumentCopy(this);
        }

        private static UpgradeException invalid(String message) {
            return new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}
