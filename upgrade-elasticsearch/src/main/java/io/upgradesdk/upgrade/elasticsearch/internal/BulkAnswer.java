package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads a {@code _bulk} answer while it is parsed, only as far as its check needs. An answer whose
 * {@code errors} flag is false ends at that flag, which Elasticsearch writes before the items: no
 * tree and no work per item (a page of 8,000 documents answers 8,000 items; their tree was up to a
 * tenth of a copy's client CPU). An answer with errors yields its flag and items as a tree, for
 * {@link DocumentCopier#checkBulk(EsClient, JsonNode)} to check item by item. Items that come before
 * the flag are read into the tree as well, and dropped when the flag then says false.
 *
 * <p>An answer without a readable {@code errors} flag (not JSON, not an object, no flag) reads as
 * one without errors, as the check of the answer's tree always took it: such an answer names no
 * failed document.
 */
final class BulkAnswer {

    private BulkAnswer() {
    }

    /**
     * The answer's flag and items when its flag says some items failed, empty when none did; the
     * parser is positioned before the answer's first token. Reads no further than the flag when it
     * is false.
     */
    static Optional<JsonNode> withErrors(JsonParser answer) throws IOException {
        try {
            return answer.nextToken() == JsonToken.START_OBJECT ? readFields(answer) : Optional.empty();
        } catch (JsonProcessingException notJson) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> readFields(JsonParser answer) throws IOException {
        ObjectNode flagAndItems = EsClient.json().createObjectNode();
        while (answer.nextToken() == JsonToken.FIELD_NAME) {
            String field = answer.currentName();
            answer.nextToken();
            if (field.equals("errors")) {
                if (!errorsFlag(answer)) {
                    return Optional.empty();
                }
                flagAndItems.put("errors", true);
            } else if (field.equals("items")) {
                flagAndItems.set("items", answer.readValueAsTree());
            } else {
                answer.skipChildren();
            }
        }
        return flagAndItems.has("errors") ? Optional.of(flagAndItems) : Optional.empty();
    }

    /** The flag's value read as the tree check read it ({@code true}, {@code "true"} or a non-zero number). */
    private static boolean errorsFlag(JsonParser answer) throws IOException {
        JsonNode flag = answer.readValueAsTree();
        return flag != null && flag.asBoolean(false);
    }
}
