package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import java.util.List;

/**
 * The settings and mappings of Kuzzle 2's internal collections, as the target release creates
 * them (its default {@code services.storageEngine.internalIndex.collections}), with the
 * commonMapping {@code _kuzzle_info} merged in. Settings and mappings are kept apart whatever the
 * release, so an index is never created with a 2.20+ configuration entry as its mapping (defect
 * B9 of the original script, see the module README).
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
