package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/** An in-memory cluster for unit tests of the steps (typed like ES 5 when {@code major == 5}). */
final class FakeEs implements EsPort {

    static final class Index {
        ObjectNode settings = Json.object();
        final Map<String, JsonNode> mappings = new LinkedHashMap<>();
        final Map<String, TreeMap<String, ObjectNode>> docs = new LinkedHashMap<>();
        final Set<String> aliases = new LinkedHashSet<>();
        ObjectNode createBody;
        final List<ObjectNode> settingsUpdates = new ArrayList<>();
    }

    final String identity;
    final int major;
    final Map<String, Index> indices = new TreeMap<>();
    /** Throws after this many written pages (all copies together), to simulate a killed run; -1 = never. */
    int crashAfterPages = -1;
    long pagesWritten;
    long documentsRead;
    final List<String> writes = new ArrayList<>();
    /** How often each lookup was asked: {@code exists}, {@code existing}, {@code count}, {@code counts}, {@code sample}, {@code samples}. */
    final Map<String, Integer> lookups = new TreeMap<>();

    private void asked(String lookup) {
        lookups.merge(lookup, 1, Integer::sum);
    }

    FakeEs(String identity, int major) {
        this.identity = identity;
        this.major = major;
    }

    FakeEs doc(String index, String type, String id, String json) {
        Index i = indices.computeIfAbsent(index, k -> new Index());
        i.mappings.putIfAbsent(type, Json.object());
        i.docs.computeIfAbsent(type, k -> new TreeMap<>()).put(id, Json.parseObject(json));
        return this;
    }

    FakeEs mapping(String index, String type, String json) {
        indices.computeIfAbsent(index, k -> new Index()).mappings.put(type, Json.parseObject(json));
        return this;
    }

    FakeEs settings(String index, String json) {
        indices.computeIfAbsent(index, k -> new Index()).settings = Json.parseObject(json);
        return this;
    }

    Map<String, ObjectNode> docsOf(String index) {
        Map<String, ObjectNode> all = new TreeMap<>();
        Index i = indices.get(index);
        if (i != null) {
            i.docs.values().forEach(all::putAll);
        }
        return all;
    }

    @Override
    public synchronized int majorVersion() {
        return major;
    }

    @Override
    public synchronized String clusterIdentity() {
        return identity;
    }

    @Override
    public synchronized List<SourceIndex> inventory() {
        List<SourceIndex> out = new ArrayList<>();
        indices.forEach((name, i) -> out.add(new SourceIndex(name, new ArrayList<>(i.mappings.keySet()))));
        return out;
    }

    @Override
    public synchronized Optional<JsonNode> typeMapping(String index, String type) {
        Index i = indices.get(index);
        return i == null ? Optional.empty() : Optional.ofNullable(i.mappings.get(type));
    }

    @Override
    public synchronized JsonNode indexSettings(String index) {
        return indices.get(index).settings;
    }

    @Override
    public synchronized boolean exists(String index) {
        asked("exists");
        return indices.containsKey(index);
    }

    @Override
    public synchronized void createIndex(String index, ObjectNode body) {
        if (indices.containsKey(index)) {
            throw new IllegalStateException("resource_already_exists_exception " + index);
        }
        writes.add("create " + index);
        Index i = new Index();
        i.createBody = body;
        i.mappings.put(major == 5 ? "default" : "_doc", body.get("mappings"));
        indices.put(index, i);
    }

    @Override
    public synchronized void putSettings(String index, ObjectNode settings) {
        writes.add("settings " + index);
        indices.get(index).settingsUpdates.add(settings.deepCopy());
    }

    @Override
    public synchronized void putAlias(String index, String alias) {
        writes.add("alias " + alias);
        indices.get(index).aliases.add(alias);
    }

    final List<String> aliasLookups = new ArrayList<>();
    final Map<String, Map<String, ObjectNode>> aliasDefinitions = new TreeMap<>();

