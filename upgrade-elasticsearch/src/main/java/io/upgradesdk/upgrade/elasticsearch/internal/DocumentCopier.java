package io.upgradesdk.upgrade.elasticsearch.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Copies documents from indices of one cluster to another (or the same) with bulk requests, one
 * page at a time (bounded memory), resumable from a cursor.
 *
 * <p>Reading: indices matching the source pattern are copied one after the other (sorted by name).
 * Within an index, pages are read with {@code search_after} on {@code _uid} (5.x) or {@code _id}
 * (6.x), shard by shard on {@code _seq_no} (7.x: sorting on {@code _id} there loads its fielddata
 * and logs a deprecation warning per page), or on {@link Builder#sortField} when given; on 8.x
 * without a sort field a scroll is used (a resumed copy whose scroll expired restarts that index:
 * writes are idempotent index operations). Documents keep their mapping type on 5.x/6.x sources
 * ({@link EsDocument#type()}).
 *
 * <p>Page size: a fixed number of documents ({@link Builder#batchSize}), or by default adaptive: the
 * number of documents that makes a bulk body of about {@link Builder#targetPageBytes} (8 MB),
 * learnt from the pages already encoded, halved after a busy answer (see {@link PageSizer}).
 *
 * <p>Writing: the {@link DocumentTransform} maps each document to its target (index, type, id,
 * source) or drops it; a bulk answer is read up to its {@code errors} flag, and when some items
 * failed checked item by item (rejections are transient, other item errors permanent, their
 * messages stripped of document values; see {@link BulkAnswer}); a page the cluster rejects as
 * busy is resent with backoff (up to 8 attempts). Several bulk requests are in flight while the next
 * page is read: {@link Builder#writeConcurrency} when given, otherwise as many as the target's data
 * nodes have processors (2..8), halved after a busy answer. That number and the pages held at once
 * (one more than it: a permit is taken before a page is read and given back when its bulk request
 * ends) are a {@link CopyBudget} of the copier (or the one given to {@link Builder#budget}), shared
 * by every copy and slice it runs at the same time; every slice reads pages of the full size. After
 * each page the cursor (a small JSON text) is handed to the checkpoint callback, in page order and
 * only once every earlier page is written; it never contains document data.
 */
public final class DocumentCopier {

    /** Maps a source document to the document to write, or null to skip it. */
    @FunctionalInterface
    public interface DocumentTransform {
        EsDocument apply(EsDocument source);
    }

    /** Counters of a copy (including work done before a resume). */
    public record Result(long read, long written, long skipped) {
    }

    /** Progress callback. */
    @FunctionalInterface
    public interface Progress {
        void update(long read, long total, String index);
    }

    private static final ObjectMapper JSON = EsClient.json();

    private final EsClient source;
    private final EsClient target;
    private final String sourcePattern;
    private final JsonNode query;
    /** Bulk body size adaptive pages aim at. */
    public static final long DEFAULT_TARGET_PAGE_BYTES = 8L << 20;
    /** Documents in the first adaptive page, before any page's bytes are known. */
    static final int FIRST_ADAPTIVE_PAGE = 1000;
    /** Characters of index names per refresh request (Elasticsearch's request line limit is 4 KB). */
    private static final int REFRESH_NAMES_PER_REQUEST = 2000;
    private static final String REFRESH = "/_refresh?ignore_unavailable=true&allow_no_indices=true";
    /** Bounds of the automatic write concurrency. */
    static final int MIN_AUTO_CONCURRENCY = 2;
    static final int MAX_AUTO_CONCURRENCY = 8;

    private final int batchSize;
    private final int maxBatchSize;
    private final long targetPageBytes;
    private final String sortField;
    private final DocumentTransform transform;
    private final boolean refresh;
    private final int writeConcurrency;
    private final Sleeper sleeper;
    private final boolean createOnly;
    private final CopyBudget budget;
    private final String writeTarget;

    private DocumentCopier(Builder b) {
        this.source = b.source;
        this.target = b.target;
        this.sourcePattern = b.sourcePattern;
        this.query = b.query;
        this.batchSize = b.batchSize;
        this.maxBatchSize = b.maxBatchSize;
        this.targetPageBytes = b.targetPageBytes;
        this.sortField = b.sortField;
        this.transform = b.transform;
        this.refresh = b.refresh;
        this.writeConcurrency = b.writeConcurrency;
        this.sleeper = b.sleeper;
        this.createOnly = b.createOnly;
        this.budget = b.budget != null ? b.budget : new CopyBudget();
        this.writeTarget = b.writeTarget;
    }

    /** A builder copying from {@code source} to {@code target}. */
    public static Builder builder(EsClient source, EsClient target) {
        return new Builder(source, target);
    }

    /** The concrete indices matching the source pattern, sorted. */
    public List<String> sourceIndices() {
        JsonNode cat = source.send("GET", "/_cat/indices/" + enc(sourcePattern) + "?format=json&h=index", null);
        List<String> out = new ArrayList<>();
        cat.forEach(n -> out.add(n.path("index").asText()));
        out.removeIf(i -> i.startsWith("."));
        out.sort(String::compareTo);
        return out;
    }

    /** Total number of documents to copy (matching the query). */
    public long total() {
        return total(sourceIndices());
    }

    private long total(List<String> indices) {
        long n = 0;
        for (String index : indices) {
            n += count(index);
        }
        return n;
    }

    private long count(String index) {
        ObjectNode body = JSON.createObjectNode();
        body.set("query", query);
        return source.send("POST", "/" + enc(index) + "/_count", body).path("count").asLong();
    }

    /**
     * Copies everything from {@code cursor} (null = from the start), calling {@code checkpoint} with
     * the new cursor after each written page. Callbacks run on the calling thread; a cursor is handed
     * over only once its page and every page before it are written.
     */
    public Result copy(String cursor, Consumer<String> checkpoint, Progress progress) {
        requireNonNull(checkpoint, "checkpoint");
        Cursor c = cursor == null ? new Cursor() : Cursor.parse(cursor);
        List<String> indices = sourceIndices();
        long total = progress == null ? -1 : total(indices);
        EsVersion v = source.version();
        PageSizer sizer = pageSizer();
        try (BulkPipeline writes = pipeline(sizer, checkpoint, progress, total)) {
            for (; c.i < indices.size(); c.i++, c.after = null, c.scroll = null, c.shard = -1) {
                String index = indices.get(c.i);
                if (c.index != null && !c.index.equals(index)) {
                    c.after = null;
                    c.scroll = null;
                    c.shard = -1;
                }
                c.index = index;
                copyIndex(index, c, v, writes, sizer);
            }
            writes.awaitAll();
        }
        if (refresh) {
            refresh(targetsOf(c));
        }
        checkpoint.accept(c.toJson());
        return new Result(c.read, c.written, c.skipped);
    }

    /**
     * Copies one slice of a single index: the shards {@code s} with {@code s % slices == slice}
     * (what Elasticsearch's sliced scroll selects when there are no more slices than shards), each
     * read with {@code preference=_shards:s} and {@code search_after} on a key that is unique and
     * stable within a shard ({@code _uid} on 5.x, {@code _id} on 6.x, {@code _seq_no} on 7.x and
     * later, or {@link Builder#sortField}), so that the cursor (shard, last sort values) resumes
     * exactly after a crash, which a scroll cannot. Fails when the index has fewer shards than
     * slices.
     */
    public Result copySlice(int slice, int slices, String cursor, Consumer<String> checkpoint, Progress progress) {
        requireNonNull(checkpoint, "checkpoint");
        if (slices < 1 || slice < 0 || slice >= slices) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                    "slice " + slice + " of " + slices + " does not exist; slices are numbered 0.." + (slices - 1));
        }
        String index = sourcePattern;
        int shards = shardCount(index);
        requireSlicesWithinShards(index, slices, shards);
        Cursor c = cursor == null ? new Cursor() : Cursor.parse(cursor);
        if (c.shard >= 0 && c.shard < shards && c.shard % slices != slice) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, "the cursor of slice " + slice
                    + " of " + slices + " stands on shard " + c.shard + ", which belongs to another slice;"
                    + " mark the step undone to start it again");
        }
        c.index = index;
        long total = progress == null ? -1 : countSlice(index, slice, slices, shards);
        String sort = sortField != null ? sortField : source.version().major() <= 5 ? "_uid"
                : source.version().major() == 6 ? "_id" : "_seq_no";
        PageSizer sizer = pageSizer();
        Set<String> lastToRefresh;
        budget.sliceStarted(refreshKey());
        try (BulkPipeline writes = pipeline(sizer, checkpoint, progress, total)) {
            for (c.shard = c.shard >= 0 ? c.shard : slice; c.shard < shards; c.shard += slices, c.after = null) {
                readShard(index, c.shard, sort, c, writes, sizer);
            }
            c.shard = shards;
            writes.awaitAll();
        } finally {
            lastToRefresh = budget.sliceEnded(refreshKey(), targetsOf(c));
        }
        if (refresh) {
            refresh(lastToRefresh);
        }
        checkpoint.accept(c.toJson());
        return new Result(c.read, c.written, c.skipped);
    }

    /**
     * The documents of the shards one slice reads ({@code preference=_shards:k,k+n,...}): its own
     * progress total, so that the totals of a copy's slices add up to the index's count and the
     * source counts each shard once per copy, not once per slice.
     */
    private long countSlice(String index, int slice, int slices, int shards) {
        StringJoiner own = new StringJoiner(",");
        for (int shard = slice; shard < shards; shard += slices) {
            own.add(Integer.toString(shard));
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("query", query);
        return source.send("POST", "/" + enc(index) + "/_count?preference=_shards:" + own, body).path("count").asLong();
    }

    /** The number of primary shards of {@code index} on the source (slices of one copy are bounded by it). */
    public int sourceShards(String index) {
        return shardCount(index);
    }

    /** Fails when a sliced copy of {@code index} would have empty slices. */
    public static void requireSlicesWithinShards(String index, int slices, int shards) {
        if (slices > shards) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, "a copy of " + index + " in "
                    + slices + " slices needs at least as many shards, the index has " + shards
                    + "; use at most " + shards + " slices");
        }
    }

    /** Reads one shard in {@code sort} order from {@code c.after}, handing each encoded page to the writers. */
    private void readShard(String index, int shard, String sort, Cursor c, BulkPipeline writes, PageSizer sizer) {
        String path = "/" + enc(index) + "/_search?preference=_shards:" + shard + "&" + HIT_FIELDS;
        while (true) {
            try (CopyBudget.PagePermit permit = budget.acquirePage()) {
                sizer.startFrom(budget.bytesPerDocument(index));    // a slice that waited for its permit
                int size = sizer.next();
                HitsToBulk.ReadPage page = source.read("POST", path, pageBody(size, sort, c.after),
                        pageInto(c, sizer, size));
                if (page.hits() == 0) {
                    return;
                }
                budget.learnt(index, sizer.bytesPerDocument());
                c.after = sortValuesOf(page);
                writes.submit(page.page(), permit.handOver(), c.toJson(), c.read, index);
                if (page.hits() < size) {
                    return;
                }
            }
        }
    }

    /** The slices of one copy in this JVM share one count of slices running, keyed by their target index. */
    private String refreshKey() {
        return writeTarget == null ? "" : writeTarget;
    }

    /** The target indices a copy wrote into in this run, and the one it writes into by design (resumed, it may have written none). */
    private Set<String> targetsOf(Cursor c) {
        Set<String> targets = new TreeSet<>(c.writtenInto);
        if (writeTarget != null) {
            targets.add(writeTarget);
        }
        return targets;
    }

    /**
     * Makes the copied documents searchable: refreshes {@code indices} only (a cluster-wide
     * {@code _refresh} would also refresh every other index of a live target), in requests whose
     * index lists stay well under the HTTP line limit; an index that does not exist (nothing was
     * ever written into it) is skipped. A sliced copy refreshes once, when its last
     * slice running in this JVM ends: each slice refreshing when it ends cut every target shard's
     * segments at each slice's end (8 slices: 64 refreshes of an 8-shard index instead of 8, 5 %
     * more target CPU in {@code SlicedCopyBench}).
     */
    private void refresh(Set<String> indices) {
        StringBuilder names = new StringBuilder();
        for (String index : indices) {
            if (names.length() > 0 && names.length() + index.length() > REFRESH_NAMES_PER_REQUEST) {
                target.send("POST", "/" + names + REFRESH, null);
                names.setLength(0);
            }
            names.append(names.length() == 0 ? "" : ",").append(enc(index));
        }
        if (names.length() > 0) {
            target.send("POST", "/" + names + REFRESH, null);
        }
    }

    /** The writers of one copy or slice, on the copy's budget, bounded per target index when it has one. */
    private BulkPipeline pipeline(PageSizer sizer, Consumer<String> checkpoint, Progress progress, long total) {
        BulkPipeline writes = new BulkPipeline(target, sleeper, this::concurrency, budget, sizer, checkpoint, progress,
                total);
        return writeTarget == null ? writes : writes.writingInto(writeTarget, this::targetPrimaries);
    }

    /** The primary shards of the target index, or 0 when they cannot be read (it does not exist yet, no privilege). */
    private int targetPrimaries() {
        try {
            EsClient.EsResponse r = target.exchange("GET", "/" + enc(writeTarget) + "/_settings/index.number_of_shards",
                    null);
            if (r.status() != 200 || r.body().size() != 1) {
                return 0;
            }
            JsonNode value = numberOfShards(r.body().elements().next().path("settings"));
            return value.isTextual() || value.isNumber() ? Integer.parseInt(value.asText()) : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Pages of the fixed size given, or adaptive ones aiming at {@code targetPageBytes} of bulk body
     * each, whatever the number of slices reading (the budget bounds the pages held at once).
     */
    private PageSizer pageSizer() {
        return batchSize > 0 ? PageSizer.fixed(batchSize)
                : PageSizer.adaptive(targetPageBytes, FIRST_ADAPTIVE_PAGE, maxBatchSize);
    }

    /**
     * The bulk requests in flight: the fixed number given, or as many as the target's data nodes
     * have processors (each write thread takes one shard's part of a bulk at a time), within
     * {@value #MIN_AUTO_CONCURRENCY}..{@value #MAX_AUTO_CONCURRENCY}; the minimum when the nodes
     * cannot be read (e.g. no monitor privilege).
     */
    private BulkPipeline.Concurrency concurrency() {
        if (writeConcurrency > 0) {
            return BulkPipeline.Concurrency.fixed(writeConcurrency);
        }
        int processors = 0;
        try {
            EsClient.EsResponse r = target.exchange("GET",
                    "/_nodes/os?filter_path=nodes.*.roles,nodes.*.os.allocated_processors,nodes.*.os.available_processors", null);
            if (r.status() == 200) {
                for (JsonNode node : r.body().path("nodes")) {
                    JsonNode roles = node.path("roles");
                    boolean data = !roles.isArray() || roles.isEmpty();
                    for (JsonNode role : roles) {
                        data |= role.asText().startsWith("data");
                    }
                    JsonNode os = node.path("os");
                    processors += data ? os.path("allocated_processors").asInt(os.path("available_processors").asInt(1)) : 0;
                }
            }
        } catch (UpgradeException e) {
            processors = 0;
        }
        int n = Math.max(MIN_AUTO_CONCURRENCY, Math.min(MAX_AUTO_CONCURRENCY, processors));
        return new BulkPipeline.Concurrency(n, n, true);
    }

    /** Reads one index page by page, handing each encoded page to the writers. */
    private void copyIndex(String index, Cursor c, EsVersion v, BulkPipeline writes, PageSizer sizer) {
        if (sortField == null && v.major() == 7 && !c.legacyIdPaging()) {
            readShardsBySeqNo(index, c, writes, sizer);
        } else {
            readPages(index, c, v, writes, sizer);
        }
        if (sortField == null && v.major() <= 5) {
            releaseUidFielddata(index);
        }
    }

    /**
     * On 5.x, paging on {@code _uid} loads that field's fielddata into the source node's heap
     * (about 40 bytes a document) and keeps it there: it is released once the index is read, so
     * that a source cluster still serving traffic gets its memory back. Best effort; a failed copy
     * skips it (its resume needs the fielddata again).
     */
    private void releaseUidFielddata(String index) {
        try {
            source.exchange("POST", "/" + enc(index) + "/_cache/clear?fielddata=true&fields=_uid", null);
        } catch (UpgradeException e) {
            // the copy itself succeeded or failed on its own; the cache ages out anyway
        }
    }

    private void readPages(String index, Cursor c, EsVersion v, BulkPipeline writes, PageSizer sizer) {
        boolean useScroll = sortField == null && v.major() >= 8;
        while (true) {
            int size = sizer.next();
            try (CopyBudget.PagePermit permit = budget.acquirePage()) {
                HitsToBulk.ReadPage page = useScroll ? scrollPage(index, c, size, sizer)
                        : searchAfterPage(index, c, v, size, sizer);
                if (page.hits() == 0) {
                    clearScroll(c);
                    return;
                }
                if (!useScroll) {
                    c.after = sortValuesOf(page);
                }
                writes.submit(page.page(), permit.handOver(), c.toJson(), c.read, index);
                if (!useScroll && page.hits() < size) {
                    return;
                }
            }
            if (useScroll) {
                // a scroll cannot be rewound: the server's position must not run ahead of the cursor
                writes.awaitAll();
            }
        }
    }

    /**
     * Reads a 7.x index one shard after the other ({@code preference=_shards:N}), each in
     * {@code _seq_no} order with {@code search_after}: within a shard every live document has its
     * own sequence number, so the cursor (shard, last sequence number) resumes exactly, and no
     * fielddata is loaded. A document changed during the copy gets a higher number and is read again.
     */
    private void readShardsBySeqNo(String index, Cursor c, BulkPipeline writes, PageSizer sizer) {
        int shards = shardCount(index);
        for (c.shard = Math.max(0, c.shard); c.shard < shards; c.shard++, c.after = null) {
            readShard(index, c.shard, "_seq_no", c, writes, sizer);
        }
    }

    private int shardCount(String index) {
        // no flat_settings: 5.x refuses it on a filtered settings request; read the nested or the flat form
        JsonNode settings = source.send("GET", "/" + enc(index) + "/_settings/index.number_of_shards", null);
        JsonNode value = numberOfShards(settings.path(index).path("settings"));
        if (!value.isTextual() && !value.isNumber()) {
            throw new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, "the number of shards of " + index + " on "
                    + source.name() + " is not readable (" + settings + "); check that the index exists");
        }
        return Integer.parseInt(value.asText());
    }

    /** The {@code number_of_shards} of one index's filtered settings, in their nested or flat form. */
    private static JsonNode numberOfShards(JsonNode indexSettings) {
        return indexSettings.has("index.number_of_shards") ? indexSettings.path("index.number_of_shards")
                : indexSettings.path("index").path("number_of_shards");
    }

    private ObjectNode pageBody(int size, String sort, ArrayNode after) {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", size);
        body.set("query", query);
        body.putArray("sort").addObject().put(sort, "asc");
        if (after != null) {
            body.set("search_after", after);
        }
        return body;
    }

    private static final String HIT_FIELDS = "filter_path=_scroll_id,hits.hits._index,hits.hits._type,hits.hits._id,"
            + "hits.hits._source,hits.hits.sort";

    private HitsToBulk.ReadPage searchAfterPage(String index, Cursor c, EsVersion v, int size, PageSizer sizer) {
        String sort = sortField != null ? sortField : v.major() <= 5 ? "_uid" : "_id";
        ObjectNode body = pageBody(size, sort, c.after);
        return source.read("POST", "/" + enc(index) + "/_search?" + HIT_FIELDS, body,
                pageInto(c, sizer, size));
    }

    private HitsToBulk.ReadPage scrollPage(String index, Cursor c, int size, PageSizer sizer) {
        if (c.scroll != null) {
            EsClient.Streamed<HitsToBulk.ReadPage> r = source.stream("POST", "/_search/scroll?" + HIT_FIELDS,
                    JSON.createObjectNode().put("scroll", "10m").put("scroll_id", c.scroll),
                    pageInto(c, sizer, size));
            if (r.status() == 200) {
                c.scroll = r.value().scrollId();
                return r.value();
            }
            if (r.status() != 404) {
                throw source.failure("POST", "/_search/scroll", r.status(), r.failureBody());
            }
            // scroll expired (e.g. resumed long after): restart this index, writes are idempotent
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("size", size);
        body.set("query", query);
        body.putArray("sort").add("_doc");
        HitsToBulk.ReadPage page = source.read("POST", "/" + enc(index) + "/_search?scroll=10m&" + HIT_FIELDS, body,
                pageInto(c, sizer, size));
        c.scroll = page.scrollId();
        return page;
    }

    /** The last hit's sort values, where the next page starts; a page read with a sort always has them. */
    private ArrayNode sortValuesOf(HitsToBulk.ReadPage page) {
        if (page.lastSort() == null) {
            throw new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, source.name() + " answered a sorted page"
                    + " without the sort values of its last document; the copy cannot continue after it (check that"
                    + " nothing between the copy and the cluster filters the answer)");
        }
        return page.lastSort();
    }

    /**
     * Reads a search answer of up to {@code size} documents into one bulk body as it is parsed,
     * through this copy's transform, counting them in {@code c}.
     */
    private EsClient.AnswerReader<HitsToBulk.ReadPage> pageInto(Cursor c, PageSizer sizer, int size) {
        HitsToBulk toBulk = new HitsToBulk(transform, target.version().major() < 7, source.version().major() >= 7,
                createOnly);
        return answer -> toBulk.read(answer, c, sizer, size);
    }

    private void clearScroll(Cursor c) {
        if (c.scroll != null) {
            source.exchange("DELETE", "/_search/scroll", JSON.createObjectNode().put("scroll_id", c.scroll));
            c.scroll = null;
        }
    }

    /** Fails when any bulk item failed: transient when all failures are rejections (429). */
    public static void checkBulk(EsClient client, JsonNode answer) {
        checkBulk(client, answer, List.of());
    }

    /**
     * Like {@link #checkBulk(EsClient, JsonNode)} for an answer filtered down to statuses and errors:
     * {@code ids} ("index/id" in request order) names the failed documents.
     */
    static void checkBulk(EsClient client, JsonNode answer, List<String> ids) {
        if (!answer.path("errors").asBoolean(false)) {
            return;
        }
        List<String> failures = new ArrayList<>();
        boolean allRejected = true;
        int position = 0;
        for (JsonNode item : answer.path("items")) {
            JsonNode op = item.elements().next();
            if (op.has("error") && !alreadyCreated(item)) {
                int status = op.path("status").asInt();
                allRejected &= status == 429;
                if (failures.size() < 5) {
                    String name = op.has("_id") ? op.path("_index").asText() + "/" + op.path("_id").asText()
                            : position < ids.size() ? ids.get(position) : "item " + position;
                    failures.add(name + ": " + op.path("error").path("type").asText() + " "
                            + EsClient.withoutDocumentData(op.path("error").path("reason").asText()));
                }
            }
            position++;
        }
        if (failures.isEmpty()) {
            return; // only documents a create operation found already there
        }
        throw new UpgradeException(allRejected ? ElasticsearchErrorCode.UNAVAILABLE : ElasticsearchErrorCode.BULK_ITEM_FAILED,
                "bulk write to " + client.name() + " failed for some documents, e.g. " + failures
                        + (allRejected ? "; the cluster rejected them (busy), retry" : "; fix the target mapping or the transform"));
    }

    /**
     * A {@code create} operation answered 409: the document was already in the target, which a
     * create-only copy ({@link Builder#createOnly}) leaves as it is, as {@code _reindex} with
     * {@code op_type: create} and {@code conflicts: proceed} does.
     */
    private static boolean alreadyCreated(JsonNode item) {
        return item.has("create") && item.path("create").path("status").asInt() == 409;
    }

    /** URL-encodes a path segment, keeping wildcards and commas. */
    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2A", "*").replace("%2C", ",");
    }

    /**
     * Resume position: index ordinal, shard (7.x {@code _seq_no} paging only), search_after values
     * or scroll id, counters.
     */
    static final class Cursor {
        int i;
        String index;
        int shard = -1;
        ArrayNode after;
        String scroll;
        long read;
        long written;
        long skipped;
        /** The target indices this run of the copy wrote into (not saved in the cursor). */
        final Set<String> writtenInto = new TreeSet<>();

        static Cursor parse(String text) {
            try {
                JsonNode n = JSON.readTree(text);
                Cursor c = new Cursor();
                c.i = n.path("i").asInt();
                c.index = n.path("index").asText(null);
                c.shard = n.path("shard").asInt(-1);
                c.after = n.path("after").isArray() ? (ArrayNode) n.path("after") : null;
                c.scroll = n.path("scroll").asText(null);
                c.read = n.path("read").asLong();
                c.written = n.path("written").asLong();
                c.skipped = n.path("skipped").asLong();
                return c;
            } catch (IOException e) {
                throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                        "the copy cursor '" + text + "' is not readable; mark the step undone to start it again");
            }
        }

        /**
         * A cursor saved before 7.x sources were read shard by shard: it holds an {@code _id} to
         * continue after, which only {@code _id} paging can resume exactly.
         */
        boolean legacyIdPaging() {
            return shard < 0 && after != null && after.size() == 1 && after.get(0).isTextual();
        }

        String toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("i", i);
            if (index != null) {
                n.put("index", index);
            }
            if (shard >= 0) {
                n.put("shard", shard);
            }
            if (after != null) {
                n.set("after", after);
            }
            if (scroll != null) {
                n.put("scroll", scroll);
            }
            n.put("read", read).put("written", written).put("skipped", skipped);
            return n.toString();
        }
    }

    /** Builder of {@link DocumentCopier}. */
    public static final class Builder {
        private final EsClient source;
        private final EsClient target;
        private String sourcePattern;
        private JsonNode query = JSON.createObjectNode().set("match_all", JSON.createObjectNode());
        private int batchSize;
        private int maxBatchSize = PageSizer.MAX_DOCUMENTS;
        private long targetPageBytes = DEFAULT_TARGET_PAGE_BYTES;
        private String sortField;
        private DocumentTransform transform = d -> d;
        private boolean refresh = true;
        private int writeConcurrency;
        private Sleeper sleeper = Sleeper.system();
        private boolean createOnly;
        private CopyBudget budget;
        private String writeTarget;

        private Builder(EsClient source, EsClient target) {
            this.source = requireNonNull(source, "source");
            this.target = requireNonNull(target, "target");
        }

        /** Source index name or pattern ({@code logs-*}, comma lists). */
        public Builder sourceIndex(String pattern) {
            this.sourcePattern = requireNonNull(pattern, "pattern");
            return this;
        }

        /** Query selecting the documents (default match_all). */
        public Builder query(JsonNode query) {
            this.query = requireNonNull(query, "query");
            return this;
        }

        /** A fixed number of documents per page, instead of pages sized by bytes (the default). */
        public Builder batchSize(int size) {
            if (size < 1 || size > 10_000) {
                throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                        "batchSize must be within 1..10000, was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** The most documents an adaptive page may hold (default 10000), e.g. to bound the bytes of large documents. */
        public Builder maxBatchSize(int size) {
            if (size < 1 || size > 10_000) {
                throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                        "maxBatchSize must be within 1..10000, was " + size);
            }
            this.maxBatchSize = size;
            return this;
        }

        /** The bulk body size adaptive pages aim at (default 8 MB); ignored with {@link #batchSize}. */
        public Builder targetPageBytes(long bytes) {
            if (bytes < PageSizer.MIN_TARGET_BYTES) {
                throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                        "targetPageBytes must be at least " + PageSizer.MIN_TARGET_BYTES + ", was " + bytes);
            }
            this.targetPageBytes = bytes;
            return this;
        }

        /** A unique, sortable field to page on instead of {@code _id}/{@code _uid}. */
        public Builder sortField(String field) {
            this.sortField = requireNonNull(field, "field");
            return this;
        }

        /** Maps each document to its target; the default keeps index, id and source. */
        public Builder transform(DocumentTransform transform) {
            this.transform = requireNonNull(transform, "transform");
            return this;
        }

        /**
         * The index every document is written into (the transform's choice), so that its primary
         * shards bound the bulk requests in flight into it (with the automatic write concurrency).
         */
        public Builder writingInto(String index) {
            this.writeTarget = requireNonNull(index, "index");
            return this;
        }

        /** Target index for every document (typeless), keeping id and source. */
        public Builder targetIndex(String index) {
            requireNonNull(index, "index");
            this.transform = d -> d.withTarget(index, null);
            this.writeTarget = index;
            return this;
        }

        /** Whether to refresh the target at the end (default true). */
        public Builder refresh(boolean refresh) {
            this.refresh = refresh;
            return this;
        }

        /**
         * A fixed number of bulk requests in flight for the whole {@link CopyBudget} (default:
         * automatic, see the class comment): the next page is read while earlier pages are written.
         * Memory grows with it: about {@code (concurrency + 1)} pages.
         */
        public Builder writeConcurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 16) {
                throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                        "writeConcurrency must be within 1..16, was " + concurrency);
            }
            this.writeConcurrency = concurrency;
            return this;
        }

        /** Waits between resends of a bulk request the cluster rejected as busy (default: real sleep). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Whether documents are written with {@code create} operations (default false: {@code index}
         * operations, which overwrite): a document whose id is already in the target is left as it
         * is and not counted as a failure, as {@code _reindex} with {@code op_type: create} and
         * {@code conflicts: proceed} does. {@link Result#written()} still counts it.
         */
        public Builder createOnly(boolean createOnly) {
            this.createOnly = createOnly;
            return this;
        }

        /**
         * The budget of bulk requests in flight and pages held this copier shares with others, e.g.
         * the copiers of every slice of one copy (default: a budget of its own, shared by the copies
         * and slices this copier runs at the same time).
         */
        public Builder budget(CopyBudget budget) {
            this.budget = requireNonNull(budget, "budget");
            return this;
        }

        public DocumentCopier build() {
            if (sourcePattern == null) {
                throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                        "no source index given; call sourceIndex(\"name-or-pattern\")");
            }
            return new DocumentCopier(this);
        }
    }
}
