package io.upgradesdk.upgrade.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process HTTP server answering the few Elasticsearch 7.x/8.x requests the copy engine sends
 * (node version, index listing, shard count (one), count, search_after pages on {@code _id} or on
 * {@code _seq_no} (the position of a document in id order), bulk, refresh), over in-memory indices. Enough to test the public copy API without a real node; the real nodes test
 * the engine itself.
 */
final class FakeCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String version;
    final Map<String, NavigableMap<String, ObjectNode>> indices = new ConcurrentHashMap<>();
    /** How many times each "index/id" was written by a bulk request. */
    final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
    /** The {@code size} of every page search. */
    final List<Integer> pageSizes = new CopyOnWriteArrayList<>();
    /** The bulk request (1-based) that fails with HTTP 400; 0 = none. */
    volatile int failBulkNumber;
    /** Primary shards of every index; a document's shard is its id's hash modulo this. */
    volatile int shards = 1;
    /** The shard of every page search that named one ({@code preference=_shards:N}). */
    final List<Integer> shardsSearched = new CopyOnWriteArrayList<>();
    private final AtomicInteger bulks = new AtomicInteger();
    /** Processors of the one data node ({@code GET /_nodes/os}); 0: that request is not answered. */
    volatile int processors;
    /** Requests for the nodes' processors. */
    final AtomicInteger processorRequests = new AtomicInteger();
    /** How long every bulk request takes to answer. */
    volatile long bulkMillis;
    /**
     * When positive, a bulk request is held (up to 10 s) until this many have been in flight at
     * once, a single time: a test asserting that the copy reaches N bulks in flight then does not
     * depend on how fast a loaded machine serves the pages in between.
     */
    volatile int holdBulksUntilInFlight;
    private final Object bulkGate = new Object();
    /** Bulk requests being answered now, and the most at once. */
    final AtomicInteger bulksInFlight = new AtomicInteger();
    final AtomicInteger mostBulksInFlight = new AtomicInteger();
    /** What each refresh request named: the index list of {@code /<indices>/_refresh}, or {@code _all} for {@code /_refresh}. */
    final List<String> refreshed = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Called when a page search is answered with hits, before the answer is sent. */
    volatile Runnable onPageServed = () -> { };
    /** Called when a bulk request is answered (written or refused), before the answer is sent. */
    volatile Runnable onBulkAnswered = () -> { };
    /** The shard whose page searches fail with HTTP 500; -1 = none. */
    volatile int failSearchesOfShard = -1;
    private final ExecutorService handlers;

    FakeCluster(String version) throws IOException {
        this(version, 1);
    }

    /** A cluster answering up to {@code handlerThreads} requests at the same time (the default one, one at a time). */
    FakeCluster(String version, int handlerThreads) throws IOException {
        this.version = version;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        this.handlers = handlerThreads > 1 ? Executors.newFixedThreadPool(handlerThreads) : null;
        server.setExecutor(handlers);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    ElasticsearchConnection connect() {
        return ElasticsearchConnection.open(ElasticsearchEndpoint.of(url()));
    }

    /** Adds {@code count} documents {@code d000}.. with {@code {"n": i, "name": "doc i"}}. */
    FakeCluster seed(String index, int count) {
        NavigableMap<String, ObjectNode> docs = index(index);
        for (int i = 0; i < count; i++) {
            docs.put(String.format("d%03d", i), JSON.createObjectNode().put("n", i).put("name", "doc " + i));
        }
        return this;
    }

    NavigableMap<String, ObjectNode> index(String name) {
        return indices.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>());
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String query = x.getRequestURI().getRawQuery();
            byte[] body = x.getRequestBody().readAllBytes();
            String[] parts = path.substring(1).split("/");
            Object answer;
            int status = 200;
            if (path.startsWith("/_nodes/_local")) {
                answer = JSON.createObjectNode().set("nodes", JSON.createObjectNode().set("n1",
                        JSON.createObjectNode().put("version", version)));
            } else if (path.startsWith("/_cat/indices/")) {
                ArrayNode out = JSON.createArrayNode();
                new TreeMap<>(indices).keySet().stream().filter(i -> i.equals(decode(parts[2])))
                        .forEach(i -> out.addObject().put("index", i));
                answer = out;
            } else if (path.startsWith("/_nodes/os") && processors > 0) {
                processorRequests.incrementAndGet();
                answer = JSON.createObjectNode().set("nodes", JSON.createObjectNode().set("n1", JSON.createObjectNode()
                        .<ObjectNode>set("roles", JSON.createArrayNode().add("data"))
                        .set("os", JSON.createObjectNode().put("allocated_processors", processors))));
            } else if (path.equals("/_bulk")) {
                int inFlight = bulksInFlight.incrementAndGet();
                mostBulksInFlight.accumulateAndGet(inFlight, Math::max);
                try {
                    holdUntilBulksMet();
                    Thread.sleep(bulkMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    bulksInFlight.decrementAndGet();
                }
                if (bulks.incrementAndGet() == failBulkNumber) {
                    status = 400;
                    answer = JSON.createObjectNode().set("error", JSON.createObjectNode().put("type", "test_failure")
                            .put("reason", "bulk request " + failBulkNumber + " refused by the test"));
                } else {
                    answer = bulk(new String(body, StandardCharsets.UTF_8));
                }
                onBulkAnswered.run();
            } else if (path.equals("/_refresh") || parts.length == 2 && parts[1].equals("_refresh")) {
                refreshed.add(path.equals("/_refresh") ? "_all" : decode(parts[0]));
                answer = JSON.createObjectNode();
            } else if (parts.length == 3 && parts[1].equals("_settings")) {
                ObjectNode settings = JSON.createObjectNode();
                settings.putObject(decode(parts[0])).putObject("settings").put("index.number_of_shards", String.valueOf(shards));
                answer = settings;
            } else if (parts.length == 2 && parts[1].equals("_count")) {
                java.util.Set<Integer> counted = shardsCounted(query);
                answer = JSON.createObjectNode().put("count", index(decode(parts[0])).keySet().stream()
                        .filter(id -> counted == null || counted.contains(shardOfId(id))).count());
            } else if (parts.length == 2 && parts[1].equals("_search")) {
                Integer shard = shardOf(query);
                if (shard != null && shard == failSearchesOfShard) {
                    status = 500;
                    answer = JSON.createObjectNode().set("error", JSON.createObjectNode().put("type", "test_failure")
                            .put("reason", "search of shard " + shard + " refused by the test"));
                } else {
                    ObjectNode page = search(decode(parts[0]), JSON.readTree(body),
                            query != null && query.contains("ignore_unavailable"), shard);
                    if (!page.path("hits").path("hits").isEmpty()) {
                        onPageServed.run();
                    }
                    answer = page;
                }
            } else {
                status = 400;
                answer = JSON.createObjectNode().set("error", JSON.createObjectNode().put("type", "unsupported")
                        .put("reason", x.getRequestMethod() + " " + path + " is not faked"));
            }
            byte[] out = JSON.writeValueAsBytes(answer);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(status, out.length);
            try (OutputStream os = x.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private Integer shardOf(String query) {
        if (query == null || !query.contains("preference=_shards:")) {
            return null;
        }
        String rest = query.substring(query.indexOf("preference=_shards:") + "preference=_shards:".length());
        int shard = Integer.parseInt(rest.split("&")[0]);
        shardsSearched.add(shard);
        return shard;
    }

    /** The shards a count names ({@code preference=_shards:1,3}), or null for all of them. */
    private static java.util.Set<Integer> shardsCounted(String query) {
        if (query == null || !query.contains("preference=_shards:")) {
            return null;
        }
        String list = query.substring(query.indexOf("preference=_shards:") + "preference=_shards:".length()).split("&")[0];
        return java.util.Arrays.stream(decode(list).split(",")).map(Integer::valueOf).collect(java.util.stream.Collectors.toSet());
    }

    /** The shard a document lives in. */
    int shardOfId(String id) {
        return Math.floorMod(id.hashCode(), shards);
    }

    private ObjectNode search(String index, JsonNode request, boolean sample, Integer shard) {
        NavigableMap<String, ObjectNode> docs = new java.util.TreeMap<>(index(index));
        if (shard != null) {
            docs.keySet().removeIf(id -> shardOfId(id) != shard);
        }
        int size = request.path("size").asInt(10);
        if (!sample) {
            pageSizes.add(size);
        }
        boolean bySeqNo = request.path("sort").path(0).has("_seq_no");
        List<String> ids = new ArrayList<>(docs.keySet());
        int first = !request.has("search_after") ? 0 : bySeqNo ? request.path("search_after").get(0).asInt() + 1
                : docs.headMap(request.path("search_after").get(0).asText(), true).size();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode hits = answer.putObject("hits").putArray("hits");
        for (int i = first; i < ids.size() && i < first + size; i++) {
            String id = ids.get(i);
            ObjectNode hit = hits.addObject().put("_index", index).put("_id", id);
            hit.set("_source", docs.get(id).deepCopy());
            if (bySeqNo) {
                hit.putArray("sort").add(i);
            } else {
                hit.putArray("sort").add(id);
            }
        }
        return answer;
    }

    private ObjectNode bulk(String ndjson) throws IOException {
        String[] lines = ndjson.split("\n");
        ObjectNode answer = JSON.createObjectNode().put("errors", false);
        ArrayNode items = answer.putArray("items");
        List<Runnable> stores = new ArrayList<>();
        for (int i = 0; i + 1 < lines.length; i += 2) {
            JsonNode action = JSON.readTree(lines[i]).path("index");
            ObjectNode source = (ObjectNode) JSON.readTree(lines[i + 1]);
            String index = action.path("_index").asText();
            String id = action.path("_id").asText();
            stores.add(() -> {
                index(index).put(id, source);
                writes.computeIfAbsent(index + "/" + id, k -> new AtomicInteger()).incrementAndGet();
            });
            items.addObject().putObject("index").put("status", 201);
        }
        stores.forEach(Runnable::run);
        return answer;
    }

    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        if (handlers != null) {
            handlers.shutdownNow();
        }
    }

    private void holdUntilBulksMet() throws InterruptedException {
        int wanted = holdBulksUntilInFlight;
        if (wanted <= 0) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (bulkGate) {
            bulkGate.notifyAll();
            long left;
            while (mostBulksInFlight.get() < wanted && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(bulkGate, left);
            }
        }
    }
}