    @Override
    public synchronized void putAlias(String index, String alias, ObjectNode definition) {
        writes.add("alias " + alias);
        indices.get(index).aliases.add(alias);
        aliasDefinitions.computeIfAbsent(index, k -> new TreeMap<>()).put(alias, definition.deepCopy());
    }

    @Override
    public synchronized Map<String, ObjectNode> aliases(String index) {
        aliasLookups.add(index);
        return aliasDefinitions.getOrDefault(index, Map.of());
    }

    @Override
    public synchronized void deleteIndices(Collection<String> names) {
        writes.add("delete " + names);
        names.forEach(indices::remove);
    }

    @Override
    public synchronized long count(String index, String type, boolean excludeTrashed) {
        asked("count");
        return countOf(index, type, excludeTrashed);
    }

    private long countOf(String index, String type, boolean excludeTrashed) {
        Index i = indices.get(index);
        if (i == null) {
            return 0;
        }
        return i.docs.entrySet().stream().filter(e -> type == null || e.getKey().equals(type))
                .flatMap(e -> e.getValue().values().stream())
                .filter(d -> !excludeTrashed || !DocumentTransforms.isTrashed(d)).count();
    }

    @Override
    public synchronized void refresh(String index) {
    }

    private String typeKey(String type) {
        return type == null ? "_doc" : type;
    }

