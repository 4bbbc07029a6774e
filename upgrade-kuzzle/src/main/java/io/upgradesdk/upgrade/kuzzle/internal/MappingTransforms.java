package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * v1 (Elasticsearch 5) mapping and settings → v2 (Elasticsearch 7/8) ones: {@code _kuzzle_info}
 * replaced by the v2 one, ES5-only parameters removed or converted, {@code dynamic_templates}
 * and {@code _meta} carried, analysis settings carried (defect B2). Pure functions.
 */
public final class MappingTransforms {

    /** Root mapping keys Elasticsearch 7/8 rejects or ignores for 5.x-created mappings. */
    private static final Set<String> REMOVED_ROOT = Set.of("_all", "_parent", "_timestamp", "_ttl", "_field_names",
            "_size", "include_in_all", "_default_");
    /** Field parameters Elasticsearch 7/8 rejects. */
    private static final Set<String> REMOVED_FIELD = Set.of("include_in_all", "geohash", "geohash_prefix",
            "geohash_precision", "lat_lon", "precision_step", "position_offset_gap", "fielddata_frequency_filter_legacy");

    private MappingTransforms() {
    }

    /** The v2 {@code _kuzzle_info} mapping (commonMapping of Kuzzle 2). */
    public static ObjectNode v2KuzzleInfo() {
        return Json.parseObject("{\"properties\":{\"author\":{\"type\":\"keyword\"},\"createdAt\":{\"type\":\"date\"},"
                + "\"updatedAt\":{\"type\":\"date\"},\"updater\":{\"type\":\"keyword\"}}}");
    }

    /**
     * A v1 type mapping ({@code GET index/_mapping/type} → the object under the type name) as a v2
     * typeless mapping. Every dropped or converted parameter is described in {@code findings}.
     */
    public static ObjectNode mapping(String where, JsonNode v1, List<String> findings) {
        ObjectNode out = Json.object();
        if (v1 == null || !v1.isObject()) {
            out.set("properties", Json.object().set("_kuzzle_info", v2KuzzleInfo()));
            return out;
        }
        for (Map.Entry<String, JsonNode> e : iterable(v1)) {
            String key = e.getKey();
            if (REMOVED_ROOT.contains(key)) {
                findings.add(where + ": mapping parameter " + key + " is not supported by Elasticsearch 7+: removed");
                continue;
            }
            switch (key) {
                case "properties" -> out.set("properties", properties(where, e.getValue(), findings));
                case "dynamic_templates" -> out.set("dynamic_templates", dynamicTemplates(where, e.getValue(), findings));
                default -> out.set(key, e.getValue().deepCopy());
            }
        }
        ObjectNode props = out.get("properties") instanceof ObjectNode p ? p : Json.object();
        if (props.has("_kuzzle_info") || !out.has("properties")) {
            props.set("_kuzzle_info", v2KuzzleInfo());
        }
        out.set("properties", props);
        return out;
    }

    private static ObjectNode properties(String where, JsonNode props, List<String> findings) {
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> e : iterable(props)) {
            out.set(e.getKey(), field(where + "." + e.getKey(), e.getValue(), findings));
        }
        return out;
    }

    private static ArrayNode dynamicTemplates(String where, JsonNode templates, List<String> findings) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode t : templates) {
            ObjectNode copy = Json.object();
            for (Map.Entry<String, JsonNode> e : iterable(t)) {
                ObjectNode body = (ObjectNode) e.getValue().deepCopy();
                if (body.get("mapping") instanceof ObjectNode m) {
                    body.set("mapping", field(where + ".dynamic_templates." + e.getKey(), m, findings));
                }
                copy.set(e.getKey(), body);
            }
            out.add(copy);
        }
        return out;
    }

    /** One field mapping, recursively (object properties, multi-fields). */
    static ObjectNode field(String where, JsonNode v1, List<String> findings) {
        ObjectNode f = ((ObjectNode) v1).deepCopy();
        for (String p : REMOVED_FIELD) {
            if (f.remove(p) != null) {
                findings.add(where + ": parameter " + p + " is not supported by Elasticsearch 7+: removed");
            }
        }
        JsonNode type = f.get("type");
        JsonNode index = f.get("index");
        if (type != null && "string".equals(type.asText())) {
            boolean notAnalyzed = index != null && "not_analyzed".equals(index.asText());
            f.put("type", notAnalyzed ? "keyword" : "text");
            findings.add(where + ": type string became " + (notAnalyzed ? "keyword" : "text"));
        }
        if (index != null && index.isTextual()) {
            switch (index.asText()) {
                case "no", "false" -> f.put("index", false);
                case "not_analyzed", "analyzed", "true" -> f.put("index", true);
                default -> {
                }
            }
        }
        if (f.get("norms") instanceof ObjectNode norms) {
            f.put("norms", norms.path("enabled").asBoolean(true));
        }
        if (f.get("similarity") != null && "classic".equals(f.get("similarity").asText())) {
            f.remove("similarity");
            findings.add(where + ": similarity classic was removed in Elasticsearch 7: default (BM25) used");
        }
        if (f.get("properties") instanceof ObjectNode props) {
            f.set("properties", properties(where, props, findings));
        }
        if (f.get("fields") instanceof ObjectNode fields) {
            f.set("fields", properties(where, fields, findings));
        }
        return f;
    }

    /**
     * The settings to create a v2 indice with, from {@code GET index/_settings} of the v1 index
     * (the object under {@code settings}): the analysis chain is carried (defect B2); shards and replicas
     * follow the target policy ({@code null} = Elasticsearch default).
     */
    public static ObjectNode settings(JsonNode v1Settings, Integer shards, Integer replicas) {
        ObjectNode index = Json.object();
        JsonNode analysis = v1Settings == null ? null : v1Settings.path("index").get("analysis");
        if (analysis != null && analysis.isObject()) {
            index.set("analysis", analysis.deepCopy());
        }
        if (shards != null) {
            index.put("number_of_shards", shards);
        }
        if (replicas != null) {
            index.put("number_of_replicas", replicas);
        }
        ObjectNode out = Json.object();
        if (!index.isEmpty()) {
            out.set("index", index);
        }
        return out;
    }

    /** {@code {"settings": ..., "mappings": ...}}, the body of an index creation (typed {@code default} on ES 5). */
    public static ObjectNode createBody(ObjectNode settings, ObjectNode mappings, boolean typed) {
        ObjectNode body = Json.object();
        body.set("settings", settings.deepCopy());
        body.set("mappings", typed ? Json.object().set("default", mappings.deepCopy()) : mappings.deepCopy());
        return body;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        node.fields().forEachRemaining(list::add);
        return list;
    }
}
