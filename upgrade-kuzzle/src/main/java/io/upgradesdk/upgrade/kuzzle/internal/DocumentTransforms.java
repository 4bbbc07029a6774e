package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.upgradesdk.upgrade.kuzzle.ClosurePolicy;
import io.upgradesdk.upgrade.kuzzle.TrashcanPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The v1 → v2 document transformations of spec §4.7. Pure functions on Jackson trees (mutated in place). */
public final class DocumentTransforms {

    /** API actions removed in Kuzzle 2 that may appear in stored v1 roles (spec §8). */
    public static final Set<String> REMOVED_ACTIONS = Set.of("index:refresh", "index:getAutoRefresh",
            "index:setAutoRefresh", "index:refreshInternal", "admin:resetKuzzleData");

    private DocumentTransforms() {
    }

    /** True when the document sits in the v1 trashcan ({@code _kuzzle_info.active == false}). */
    public static boolean isTrashed(JsonNode source) {
        JsonNode active = source.path("_kuzzle_info").path("active");
        return active.isBoolean() && !active.booleanValue();
    }

    /** Removes {@code _kuzzle_info.active} and {@code _kuzzle_info.deletedAt} (gone in v2). */
    public static ObjectNode stripKuzzleInfo(ObjectNode source) {
        if (source.get("_kuzzle_info") instanceof ObjectNode info) {
            info.remove("active");
            info.remove("deletedAt");
        }
        return source;
    }

    /**
     * A public, plugin or user document: null when it must not be copied (trashcan, {@link TrashcanPolicy#DROP}),
     * else the source without the v1-only metadata.
     */
    public static ObjectNode data(ObjectNode source, TrashcanPolicy trashcan) {
        // one lookup of the metadata per document (this runs for every copied document)
        if (!(source.get("_kuzzle_info") instanceof ObjectNode info)) {
            return source;
        }
        JsonNode active = info.get("active");
        if (trashcan == TrashcanPolicy.DROP && active != null && active.isBoolean() && !active.booleanValue()) {
            return null;
        }
        info.remove("active");
        info.remove("deletedAt");
        return source;
    }

    /** Profiles: lower-cases every {@code policies[].restrictedTo[].collections[]} (spec §4.7.2). */
    public static ObjectNode profile(ObjectNode source) {
        stripKuzzleInfo(source);
        if (source.get("policies") instanceof ArrayNode policies) {
            for (JsonNode policy : policies) {
                if (policy.get("restrictedTo") instanceof ArrayNode restrictions) {
                    for (JsonNode restriction : restrictions) {
                        if (restriction.get("collections") instanceof ArrayNode collections) {
                            for (int i = 0; i < collections.size(); i++) {
                                JsonNode c = collections.get(i);
                                if (c.isTextual()) {
                                    collections.set(i, TextNode.valueOf(c.textValue().toLowerCase(Locale.ROOT)));
                                }
                            }
                        }
                    }
                }
            }
        }
        return source;
    }

    /**
     * Roles (spec §4.7.3): closures handled by {@code policy}, removed API actions dropped when
     * {@code dropRemovedActions}; every finding added to {@code findings} (no secret in a role).
     */
    public static ObjectNode role(String roleId, ObjectNode source, ClosurePolicy policy, boolean dropRemovedActions,
            List<String> findings) {
        stripKuzzleInfo(source);
        if (!(source.get("controllers") instanceof ObjectNode controllers)) {
            return source;
        }
        for (Iterator<Map.Entry<String, JsonNode>> cit = controllers.fields(); cit.hasNext();) {
            Map.Entry<String, JsonNode> controller = cit.next();
            if (!(controller.getValue().get("actions") instanceof ObjectNode actions)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            actions.fieldNames().forEachRemaining(names::add);
            for (String action : names) {
                String where = "role " + roleId + ": " + controller.getKey() + ":" + action;
                boolean dropped = removedAction(where, controller.getKey() + ":" + action, actions, action,
                        dropRemovedActions, findings);
                if (!dropped && !actions.get(action).isBoolean()) {
                    closure(where, actions, action, policy, findings);
                }
            }
        }
        return source;
    }

    /** Handles a right on an action Kuzzle 2 removed; true when it was dropped. */
    private static boolean removedAction(String where, String qualified, ObjectNode actions, String action,
            boolean drop, List<String> findings) {
        if (!REMOVED_ACTIONS.contains(qualified)) {
            return false;
        }
        if (drop) {
            actions.remove(action);
            findings.add(where + " no longer exists in Kuzzle 2: removed");
            return true;
        }
        findings.add(where + " no longer exists in Kuzzle 2: kept (dead entry)");
        return false;
    }

    /** Applies the closure policy to a right that is a permission closure, not a boolean. */
    private static void closure(String where, ObjectNode actions, String action, ClosurePolicy policy,
            List<String> findings) {
        switch (policy) {
            case DENY -> {
                actions.set(action, BooleanNode.FALSE);
                findings.add(where + " was a permission closure: now false");
            }
            case ALLOW -> {
                actions.set(action, BooleanNode.TRUE);
                findings.add(where + " was a permission closure: now true");
            }
            case KEEP -> findings.add(where + " is a permission closure: kept verbatim, Kuzzle 2 denies it");
        }
    }

    /**
     * Validation specs (spec §4.7.4): id {@code <index>#<collection>}; the collection part is
     * lower-cased like the collection itself so the spec keeps applying (defect B7). Returns the new id.
     */
    public static String validationId(String id, ObjectNode source) {
        stripKuzzleInfo(source);
        int hash = id.indexOf('#');
        if (hash >= 0) {
            id = id.substring(0, hash + 1) + id.substring(hash + 1).toLowerCase(Locale.ROOT);
        }
        if (source.get("collection") instanceof TextNode c) {
            source.put("collection", c.textValue().toLowerCase(Locale.ROOT));
        }
        return id;
    }
}
