package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts a v1 {@code .kuzzlerc} (JSON with comments) to Kuzzle 2 (spec §3): the four renames of
 * the script, {@code client.host(s)} → {@code client.node(s)}, the obsolete keys, in one pass.
 * Reports key paths only, never values (the file may hold the JWT secret and passwords).
 */
public final class KuzzlercConverter {

    /** The converted configuration and what changed. */
    public record Result(ObjectNode v2, List<String> changes, List<String> notes) {
        public Result {
            changes = List.copyOf(changes);
            notes = List.copyOf(notes);
        }

        /** The v2 file content, pretty-printed, ending with a newline. */
        public String text() {
            try {
                return PRETTY.writeValueAsString(v2) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build());
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Rename rules, applied in order (later rules use the new parent names). */
    private static final List<String[]> RENAMES = List.of(
            new String[] {"services.db", "services.storageEngine"},
            new String[] {"services.internalEngine", "services.internalIndex"},
            new String[] {"services.storageEngine.commonMapping._kuzzle_info",
                "services.storageEngine.commonMapping.properties._kuzzle_info"},
            new String[] {"services.storageEngine.dynamic", "services.storageEngine.commonMapping.dynamic"},
            new String[] {"services.storageEngine.client.host", "services.storageEngine.client.node"},
            new String[] {"services.storageEngine.client.hosts", "services.storageEngine.client.nodes"});

    /** Keys Kuzzle 2 no longer knows. {@code realtime} is NOT one of them (issue #1979). */
    private static final List<String> OBSOLETE = List.of("server.entryPoints", "server.protocols.socketio",
            "server.proxy", "services.garbageCollector", "services.storageEngine.client.apiVersion",
            "services.storageEngine.commonMapping.properties._kuzzle_info.deletedAt",
            "services.storageEngine.commonMapping.properties._kuzzle_info.active",
            "services.storageEngine.commonMapping.properties._kuzzle_info.properties.deletedAt",
            "services.storageEngine.commonMapping.properties._kuzzle_info.properties.active");

    /** Keys that hold a section (a JSON object) when present, v1 and v2 names. */
    private static final List<String> SECTIONS = List.of("server", "server.protocols", "services", "services.db",
            "services.db.client", "services.db.commonMapping", "services.internalEngine", "services.storageEngine",
            "services.storageEngine.client", "services.storageEngine.commonMapping",
            "services.storageEngine.commonMapping.properties", "services.internalIndex", "services.internalCache",
            "services.memoryStorage", "security", "security.jwt", "plugins",
            "plugins.common", "limits", "http", "realtime", "cluster", "dump", "stats", "validation");
    /** Keys whose value must be text when present. */
    private static final List<String> TEXTS = List.of("security.jwt.secret", "security.jwt.algorithm",
            "services.storageEngine.client.node");
    /** Keys whose value must be an array when present. */
    private static final List<String> ARRAYS = List.of("services.storageEngine.client.nodes",
            "services.db.client.hosts");

    private KuzzlercConverter() {
    }

    /** Converts for a target on Kuzzle's default storage engine (Elasticsearch 7): see {@link #convert(String, String, int)}. */
    public static Result convert(String origin, String text) {
        return convert(origin, text, 7);
    }

    /**
     * Parses, checks the types of the keys it knows, and converts; {@code origin} names the file in
     * error messages. A target of an opt-in Elasticsearch major (8) sets
     * {@code services.storageEngine.majorVersion} to it, as the string Kuzzle expects.
     */
    public static Result convert(String origin, String text, int targetElasticsearchMajor) {
        ObjectNode v1 = parse(origin, text);
        requireKnownTypes(origin, v1);
        ObjectNode v2 = v1.deepCopy();
        List<String> changes = new ArrayList<>();
        applyRenames(origin, v2, changes);
        removeObsolete(v2, changes);
        selectStorageMajor(v2, targetElasticsearchMajor, changes);
        return new Result(v2, changes, notes(v2));
    }

    /** Opts Kuzzle 2 into the target's Elasticsearch major when it is not the default one. */
    private static void selectStorageMajor(ObjectNode v2, int targetElasticsearchMajor, List<String> changes) {
        StorageEnginePairing.majorVersionSetting(targetElasticsearchMajor).ifPresent(value -> {
            TextNode wanted = TextNode.valueOf(value);
            if (!wanted.equals(get(v2, StorageEnginePairing.MAJOR_VERSION_KEY))) {
                put(v2, StorageEnginePairing.MAJOR_VERSION_KEY, wanted);
                changes.add("set " + StorageEnginePairing.MAJOR_VERSION_KEY + " = \"" + value
                        + "\" (the target is Elasticsearch " + targetElasticsearchMajor + ")");
            }
        });
    }

    /** The top-level object of the file; a syntax error names line and column, never the content. */
    private static ObjectNode parse(String origin, String text) {
        JsonNode root;
        try {
            root = READER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String reason = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage();
            reason = reason.split("\n", 2)[0].replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
            throw new UpgradeException(KuzzleErrorCode.CONFIG_MALFORMED, origin + " is not valid JSON at line "
                    + (loc == null ? "?" : loc.getLineNr()) + ", column " + (loc == null ? "?" : loc.getColumnNr())
                    + " (" + reason + "); fix the file (comments are allowed, trailing commas are not) and run again");
        }
        if (root == null || !root.isObject()) {
            throw new UpgradeException(KuzzleErrorCode.CONFIG_MALFORMED, origin
                    + " must hold a JSON object at its top level; fix the file and run again");
        }
        return (ObjectNode) root;
    }

    /**
     * Refuses a known key holding the wrong type of value ({@code "services": "a string"}), naming
     * its path and the expected type, never the value (the file holds secrets).
     */
    private static void requireKnownTypes(String origin, ObjectNode root) {
        for (String path : SECTIONS) {
            requireType(origin, root, path, JsonNode::isObject, "an object ({ ... })");
        }
        for (String path : TEXTS) {
            requireType(origin, root, path, JsonNode::isTextual, "a string");
        }
        for (String path : ARRAYS) {
            requireType(origin, root, path, JsonNode::isArray, "an array");
        }
        JsonNode host = getLenient(root, "services.db.client.host");
        if (host != null && !host.isTextual() && !host.isObject()) {
            throw wrongType(origin, "services.db.client.host", host, "a string or an object");
        }
        JsonNode dynamic = getLenient(root, "services.storageEngine.commonMapping.dynamic");
        if (dynamic != null && !dynamic.isTextual() && !dynamic.isBoolean()) {
            throw wrongType(origin, "services.storageEngine.commonMapping.dynamic", dynamic,
                    "\"true\", \"false\" or \"strict\"");
        }
    }

    private static void requireType(String origin, ObjectNode root, String path,
            java.util.function.Predicate<JsonNode> expected, String expectedName) {
        JsonNode value = getLenient(root, path);
        if (value != null && !expected.test(value)) {
            throw wrongType(origin, path, value, expectedName);
        }
    }

    private static UpgradeException wrongType(String origin, String path, JsonNode value, String expected) {
        return new UpgradeException(KuzzleErrorCode.CONFIG_MALFORMED, origin + ": " + path + " must be " + expected
                + ", but it is " + typeName(value) + "; fix the file and run again");
    }

    private static String typeName(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The value at {@code path}, or null when it or a parent is absent; a parent of another type counts as absent (reported for itself). */
    private static JsonNode getLenient(ObjectNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (!(node instanceof ObjectNode object)) {
                return null;
            }
            node = object.get(part);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /** Moves each renamed key to its v2 path, merging with a v2 key already there (conflicts refused). */
    private static void applyRenames(String origin, ObjectNode v2, List<String> changes) {
        for (String[] rule : RENAMES) {
            JsonNode value = remove(v2, rule[0]);
            if (value == null) {
                continue;
            }
            if (rule[0].endsWith(".host") || rule[0].endsWith(".hosts")) {
                value = clientNodes(value);
            }
            JsonNode existing = get(v2, rule[1]);
            if (existing == null) {
                put(v2, rule[1], value);
            } else {
                merge(origin, rule[0], rule[1], existing, value);
            }
            changes.add("renamed " + rule[0] + " -> " + rule[1]);
        }
    }

    private static void removeObsolete(ObjectNode v2, List<String> changes) {
        for (String path : OBSOLETE) {
            if (remove(v2, path) != null) {
                changes.add("removed " + path + " (obsolete in Kuzzle 2)");
            }
        }
    }

    /** What the operator must know about the converted file (changed defaults, the secret to keep). */
    private static List<String> notes(ObjectNode v2) {
        List<String> notes = new ArrayList<>();
        if (get(v2, "security.jwt.secret") != null) {
            notes.add("security.jwt.secret is set: Kuzzle 2 must run with the same secret or every token becomes invalid");
        }
        if (get(v2, "services.storageEngine.commonMapping.dynamic") == null) {
            notes.add("services.storageEngine.commonMapping.dynamic is not set: its default changed from \"true\" (v1) to"
                    + " \"false\" (v2); set it to \"true\" to keep v1 behaviour for new collections");
        }
        return notes;
    }

    /** Legacy client {@code host}/{@code hosts} values (strings or {host, port, protocol} objects) as URLs. */
    private static JsonNode clientNodes(JsonNode value) {
        if (value.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            value.forEach(v -> out.add(clientNodes(v)));
            return out;
        }
        if (value.isObject()) {
            String protocol = value.path("protocol").asText("http");
            String host = value.path("host").asText("localhost");
            String port = value.path("port").asText("9200");
            return TextNode.valueOf(protocol.replace(":", "") + "://" + host + ":" + port);
        }
        return value;
    }

    private static void merge(String origin, String from, String to, JsonNode existing, JsonNode value) {
        if (existing.equals(value)) {
            return;
        }
        if (!(existing instanceof ObjectNode target) || !(value instanceof ObjectNode source)) {
            throw new UpgradeException(KuzzleErrorCode.CONFIG_CONFLICT, origin + " sets both " + from + " and " + to
                    + " with different values; keep only one of them (" + to + " is the Kuzzle 2 name) and run again");
        }
        for (Map.Entry<String, JsonNode> e : iterable(source)) {
            JsonNode there = target.get(e.getKey());
            if (there == null) {
                target.set(e.getKey(), e.getValue());
            } else {
                merge(origin, from + "." + e.getKey(), to + "." + e.getKey(), there, e.getValue());
            }
        }
    }

    static JsonNode get(ObjectNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node.get(part);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static JsonNode remove(ObjectNode root, String path) {
        int dot = path.lastIndexOf('.');
        JsonNode parent = dot < 0 ? root : get(root, path.substring(0, dot));
        return parent instanceof ObjectNode p ? p.remove(path.substring(dot + 1)) : null;
    }

    private static void put(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            ObjectNode child;
            if (next instanceof ObjectNode o) {
                child = o;
            } else {
                child = Json.object();
                node.set(parts[i], child);
            }
            node = child;
        }
        node.set(parts[parts.length - 1], value);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        node.fields().forEachRemaining(list::add);
        return list;
    }
}
