package io.upgradesdk.upgrade.kuzzle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where the source node's CPU goes when a whole index is read (a benchmark aid,
 * {@code -Dbench.sourceProbe=ROUNDS} of {@link KuzzleCopyBench}): the same index read to its end in
 * pages of the same size by a {@code _doc}-ordered scroll (elasticdump's way) and by
 * {@code search_after} on {@code _uid} (the copy's resumable way), each with and without the
 * {@code filter_path} the copy sends, interleaved; prints the source node's CPU per read.
 */
final class SourceCostProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILTER = "filter_path=_scroll_id,hits.hits._index,hits.hits._type,hits.hits._id,"
            + "hits.hits._source,hits.hits.sort";

    private final ElasticsearchConnection s;
    private final String index;
    private final LongSupplier sourceCpuMs;

    SourceCostProbe(ElasticsearchConnection s, String index, LongSupplier sourceCpuMs) {
        this.s = s;
        this.index = index;
        this.sourceCpuMs = sourceCpuMs;
    }

    void run(int rounds, int pageSize) {
        Map<String, List<Long>> cpu = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            for (String way : List.of("scroll _doc", "search_after _uid + filter_path",
                    "shard by shard, search_after _uid + filter_path", "2 shards at once, search_after _uid + filter_path")) {
                long c0 = sourceCpuMs.getAsLong();
                long t0 = System.nanoTime();
                long read = way.startsWith("scroll") ? scroll(pageSize, way.endsWith("filter_path"))
                        : way.startsWith("shard by shard") ? searchAfter(pageSize, true, 0) + searchAfter(pageSize, true, 1)
                        : way.startsWith("2 shards") ? bothShardsAtOnce(pageSize)
                        : searchAfter(pageSize, way.endsWith("filter_path"), -1);
                long ms = sourceCpuMs.getAsLong() - c0;
                System.out.printf("source probe %s %-50s %d docs, %5d ms wall, source CPU %5d ms%n",
                        round == 0 ? "warm-up" : "round " + round, way, read, (System.nanoTime() - t0) / 1_000_000, ms);
                if (round > 0) {
                    cpu.computeIfAbsent(way, k -> new ArrayList<>()).add(ms);
                }
            }
            s.send("POST", "/" + index + "/_cache/clear?fielddata=true&fields=_uid", null);
        }
        cpu.forEach((way, ms) -> System.out.printf("source probe median %-50s source CPU %d ms (%s)%n", way,
                ms.stream().sorted().toList().get(ms.size() / 2), ms));
    }

    private long scroll(int size, boolean filtered) {
        String filter = filtered ? "&" + FILTER : "";
        JsonNode page = s.send("POST", "/" + index + "/_search?scroll=1m" + filter,
                JSON.createObjectNode().put("size", size).set("sort", JSON.createArrayNode().add("_doc")));
        long read = 0;
        while (page.path("hits").path("hits").size() > 0) {
            read += page.path("hits").path("hits").size();
            page = s.send("POST", "/_search/scroll" + (filtered ? "?" + FILTER : ""), JSON.createObjectNode()
                    .put("scroll", "1m").put("scroll_id", page.path("_scroll_id").asText()));
        }
        s.send("DELETE", "/_search/scroll", JSON.createObjectNode().put("scroll_id", page.path("_scroll_id").asText()));
        return read;
    }

    private long bothShardsAtOnce(int size) {
        java.util.concurrent.CompletableFuture<Long> other =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> searchAfter(size, true, 1));
        return searchAfter(size, true, 0) + other.join();
    }

    /** The whole index, or one shard of it when {@code shard >= 0}, in {@code _uid} order. */
    private long searchAfter(int size, boolean filtered, int shard) {
        String preference = shard >= 0 ? "preference=_shards:" + shard : "";
        String query = filtered ? FILTER + (preference.isEmpty() ? "" : "&" + preference) : preference;
        long read = 0;
        ArrayNode after = null;
        while (true) {
            ObjectNode body = JSON.createObjectNode().put("size", size);
            body.set("query", JSON.createObjectNode().set("match_all", JSON.createObjectNode()));
            body.putArray("sort").addObject().put("_uid", "asc");
            if (after != null) {
                body.set("search_after", after);
            }
            JsonNode hits = s.send("POST", "/" + index + "/_search" + (query.isEmpty() ? "" : "?" + query), body)
                    .path("hits").path("hits");
            read += hits.size();
            if (hits.size() < size) {
                return read;
            }
            after = (ArrayNode) hits.get(hits.size() - 1).path("sort");
        }
    }
}
