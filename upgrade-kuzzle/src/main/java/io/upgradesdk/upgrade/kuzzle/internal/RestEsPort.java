package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.CopyCursor;
import io.upgradesdk.upgrade.elasticsearch.DocumentCopy;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchDocument;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * {@link EsPort} over upgrade-elasticsearch's public API: an {@link ElasticsearchConnection} and
 * {@link DocumentCopy} (search_after paging, bulk with every item checked (defect B1), cursor per page).
 */
public final class RestEsPort implements EsPort {

    /** Longest comma-joined list of encoded index names put in one request path (HTTP line limit: 4 KB). */
    static final int MAX_NAMES_IN_PATH = 2_000;
    /** Most searches (counts, samples) sent in one {@code _msearch} request. */
    static final int MAX_SEARCHES_PER_REQUEST = 100;

    private final ElasticsearchConnection client;
    private final int writeConcurrency;
    /** The budget this port's copies share with the plan's other copies to the same target. */
    private final SharedWriteBudget writeBudget;
    /**
     * The answer of the last {@link #inventory} (every index's mappings), which {@link #typeMapping}
     * reads instead of asking again; dropped when this port creates or deletes an index.
     */
    private volatile JsonNode inventoryMappings;
    /** Index settings already read through this port, dropped when it changes an index. */
    private final Map<String, JsonNode> settingsRead = new ConcurrentHashMap<>();

    public RestEsPort(ElasticsearchConnection client) {
        this(client, 1);
    }

    /**
     * A port whose copies keep up to {@code writeConcurrency} bulk requests in flight (0: as many
     * as the copy engine chooses from the target's nodes).
     */
    public RestEsPort(ElasticsearchConnection client, int writeConcurrency) {
        this(client, writeConcurrency, new SharedWriteBudget());
    }

    /** A port whose copies share {@code writeBudget} with other ports' copies to the same target. */
    RestEsPort(ElasticsearchConnection client, int writeConcurrency, SharedWriteBudget writeBudget) {
        this.client = client;
        this.writeConcurrency = writeConcurrency;
        this.writeBudget = writeBudget;
    }

    ElasticsearchConnection connection() {
        return client;
    }

    static String enc(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private boolean typed() {
        return majorVersion() < 7;
    }

    @Override
    public int majorVersion() {
        return client.majorVersion();
    }

    /**
     * The cluster's UUID from the root endpoint ({@code GET /}, 5.0 and later), which the node
     * answers from memory: the cluster state's metadata, asked before, made the node serialize its
     * whole metadata (every mapping) for one field, and is asked only when the root endpoint does
     * not answer one. A cluster without a UUID yet ({@code _na_}) falls back to its local node's name.
     */
    @Override
    public String clusterIdentity() {
        String uuid = rootClusterUuid();
        if (uuid.isEmpty()) {
            uuid = client.getIfExists("/_cluster/state/metadata?filter_path=metadata.cluster_uuid")
                    .orElse(Json.object()).path("metadata").path("cluster_uuid").asText("");
        }
        if (!uuid.isEmpty() && !uuid.equals("_na_")) {
            return uuid;
        }
        Iterator<String> ids = client.get("/_nodes/_local?filter_path=nodes.*.name").path("nodes").fieldNames();
        return ids.hasNext() ? "node:" + ids.next() : client.name();
    }

    /** The {@code cluster_uuid} of {@code GET /}; empty when the root endpoint does not give one (or refuses). */
    private String rootClusterUuid() {
        try {
            return client.getIfExists("/").orElse(Json.object()).path("cluster_uuid").asText("");
        } catch (UpgradeException e) {
            return "";
        }
    }

    @Override
    public List<SourceIndex> inventory() {
        JsonNode all = client.get("/_mapping");
        inventoryMappings = all;
        List<SourceIndex> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode mappings = e.getValue().path("mappings");
            List<String> types = new ArrayList<>();
            if (typed()) {
                mappings.fieldNames().forEachRemaining(t -> {
                    if (!t.equals("_default_")) {
                        types.add(t);
                    }
                });
            } else if (!mappings.isEmpty()) {
                types.add("_doc");
            }
            out.add(new SourceIndex(e.getKey(), types));
        }
        return out;
    }

