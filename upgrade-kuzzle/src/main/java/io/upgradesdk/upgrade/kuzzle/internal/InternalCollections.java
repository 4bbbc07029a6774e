package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import java.util.List;

/**
 * The settings and mappings of Kuzzle 2's internal collections, as the target release creates
 * them (its default {@code services.storageEngine.internalIndex.collections}), with the
 * commonMapping {@code _kuzzle_info} merged in. Reads both configuration shapes: bare mapping
 * (≤ 2.19) and {@code {settings, mappings}} (≥ 2.20), the cause of B9.
 */
public final class InternalCollections {

    private InternalCollections() {
    }

    /** Settings and mappings of one indice. */
    public record Spec(ObjectNode settings, ObjectNode mappings) {
    }

    /** The built-in spec of an internal collection for a target release. */
    public static Spec of(String collection, KuzzleVersion version) {
        boolean v215 = version.atLeast(15, 0);
        String json = switch (collection) {
            case "config" -> "{\"dynamic\":\"false\",\"properties\":{}}";
            case "users" -> "{\"dynamic\":\"false\",\"properties\":{\"profileIds\":{\"type\":\"keyword\"}}}";
            case "profiles" -> v215
                    ? "{\"dynamic\":\"false\",\"properties\":{\"tags\":{\"type\":\"keyword\"},\"policies\":{\"properties\":"
                            + "{\"roleId\":{\"type\":\"keyword\"},\"restrictedTo\":{\"type\":\"nested\",\"properties\":"
                            + "{\"index\":{\"type\":\"keyword\"},\"collections\":{\"type\":\"keyword\"}}}}}}}"
                    : "{\"dynamic\":\"false\",\"properties\":{\"policies\":{\"properties\":{\"roleId\":{\"type\":\"keyword\"}}}}}";
            case "roles" -> v215
                    ? "{\"dynamic\":\"false\",\"properties\":{\"tags\":{\"type\":\"keyword\"},"
                            + "\"controllers\":{\"dynamic\":\"false\",\"properties\":{}}}}"
                    : "{\"dynamic\":\"false\",\"properties\":{\"controllers\":{\"dynamic\":\"false\",\"properties\":{}}}}";
            case "validations" -> "{\"dynamic\":\"false\",\"properties\":{\"index\":{\"type\":\"keyword\"},"
                    + "\"collection\":{\"type\":\"keyword\"},\"validation\":{\"dynamic\":\"false\",\"properties\":{}}}}";
            default -> throw new IllegalArgumentException("not a Kuzzle internal collection: " + collection);
        };
        return withKuzzleInfo(new Spec(Json.object(), Json.parseObject(json)));
    }

    /**
     * An entry of a Kuzzle 2 {@code internalIndex.collections} configuration, in either shape:
     * {@code {settings, mappings}} (≥ 2.20) is split, a bare mapping is taken whole (B9).
     */
    public static Spec fromConfig(JsonNode entry) {
        if (entry.has("mappings") && entry.get("mappings").isObject()
                && (entry.has("settings") || entry.size() == 1)) {
            ObjectNode settings = entry.get("settings") instanceof ObjectNode s ? s.deepCopy() : Json.object();
            return withKuzzleInfo(new Spec(settings, ((ObjectNode) entry.get("mappings")).deepCopy()));
        }
        return withKuzzleInfo(new Spec(Json.object(), ((ObjectNode) entry).deepCopy()));
    }

    /** Users keep their v1 mapping (custom user content), with the v2 internal fields enforced. */
    public static ObjectNode usersMapping(JsonNode v1Users, KuzzleVersion version, List<String> findings) {
        ObjectNode m = MappingTransforms.mapping("%kuzzle/users", v1Users, findings);
        ObjectNode props = (ObjectNode) m.get("properties");
        props.set("profileIds", Json.object().put("type", "keyword"));
        props.set("_kuzzle_info", MappingTransforms.v2KuzzleInfo());
        return m;
    }

    private static Spec withKuzzleInfo(Spec spec) {
        ObjectNode props = spec.mappings().get("properties") instanceof ObjectNode p ? p : Json.object();
        props.set("_kuzzle_info", MappingTransforms.v2KuzzleInfo());
        spec.mappings().set("properties", props);
        return spec;
    }
}
