package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Loads a {@link V1Dataset} into a real Elasticsearch 5.6 and reads indices back. */
final class EsFixtures {

    private EsFixtures() {
    }

    static ElasticsearchConnection client(String url) {
        return ElasticsearchConnection.open(ElasticsearchEndpoint.of(url));
    }

    static void load(String url, V1Dataset data) {
        try (ElasticsearchConnection es = client(url)) {
            for (V1Dataset.IndexDef i : data.indices) {
                ObjectNode body = Json.object();
                body.set("settings", Json.parseObject(i.settings()));
                ObjectNode mappings = body.putObject("mappings");
                i.mappings().forEach((t, m) -> mappings.set(t, Json.parseObject(m)));
                es.send("PUT", "/" + RestEsPort.enc(i.name()), body);
            }
            StringBuilder nd = new StringBuilder();
            int n = 0;
            for (V1Dataset.DocDef d : data.docs) {
                ObjectNode meta = Json.object();
                meta.putObject("index").put("_index", d.index()).put("_type", d.type()).put("_id", d.id());
                nd.append(Json.write(meta)).append('\n').append(d.json()).append('\n');
                if (++n % 500 == 0) {
                    bulk(es, nd);
                }
            }
            bulk(es, nd);
            es.send("POST", "/_refresh", null);
        }
    }

    /**
     * Sends {@code nd} as one bulk; a bulk whose only failures are rejections (429: the node's write
     * queue full, e.g. right after a test that loaded it) is sent again, up to 5 times, since every
     * item is an index operation with its id.
     */
    private static void bulk(ElasticsearchConnection es, StringBuilder nd) {
        if (nd.length() == 0) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            JsonNode r = es.sendNdjson("/_bulk", nd.toString());
            JsonNode failed = firstFailedItem(r);
            if (failed == null) {
                nd.setLength(0);
                return;
            }
            if (attempt == 5 || !onlyRejections(r)) {
                throw new IllegalStateException("fixture bulk failed (attempt " + attempt + "), first failed item: "
                        + failed);
            }
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while retrying a rejected fixture bulk", e);
            }
        }
    }

    private static JsonNode firstFailedItem(JsonNode bulkAnswer) {
        if (!bulkAnswer.path("errors").asBoolean()) {
            return null;
        }
        for (JsonNode item : bulkAnswer.path("items")) {
            if (item.elements().next().has("error")) {
                return item;
            }
        }
        return null;
    }

    private static boolean onlyRejections(JsonNode bulkAnswer) {
        for (JsonNode item : bulkAnswer.path("items")) {
            JsonNode op = item.elements().next();
            if (op.has("error") && op.path("status").asInt() != 429) {
                return false;
            }
        }
        return true;
    }

    /** Every document of an index (≤ 10000), by id. */
    static Map<String, ObjectNode> docs(String url, String index) {
        try (ElasticsearchConnection es = client(url)) {
            es.send("POST", "/" + RestEsPort.enc(index) + "/_refresh", null);
            JsonNode hits = es.send("POST", "/" + RestEsPort.enc(index) + "/_search",
                    Json.parseObject("{\"size\":10000}")).path("hits").path("hits");
            Map<String, ObjectNode> out = new TreeMap<>();
            hits.forEach(h -> out.put(h.path("_id").asText(), (ObjectNode) h.get("_source")));
            return out;
        }
    }

    /** Every document of one type of a 5.x index, by id. */
    static Map<String, ObjectNode> docs(String url, String index, String type) {
        try (ElasticsearchConnection es = client(url)) {
            JsonNode hits = es.send("POST", "/" + RestEsPort.enc(index) + "/" + RestEsPort.enc(type) + "/_search",
                    Json.parseObject("{\"size\":10000}")).path("hits").path("hits");
            Map<String, ObjectNode> out = new TreeMap<>();
            hits.forEach(h -> out.put(h.path("_id").asText(), (ObjectNode) h.get("_source")));
            return out;
        }
    }

    /** Documents visible after a refresh. */
    static long count(String url, String index) {
        try (ElasticsearchConnection es = client(url)) {
            es.send("POST", "/" + RestEsPort.enc(index) + "/_refresh", null);
            return es.send("POST", "/" + RestEsPort.enc(index) + "/_count", null).path("count").asLong();
        }
    }

    static List<String> indices(String url, String containing) {
        try (ElasticsearchConnection es = client(url)) {
            List<String> out = new ArrayList<>();
            es.get("/_cat/indices?format=json&h=index").forEach(n -> {
                if (n.path("index").asText().contains(containing)) {
                    out.add(n.path("index").asText());
                }
            });
            out.sort(String::compareTo);
            return out;
        }
    }

    static void deleteAll(String url, String containing) {
        List<String> names = indices(url, containing);
        if (!names.isEmpty()) {
            try (RestEsPort port = new RestEsPort(client(url))) {
                port.deleteIndices(names);
            }
        }
    }

    static JsonNode get(String url, String path) {
        try (ElasticsearchConnection es = client(url)) {
            return es.get(path);
        }
    }
}
