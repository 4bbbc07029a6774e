package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The cursor of a storage step: finished target indices, and the one in progress with the copy
 * engine's cursor. Serialised as JSON into the step's checkpoint (names and cursors only, no data).
 */
final class CopyState {

    final Set<String> done = new LinkedHashSet<>();
    String current;
    String currentCursor;

    static CopyState parse(String json) {
        CopyState s = new CopyState();
        if (json == null || json.isBlank()) {
            return s;
        }
        ObjectNode node = Json.parseObject(json);
        node.path("done").forEach(n -> s.done.add(n.asText()));
        JsonNode cur = node.get("current");
        if (cur != null && cur.isObject()) {
            s.current = cur.path("target").asText();
            JsonNode c = cur.get("cursor");
            s.currentCursor = c == null || c.isNull() ? null : c.asText();
        }
        return s;
    }

    String toJson() {
        ObjectNode node = Json.object();
        ArrayNode d = node.putArray("done");
        done.forEach(d::add);
        if (current != null) {
            ObjectNode cur = node.putObject("current");
            cur.put("target", current);
            cur.put("cursor", currentCursor);
        }
        return Json.write(node);
    }
}