    @Override
    public Optional<JsonNode> typeMapping(String index, String type) {
        JsonNode known = inventoryMappings;
        if (known != null && typed() && known.has(index)) {
            return Optional.of(known.path(index).path("mappings").path(type)).filter(JsonNode::isObject);
        }
        Optional<JsonNode> r = client.getIfExists("/" + enc(index) + "/_mapping/" + enc(type));
        return r.map(n -> n.path(index).path("mappings").path(type)).filter(JsonNode::isObject);
    }

    @Override
    public JsonNode indexSettings(String index) {
        return settingsRead.computeIfAbsent(index,
                i -> client.get("/" + enc(i) + "/_settings").path(i).path("settings"));
    }

    /** Forgets what this port read of the cluster's indices, after it changed them. */
    private void forgetReads() {
        inventoryMappings = null;
        settingsRead.clear();
    }

    @Override
    public boolean exists(String index) {
        return client.exists("/" + enc(index));
    }

    /**
     * One {@code GET <names>/_settings/index.uuid?ignore_unavailable=true} per group of names that
     * fits a request line: the answer names the existing indices. When it names an index that was
     * not asked (a name asked is an alias of it), the names not found are checked one by one, as
     * {@link #exists} would.
     */
    @Override
    public Set<String> existing(Collection<String> indices) {
        Set<String> out = new LinkedHashSet<>();
        for (List<String> group : namesInPath(indices)) {
            JsonNode answer = client.get("/" + group.stream().map(RestEsPort::enc).collect(Collectors.joining(","))
                    + "/_settings/index.uuid?ignore_unavailable=true");
            List<String> found = new ArrayList<>();
            answer.fieldNames().forEachRemaining(found::add);
            group.stream().filter(found::contains).forEach(out::add);
            if (!group.containsAll(found)) {
                group.stream().filter(n -> !found.contains(n) && exists(n)).forEach(out::add);
            }
        }
        return out;
    }

