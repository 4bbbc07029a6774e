package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads a {@code _bulk} answer while it is parsed, only as far as its check needs. An answer whose
 * {@code errors} flag is false ends at that flag, which Elasticsearch writes before the items: no
 * tree and no work per item (a page of 8,000 documents answers 8,000 items; their tree and check
 * cost 777 µs against 6 µs streamed, about 1.5 % of a copy's client CPU). An answer with errors
 * yields its flag and items as a tree, for {@link DocumentCopier#checkBulk(EsClient, JsonNode)} to
 * check item by item. Items that come before the flag are read into the tree as well, and dropped
 * when the flag then says false.
 *
 * <p>An answer without a readable {@code errors} flag (not JSON, cut off, not an object, no flag)
 * is not a bulk answer, whatever its status: it cannot say the page was written, so it fails the
 * read (as a parse failure, which {@link EsClient#stream} reports as {@code REQUEST_FAILED} naming
 * a proxy's page) and the page's cursor is not committed. Elasticsearch writes the flag in every
 * bulk answer, also under the copy's {@code filter_path}.
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
        if (answer.nextToken() != JsonToken.START_OBJECT) {
            throw notABulkAnswer(answer, "an answer that is not a JSON object");
        }
        return readFields(answer);
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
        if (!flagAndItems.has("errors")) {
            throw notABulkAnswer(answer, "an answer without an errors flag");
        }
        return Optional.of(flagAndItems);
    }

    /** A parse failure saying that {@code what} is no bulk answer (reported by {@link EsClient#stream}). */
    private static JsonParseException notABulkAnswer(JsonParser answer, String what) {
        return new JsonParseException(answer, what + " is no bulk answer: it cannot say the page was written");
    }

    /**
     * The flag's value read as the tree check read it ({@code true}, {@code "true"} or a non-zero
     * number); a null flag is no flag.
     */
    private static boolean errorsFlag(JsonParser answer) throws IOException {
        JsonNode flag = answer.readValueAsTree();
        if (flag == null || flag.isNull()) {
            throw notABulkAnswer(answer, "an answer with a null errors flag");
        }
        return flag.asBoolean(false);
    }
}