    @Override
    public synchronized Optional<ObjectNode> get(String index, String type, String id) {
        Index i = indices.get(index);
        if (i == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(i.docs.getOrDefault(typeKey(type), new TreeMap<>()).get(id)).map(ObjectNode::deepCopy);
    }

    @Override
    public synchronized void put(String index, String type, Doc doc) {
        writes.add("put " + index + "/" + doc.id());
        indices.get(index).docs.computeIfAbsent(typeKey(type), k -> new TreeMap<>()).put(doc.id(), doc.source().deepCopy());
    }

    @Override
    public synchronized List<Doc> sample(String index, String type, int size) {
        asked("sample");
        return sampleOf(index, type, size);
    }

    private List<Doc> sampleOf(String index, String type, int size) {
        return indices.get(index).docs.getOrDefault(type, new TreeMap<>()).entrySet().stream().limit(size)
                .map(e -> new Doc(e.getKey(), e.getValue().deepCopy())).toList();
    }

    @Override
    public synchronized CopyResult copy(String sourceIndex, String sourceType, EsPort target, String targetIndex, String targetType,
            int pageSize, String resumeCursor, Function<Doc, Doc> transform, Consumer<String> cursorSink,
            LongConsumer progress) {
        TreeMap<String, ObjectNode> docs = indices.get(sourceIndex).docs.getOrDefault(sourceType, new TreeMap<>());
        return copyPages(docs, target, targetIndex, targetType, pageSize, resumeCursor, transform, cursorSink, progress);
    }

    /** The shard a document of this fake lives on: its id's hash modulo the index's primary shards. */
    int shardOf(String index, String id) {
        return Math.floorMod(id.hashCode(), primaryShards(index));
    }

    /** Slice {@code slice}: the documents of the shards {@code s % slices == slice}, in id order (the cursor: the last id). */
    @Override
    public CopyResult copySlice(String sourceIndex, String sourceType, EsPort target, String targetIndex,
            String targetType, int slice, int slices, int pageSize, String resumeCursor, Function<Doc, Doc> transform,
            Consumer<String> cursorSink, LongConsumer progress) {
        if (slices > 1) {
            awaitConcurrentSliceCopies();
        }
        synchronized (this) {
            return copySliceLocked(sourceIndex, sourceType, target, targetIndex, targetType, slice, slices, pageSize,
                    resumeCursor, transform, cursorSink, progress);
        }
    }

    /**
     * When set, the first slice copies of multi-slice collections wait (outside this fake's lock, at most 10 s) until
     * this many have started, so that a test of several workers sees each of them copy, whatever the scheduling.
     */
    private CountDownLatch concurrentSliceCopies;

    FakeEs awaitConcurrentSliceCopies(int copies) {
        concurrentSliceCopies = new CountDownLatch(copies);
        return this;
    }

    private void awaitConcurrentSliceCopies() {
        CountDownLatch latch = concurrentSliceCopies;
        if (latch == null || latch.getCount() == 0) {
            return;
        }
        latch.countDown();
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized CopyResult copySliceLocked(String sourceIndex, String sourceType, EsPort target,
            String targetIndex, String targetType, int slice, int slices, int pageSize, String resumeCursor,
            Function<Doc, Doc> transform, Consumer<String> cursorSink, LongConsumer progress) {
        if (slices > primaryShards(sourceIndex)) {
            throw new IllegalStateException(slices + " slices of " + sourceIndex + " with fewer shards");
        }
        sliceCopies.add(sourceIndex + "/" + sourceType + " " + slice + "/" + slices + " from " + resumeCursor);
        TreeMap<String, ObjectNode> docs = new TreeMap<>();
        indices.get(sourceIndex).docs.getOrDefault(sourceType, new TreeMap<>()).forEach((id, doc) -> {
            if (shardOf(sourceIndex, id) % slices == slice) {
                docs.put(id, doc);
            }
        });
        return copyPages(docs, target, targetIndex, targetType, pageSize, resumeCursor, transform, cursorSink, progress);
    }

    /** Every slice copy started: {@code index/type slice/slices from cursor}. */
    final List<String> sliceCopies = new ArrayList<>();

    private CopyResult copyPages(TreeMap<String, ObjectNode> docs, EsPort target, String targetIndex,
            String targetType, int pageSize, String resumeCursor, Function<Doc, Doc> transform,
            Consumer<String> cursorSink, LongConsumer progress) {
        Map<String, ObjectNode> rest = resumeCursor == null ? docs : docs.tailMap(resumeCursor, false);
        FakeEs dst = (FakeEs) target;
        long read = 0;
        long written = 0;
        long dropped = 0;
        List<Map.Entry<String, ObjectNode>> page = new ArrayList<>();
        List<Map.Entry<String, ObjectNode>> all = new ArrayList<>(rest.entrySet());
        int step = pageSize > 0 ? pageSize : 1000;
        for (int k = 0; k < all.size(); k += step) {
            page.clear();
            page.addAll(all.subList(k, Math.min(all.size(), k + step)));
            for (Map.Entry<String, ObjectNode> e : page) {
                read++;
                documentsRead++;
                Doc out = transform.apply(new Doc(e.getKey(), e.getValue().deepCopy()));
                if (out == null) {
                    dropped++;
                } else {
                    dst.put(targetIndex, targetType, out);
                    written++;
                }
            }
            if (crashAfterPages >= 0 && pagesWritten >= crashAfterPages) {
                throw new IllegalStateException("simulated kill");
            }
            pagesWritten++;
            cursorSink.accept(page.get(page.size() - 1).getKey());
            progress.accept(read);
        }
        return new CopyResult(read, written, dropped);
    }

    /** As a real cluster answers: every name in one lookup. */
    @Override
    public synchronized Set<String> existing(Collection<String> names) {
        asked("existing");
        Set<String> out = new LinkedHashSet<>();
        names.stream().filter(indices::containsKey).forEach(out::add);
        return out;
    }

    @Override
    public synchronized List<Long> counts(List<CountQuery> queries) {
        asked("counts");
        List<Long> out = new ArrayList<>();
        for (CountQuery q : queries) {
            out.add(countOf(q.index(), q.type(), q.excludeTrashed()));
        }
        return out;
    }

    @Override
    public synchronized List<List<Doc>> samples(List<SampleQuery> queries) {
        asked("samples");
        List<List<Doc>> out = new ArrayList<>();
        for (SampleQuery q : queries) {
            out.add(sampleOf(q.index(), q.type(), q.size()));
        }
        return out;
    }

    @Override
    public synchronized void close() {
    }
}
