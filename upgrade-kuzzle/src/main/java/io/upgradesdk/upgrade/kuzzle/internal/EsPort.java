package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * What the Kuzzle steps need from one Elasticsearch cluster (5.6 source with mapping types, or a
 * 5.6/7.x/8.x target). Implemented over the upgrade-elasticsearch client layer and copy engine;
 * faked in unit tests. Index names are passed raw ({@code %}, {@code &}, {@code @} are encoded by
 * the implementation).
 */
public interface EsPort extends AutoCloseable {

    /** Major version of the cluster (5, 7, 8). */
    int majorVersion();

    /** An identity of the cluster, equal for two URLs of the same cluster (defect B13). */
    String clusterIdentity();

    /** Every index with its mapping types (ES 5) — {@code _default_} excluded; typeless clusters give {@code _doc}. */
    List<SourceIndex> inventory();

    /** The mapping of one type of a (typed) source index: the object under the type name. */
    Optional<JsonNode> typeMapping(String index, String type);

    /** The settings of an index: the object under {@code settings}. */
    JsonNode indexSettings(String index);

    boolean exists(String index);

    /** Those of {@code indices} that exist, in as few requests as the port can (one for a plan's targets). */
    default Set<String> existing(Collection<String> indices) {
        Set<String> out = new LinkedHashSet<>();
        indices.stream().filter(this::exists).forEach(out::add);
        return out;
    }

    /** Creates an index with this body ({@code settings} + {@code mappings}). */
    void createIndex(String index, ObjectNode body);

    /**
     * Creates an index that has an alias: in one request where the cluster allows it (the alias in
     * the creation body), saving a cluster state update per index.
     */
    default void createIndex(String index, ObjectNode body, String alias) {
        createIndex(index, body);
        putAlias(index, alias);
    }

    /** An index to create: its body ({@code settings} + {@code mappings}) and its alias (null: none). */
    record NewIndex(String name, ObjectNode body, String alias) {
    }

    /** Creates several indices, at once where the port can (each waits for its shards on its own). */
    default void createIndices(List<NewIndex> indices) {
        for (NewIndex i : indices) {
            if (i.alias() == null) {
                createIndex(i.name(), i.body());
            } else {
                createIndex(i.name(), i.body(), i.alias());
            }
        }
    }

    /** Updates dynamic index settings, e.g. {@code {"index":{"refresh_interval":null}}}. */
    void putSettings(String index, ObjectNode settings);

    /** Updates the same dynamic settings of several indices, in one request (one cluster state update) where the port can. */
    default void putSettings(Collection<String> indices, ObjectNode settings) {
        indices.forEach(i -> putSettings(i, settings));
    }

    /** Adds an alias to an index (no other parameter; B15). */
    void putAlias(String index, String alias);

    /** Adds an alias with its definition ({@code filter}, routing) to an index (no {@code _type}; B15). */
    void putAlias(String index, String alias, ObjectNode definition);

    /** The aliases of one concrete index (never a cluster-wide listing; B15): name → definition. */
    Map<String, ObjectNode> aliases(String index);

    /** Deletes indices (never wildcards). */
    void deleteIndices(Collection<String> indices);

    /** Documents of {@code index} (of {@code type} on typed sources, null = all), optionally not in the trashcan. */
    long count(String index, String type, boolean excludeTrashed);

    /** What {@link #count} counts: documents of {@code index} (of {@code type}, null = all), optionally not in the trashcan. */
    record CountQuery(String index, String type, boolean excludeTrashed) {
    }

    /** The counts of several queries, in their order, in one request where the port can. */
    default List<Long> counts(List<CountQuery> queries) {
        return queries.stream().map(q -> count(q.index(), q.type(), q.excludeTrashed())).toList();
    }

    /** Makes recent writes visible to count/search. */
    void refresh(String index);

    /** Makes recent writes of several indices visible, in one request where the port can. */
    default void refresh(Collection<String> indices) {
        indices.forEach(this::refresh);
    }

    /** The documents of these ids that exist (id → source), in one request where the port can. */
    default Map<String, ObjectNode> getAll(String index, String type, List<String> ids) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (String id : ids) {
            get(index, type, id).ifPresent(doc -> out.put(id, doc));
        }
        return out;
    }

    /** One document or empty. */
    Optional<ObjectNode> get(String index, String type, String id);

    /** Writes one document (index operation: replaces). */
    void put(String index, String type, Doc doc);

    /** Writes several documents of one index (index operations: replace), in one request where the port can. */
    default void putAll(String index, String type, List<Doc> docs) {
        docs.forEach(d -> put(index, type, d));
    }

    /** Up to {@code size} documents of a source collection, for verification samples. */
    List<Doc> sample(String index, String type, int size);

    /** The first {@code size} documents (in id order) of a collection ({@code type} null = all): one verification sample. */
    record SampleQuery(String index, String type, int size) {
    }

    /** The samples of several collections, in their order, in one request where the port can. */
    default List<List<Doc>> samples(List<SampleQuery> queries) {
        return queries.stream().map(q -> sample(q.index(), q.type(), q.size())).toList();
    }

    /** Documents to read by id: {@code type} is the mapping type on 5.x, null otherwise. */
    record DocIds(String index, String type, List<String> ids) {
    }

    /** For each of {@code wanted}, in order, the documents of its ids that exist (id → source); one request where the port can. */
    default List<Map<String, ObjectNode>> getAll(List<DocIds> wanted) {
        return wanted.stream().map(w -> getAll(w.index(), w.type(), w.ids())).toList();
    }

    /** Result of a copy. */
    record CopyResult(long read, long written, long dropped) {
    }

    /**
     * Copies every document of {@code sourceIndex}/{@code sourceType} (this cluster) into
     * {@code targetIndex} of {@code target} ({@code targetType} = "default" on a 5.x target, null
     * otherwise), applying {@code transform} (null result = drop). Every bulk item is checked: a
     * rejected document fails the copy (defect B1). Resumes after {@code resumeCursor} (null = start);
     * {@code cursorSink} receives a cursor after each written page; memory stays bounded by a page.
     * {@code pageSize}: documents per page, or 0 to size pages by bytes (never more than
     * {@link KuzzleSteps#MAX_PAGE_BYTES} of the largest sampled documents).
     */
    CopyResult copy(String sourceIndex, String sourceType, EsPort target, String targetIndex, String targetType,
            int pageSize, String resumeCursor, Function<Doc, Doc> transform, Consumer<String> cursorSink,
            LongConsumer progress);

    /**
     * Copies one slice ({@code slice} of {@code slices}) of what {@link #copy} copies: the documents
     * of the source shards {@code s} with {@code s % slices == slice}, resumable at the slice's own
     * cursor. Slices of one collection may run at the same time; {@code slices} must not exceed
     * {@link #primaryShards} of the source index.
     */
    CopyResult copySlice(String sourceIndex, String sourceType, EsPort target, String targetIndex, String targetType,
            int slice, int slices, int pageSize, String resumeCursor, Function<Doc, Doc> transform,
            Consumer<String> cursorSink, LongConsumer progress);

    /** The number of primary shards of an index (1 when its settings do not say). */
    default int primaryShards(String index) {
        return Math.max(1, indexSettings(index).path("index").path("number_of_shards").asInt(1));
    }

    @Override
    void close();
}
