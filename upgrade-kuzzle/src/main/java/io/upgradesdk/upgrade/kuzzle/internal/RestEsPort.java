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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * {@link EsPort} over upgrade-elasticsearch's public API: an {@link ElasticsearchConnection} and
 * {@link DocumentCopy} (search_after paging, bulk with every item checked (defect B1), cursor per page).
 */
public final class RestEsPort implements EsPort {

    private final ElasticsearchConnection client;
    private final int writeConcurrency;

    public RestEsPort(ElasticsearchConnection client) {
        this(client, 1);
    }

    /**
     * A port whose copies keep up to {@code writeConcurrency} bulk requests in flight (0: as many
     * as the copy engine chooses from the target's nodes).
     */
    public RestEsPort(ElasticsearchConnection client, int writeConcurrency) {
        this.client = client;
        this.writeConcurrency = writeConcurrency;
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

    @Override
    public String clusterIdentity() {
        JsonNode state = client.getIfExists("/_cluster/state/metadata?filter_path=metadata.cluster_uuid")
                .orElse(Json.object());
        String uuid = state.path("metadata").path("cluster_uuid").asText("");
        if (!uuid.isEmpty() && !uuid.equals("_na_")) {
            return uuid;
        }
        Iterator<String> ids = client.get("/_nodes/_local?filter_path=nodes.*.name").path("nodes").fieldNames();
        return ids.hasNext() ? "node:" + ids.next() : client.name();
    }

    @Override
    public List<SourceIndex> inventory() {
        JsonNode all = client.get("/_mapping");
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
        Optional<JsonNode> r = client.getIfExists("/" + enc(index) + "/_mapping/" + enc(type));
        return r.map(n -> n.path(index).path("mappings").path(type)).filter(JsonNode::isObject);
    }

    @Override
    public JsonNode indexSettings(String index) {
        return client.get("/" + enc(index) + "/_settings").path(index).path("settings");
    }

    @Override
    public boolean exists(String index) {
        return client.exists("/" + enc(index));
    }

    @Override
    public void createIndex(String index, ObjectNode body) {
        client.send("PUT", "/" + enc(index), body);
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
        client.send("PUT", "/" + enc(index) + "/_settings", settings);
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

    @Override
    public List<Doc> sample(String index, String type, int size) {
        ObjectNode body = Json.object();
        body.put("size", size);
        body.set("query", query(type, false));
        body.putArray("sort").addObject().put(typed() ? "_uid" : "_id", "asc");
        ArrayNode hits = (ArrayNode) client.send("POST", "/" + enc(index) + "/_search", body).path("hits").path("hits");
        List<Doc> out = new ArrayList<>();
        hits.forEach(h -> out.add(new Doc(h.path("_id").asText(), (ObjectNode) h.get("_source"))));
        return out;
    }

    @Override
    public CopyResult copy(String sourceIndex, String sourceType, EsPort target, String targetIndex, String targetType,
            int pageSize, String resumeCursor, Function<Doc, Doc> transform, Consumer<String> cursorSink,
            LongConsumer progress) {
        DocumentCopy.Builder copy = DocumentCopy.from(client, sourceIndex)
                .to(((RestEsPort) target).connection(), targetIndex)
                .query(query(sourceType, false))
                .refreshAtEnd(false)
                .transform(placed -> {
                    Doc out = transform.apply(new Doc(placed.id(), placed.source()));
                    return out == null ? null
                            : new ElasticsearchDocument(placed.index(), placed.type(), out.id(), out.source());
                })
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
        DocumentCopy.Result r = copy.build().run(resumeCursor == null ? null : CopyCursor.of(resumeCursor));
        return new CopyResult(r.read(), r.written(), r.dropped());
    }

    @Override
    public void close() {
        client.close();
    }
}