    /** {@code names} in groups whose encoded, comma-joined form stays under {@link #MAX_NAMES_IN_PATH} characters. */
    static List<List<String>> namesInPath(Collection<String> names) {
        List<List<String>> groups = new ArrayList<>();
        List<String> group = new ArrayList<>();
        int length = 0;
        for (String name : new LinkedHashSet<>(names)) {
            int more = enc(name).length() + 1;
            if (!group.isEmpty() && length + more > MAX_NAMES_IN_PATH) {
                groups.add(group);
                group = new ArrayList<>();
                length = 0;
            }
            group.add(name);
            length += more;
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    /**
     * Creates the index without waiting for its primary to start ({@code wait_for_active_shards=0}):
     * the first write to it waits for that anyway, so the shard starts while the step goes on
     * (reading the source's first page, creating the next index) instead of holding the step for
     * a few hundred milliseconds per index. The answer's {@code shards_acknowledged} was never read.
     */
    @Override
    public void createIndex(String index, ObjectNode body) {
        forgetReads();
        client.send("PUT", "/" + enc(index) + "?wait_for_active_shards=0", body);
    }

    @Override
    public void createIndex(String index, ObjectNode body, String alias) {
        ObjectNode withAlias = body.deepCopy();
        ObjectNode aliases = withAlias.get("aliases") instanceof ObjectNode a ? a : withAlias.putObject("aliases");
        aliases.putObject(alias);
        createIndex(index, withAlias);
    }

    /**
     * Creates the indices in parallel (up to 4 requests): the cluster applies them one by one, but
     * their waits for shards to start overlap. The first failure is thrown once all have answered.
     */
    @Override
    public void createIndices(List<NewIndex> indices) {
        if (indices.size() < 2) {
            EsPort.super.createIndices(indices);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(4, indices.size()), r -> {
                    Thread t = new Thread(r, "kuzzle-create-index");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<?>> answers = new ArrayList<>();
            for (NewIndex i : indices) {
                answers.add(pool.submit(() -> {
                    if (i.alias() == null) {
                        createIndex(i.name(), i.body());
                    } else {
                        createIndex(i.name(), i.body(), i.alias());
                    }
                }));
            }
            RuntimeException first = null;
            for (Future<?> answer : answers) {
                try {
                    answer.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UpgradeException(UpgradeErrorCode.INTERRUPTED,
                            "interrupted while creating the target indices; run again to resume", e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void putSettings(String index, ObjectNode settings) {
        forgetReads();
        client.send("PUT", "/" + enc(index) + "/_settings", settings);
    }

    @Override
    public void putSettings(Collection<String> indices, ObjectNode settings) {
        forgetReads();
        for (List<String> group : namesInPath(indices)) {
            client.send("PUT", "/" + group.stream().map(RestEsPort::enc).collect(Collectors.joining(",")) + "/_settings",
                    settings);
        }
    }

    @Override
    public void putAlias(String index, String alias) {
        client.send("PUT", "/" + enc(index) + "/_alias/" + enc(alias), null);
    }

    @Override
    public void putAlias(String index, String alias, ObjectNode definition) {
        client.send("PUT", "/" + enc(index) + "/_alias/" + enc(alias), definition.isEmpty() ? null : definition);
    }

    @Override
    public Map<String, ObjectNode> aliases(String index) {
        JsonNode all = client.get("/" + enc(index) + "/_alias").path(index).path("aliases");
        Map<String, ObjectNode> out = new java.util.TreeMap<>();
        all.fields().forEachRemaining(e -> out.put(e.getKey(), (ObjectNode) e.getValue()));
        return out;
    }

    @Override
    public void deleteIndices(Collection<String> indices) {
        if (indices.isEmpty()) {
            return;
        }
        forgetReads();
        client.send("DELETE", "/" + indices.stream().map(RestEsPort::enc).collect(Collectors.joining(",")), null);
    }

    private ObjectNode query(String type, boolean excludeTrashed) {
        ObjectNode bool = Json.object();
        if (type != null && typed()) {
            bool.putArray("filter").addObject().putObject("type").put("value", type);
        }
        if (excludeTrashed) {
            bool.putArray("must_not").addObject().putObject("term").put("_kuzzle_info.active", false);
        }
        ObjectNode q = Json.object();
        if (bool.isEmpty()) {
            q.putObject("match_all");
        } else {
            q.set("bool", bool);
        }
        return q;
    }

    @Override
    public long count(String index, String type, boolean excludeTrashed) {
        ObjectNode body = Json.object();
        body.set("query", query(type, excludeTrashed));
        return client.send("POST", "/" + enc(index) + "/_count", body).path("count").asLong();
    }

    /**
     * The counts as {@code _msearch} searches of no hits each, exact totals ({@code track_total_hits}
     * from 7.0). A search that fails fails the whole call, as {@link #count} would.
     */
    @Override
    public List<Long> counts(List<CountQuery> queries) {
        return msearch(queries, CountQuery::index, q -> {
            ObjectNode search = Json.object().put("size", 0);
            if (!typed()) {
                search.put("track_total_hits", true);
            }
            return search.set("query", query(q.type(), q.excludeTrashed()));
        }, this::total);
    }

    /**
     * One search per query, sent in {@code _msearch} requests of up to
     * {@value #MAX_SEARCHES_PER_REQUEST} searches; {@code answer} reads each query's response (in
     * the order of {@code queries}).
     */
    private <Q, R> List<R> msearch(List<Q> queries, Function<Q, String> index, Function<Q, ObjectNode> search,
            BiFunction<Q, JsonNode, R> answer) {
        List<R> out = new ArrayList<>();
        for (int from = 0; from < queries.size(); from += MAX_SEARCHES_PER_REQUEST) {
            List<Q> group = queries.subList(from, Math.min(queries.size(), from + MAX_SEARCHES_PER_REQUEST));
            StringBuilder nd = new StringBuilder();
            for (Q q : group) {
                nd.append(Json.write(Json.object().put("index", index.apply(q)))).append('\n')
                        .append(Json.write(search.apply(q))).append('\n');
            }
            JsonNode responses = client.sendNdjson("/_msearch", nd.toString()).path("responses");
            for (int k = 0; k < group.size(); k++) {
                out.add(answer.apply(group.get(k), responses.path(k)));
            }
        }
        return out;
    }

    /** The total of one {@code _msearch} response: a number up to 6.x, {@code {value, relation}} from 7.0. */
    private long total(CountQuery q, JsonNode response) {
        requireAnswered(response, "counting the documents of " + q.index() + (q.type() == null ? "" : "/" + q.type()));
        JsonNode total = response.path("hits").path("total");
        return total.isObject() ? total.path("value").asLong() : total.asLong();
    }

    /** Fails when one search of an {@code _msearch} answer failed: transient for 429 and 5xx, as a single request would be. */
    private void requireAnswered(JsonNode response, String what) {
        if (response.has("error") || response.path("hits").path("total").isMissingNode()) {
            int status = response.path("status").asInt(0);
            throw new UpgradeException(status == 429 || status >= 500 ? ElasticsearchErrorCode.UNAVAILABLE
                    : ElasticsearchErrorCode.REQUEST_FAILED, what + " on " + client.name() + " failed (status " + status
                    + "): " + response.path("error").path("reason").asText(response.path("error").toString())
                    + "; check that the index exists and the cluster is healthy, then run again");
        }
    }

    @Override
    public void refresh(String index) {
        client.send("POST", "/" + enc(index) + "/_refresh", null);
    }

    @Override
    public void refresh(Collection<String> indices) {
        if (!indices.isEmpty()) {
            client.send("POST", "/" + indices.stream().map(RestEsPort::enc).collect(Collectors.joining(",")) + "/_refresh",
                    null);
        }
    }

    @Override
    public Map<String, ObjectNode> getAll(String index, String type, List<String> ids) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        ObjectNode body = Json.object();
        ArrayNode docs = body.putArray("ids");
        ids.forEach(docs::add);
        String path = "/" + enc(index) + (type == null ? "" : "/" + enc(type)) + "/_mget";
        JsonNode answer = client.send("POST", path, body);
        for (JsonNode doc : answer.path("docs")) {
            if (doc.path("found").asBoolean(false) && doc.path("_source").isObject()) {
                out.put(doc.path("_id").asText(), (ObjectNode) doc.path("_source"));
            }
        }
        return out;
    }

    @Override
    public Optional<ObjectNode> get(String index, String type, String id) {
        String t = type == null ? "_doc" : type;
        return client.getIfExists("/" + enc(index) + "/" + enc(t) + "/" + enc(id))
                .filter(n -> n.path("found").asBoolean(false))
                .map(n -> (ObjectNode) n.get("_source"));
    }

    @Override
    public void put(String index, String type, Doc doc) {
        String t = type == null ? "_doc" : type;
        client.send("PUT", "/" + enc(index) + "/" + enc(t) + "/" + enc(doc.id()), doc.source());
    }

    /** One {@code _bulk} of index operations; fails, naming the documents, when any is rejected. */
    @Override
    public void putAll(String index, String type, List<Doc> docs) {
        if (docs.isEmpty()) {
            return;
        }
        StringBuilder nd = new StringBuilder();
        for (Doc doc : docs) {
            ObjectNode action = Json.object().put("_index", index).put("_id", doc.id());
            if (type != null) {
                action.put("_type", type);
            }
            nd.append(Json.write(Json.object().set("index", action))).append('\n')
                    .append(Json.write(doc.source())).append('\n');
        }
        JsonNode answer = client.sendNdjson("/_bulk", nd.toString());
        if (answer.path("errors").asBoolean(false)) {
            List<String> rejected = new ArrayList<>();
            for (JsonNode item : answer.path("items")) {
                JsonNode result = item.path("index");
                if (result.has("error")) {
                    rejected.add(result.path("_id").asText() + " (" + result.path("error").path("type").asText() + ": "
                            + result.path("error").path("reason").asText() + ")");
                }
            }
            throw new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, "writing " + rejected + " into " + index
                    + " on " + client.name() + " failed; check the index and the cluster's health, then run again");
        }
    }

    @Override
    public List<Doc> sample(String index, String type, int size) {
        return docs(client.send("POST", "/" + enc(index) + "/_search", sampleSearch(type, size)));
    }

    private ObjectNode sampleSearch(String type, int size) {
        ObjectNode body = Json.object();
        body.put("size", size);
        body.set("query", query(type, false));
        body.putArray("sort").addObject().put(typed() ? "_uid" : "_id", "asc");
        return body;
    }

    private static List<Doc> docs(JsonNode searchAnswer) {
        List<Doc> out = new ArrayList<>();
        searchAnswer.path("hits").path("hits")
                .forEach(h -> out.add(new Doc(h.path("_id").asText(), (ObjectNode) h.get("_source"))));
        return out;
    }

    /** The samples as {@code _msearch} searches; a failed one fails the call. */
    @Override
    public List<List<Doc>> samples(List<SampleQuery> queries) {
        return msearch(queries, SampleQuery::index, q -> sampleSearch(q.type(), q.size()), (q, response) -> {
            requireAnswered(response, "sampling the documents of " + q.index());
            return docs(response);
        });
    }

    /** One {@code _mget} for the ids of every index in {@code wanted} (each document names its index). */
    @Override
    public List<Map<String, ObjectNode>> getAll(List<DocIds> wanted) {
        List<Map<String, ObjectNode>> out = new ArrayList<>();
        ObjectNode body = Json.object();
        ArrayNode docs = body.putArray("docs");
        for (DocIds w : wanted) {
            out.add(new LinkedHashMap<>());
            for (String id : w.ids()) {
                ObjectNode d = docs.addObject().put("_index", w.index()).put("_id", id);
                if (w.type() != null) {
                    d.put("_type", w.type());
                }
            }
        }
        if (docs.isEmpty()) {
            return out;
        }
        JsonNode answer = client.send("POST", "/_mget", body);
        int k = 0;
        for (int i = 0; i < wanted.size(); i++) {
            for (int n = 0; n < wanted.get(i).ids().size(); n++, k++) {
                JsonNode doc = answer.path("docs").path(k);
                if (doc.path("found").asBoolean(false) && doc.path("_source").isObject()) {
                    out.get(i).put(doc.path("_id").asText(), (ObjectNode) doc.path("_source"));
                }
            }
        }
        return out;
    }

    @Override
    public CopyResult copy(String sourceIndex, String sourceType, EsPort target, String targetIndex, String targetType,
            int pageSize, String resumeCursor, Function<Doc, Doc> transform, Consumer<String> cursorSink,
            LongConsumer progress) {
        DocumentCopy.Result r = writeBudget.build(copyOf(sourceIndex, sourceType, target, targetIndex, targetType,
                pageSize, transform, cursorSink, progress)).run(resumeCursor == null ? null : CopyCursor.of(resumeCursor));
        return new CopyResult(r.read(), r.written(), r.dropped());
    }

    @Override
    public CopyResult copySlice(String sourceIndex, String sourceType, EsPort target, String targetIndex,
            String targetType, int slice, int slices, int pageSize, String resumeCursor, Function<Doc, Doc> transform,
            Consumer<String> cursorSink, LongConsumer progress) {
        DocumentCopy.Result r = writeBudget.build(copyOf(sourceIndex, sourceType, target, targetIndex, targetType,
                pageSize, transform, cursorSink, progress).slices(slices))
                .runSlice(slice, resumeCursor == null ? null : CopyCursor.of(resumeCursor));
        return new CopyResult(r.read(), r.written(), r.dropped());
    }

    /** The copy engine set up for one collection: its query, transform, cursor and progress callbacks, page bound. */
    private DocumentCopy.Builder copyOf(String sourceIndex, String sourceType, EsPort target, String targetIndex,
            String targetType, int pageSize, Function<Doc, Doc> transform, Consumer<String> cursorSink,
            LongConsumer progress) {
        DocumentCopy.Builder copy = DocumentCopy.from(client, sourceIndex)
                .to(((RestEsPort) target).connection(), targetIndex)
                .query(query(sourceType, false))
                .refreshAtEnd(false)
                .transform(placed -> placedAs(placed, transform.apply(new Doc(placed.id(), placed.source()))))
                .onCursor(cursor -> cursorSink.accept(cursor.value()))
                .onPage(page -> progress.accept(page.read()));
        if (targetType != null) {
            copy.targetType(targetType);
        }
        if (pageSize > 0) {
            copy.pageSize(pageSize);
        } else {
            copy.maxPageBytes(KuzzleSteps.MAX_PAGE_BYTES);
        }
        if (writeConcurrency > 0) {
            copy.writeConcurrency(writeConcurrency);
        }
        return copy;
    }

    /** {@code out} where {@code placed} is placed; {@code placed} itself when the transform kept its id and source object. */
    private static ElasticsearchDocument placedAs(ElasticsearchDocument placed, Doc out) {
        if (out == null) {
            return null;
        }
        if (out.source() == placed.source() && out.id().equals(placed.id())) {
            return placed;
        }
        return new ElasticsearchDocument(placed.index(), placed.type(), out.id(), out.source());
    }

    @Override
    public void close() {
        client.close();
    }
}
