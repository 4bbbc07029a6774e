package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bulk answer is read up to its {@code errors} flag when no item failed, and otherwise checked
 * item by item exactly as its tree was: the same failures, codes and messages, whatever the order
 * of the flag and the items.
 */
class BulkAnswerTest {

    private static final EsClient CLIENT = new EsClient(null, "http://target:9200");
    private static final String WRITTEN = "{\"index\":{\"status\":201}}";
    private static final String BUSY = "{\"index\":{\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\","
            + "\"reason\":\"rejected execution of coordinating operation\"}}}";
    private static final String UNPARSABLE = "{\"index\":{\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
            + "\"reason\":\"failed to parse field [n] of type [long]. Preview of field's value: 'hunter2'\"}}}";
    private static final String ALREADY_CREATED = "{\"create\":{\"status\":409,\"error\":{\"type\":"
            + "\"version_conflict_engine_exception\",\"reason\":\"document already exists\"}}}";

    private static Optional<JsonNode> read(String answer) throws IOException {
        try (JsonParser parser = EsClient.json().createParser(answer)) {
            return BulkAnswer.withErrors(parser);
        }
    }

    /** Checks an answer as the copy does: streamed, then item by item when some items failed. */
    private static void checkStreamed(String answer, List<String> ids) throws IOException {
        read(answer).ifPresent(withErrors -> DocumentCopier.checkBulk(CLIENT, withErrors, ids));
    }

    /** Checks an answer as the copy did before: its whole tree (a text node when it is not JSON). */
    private static void checkTree(String answer, List<String> ids) {
        JsonNode tree;
        try {
            tree = EsClient.json().readTree(answer);
        } catch (IOException notJson) {
            tree = EsClient.json().getNodeFactory().textNode(answer);
        }
        DocumentCopier.checkBulk(CLIENT, tree, ids);
    }

    private static String answer(String errors, String... items) {
        return "{\"errors\":" + errors + ",\"items\":[" + String.join(",", items) + "]}";
    }

    @Test
    void an_answer_without_errors_is_read_no_further_than_its_flag() throws IOException {
        String items = String.join(",", Collections.nCopies(8_000, WRITTEN));
        byte[] answer = ("{\"errors\":false,\"items\":[" + items + "]}").getBytes(StandardCharsets.UTF_8);
        CountingStream in = new CountingStream(answer);
        try (JsonParser parser = EsClient.json().createParser(in)) {
            assertThat(BulkAnswer.withErrors(parser)).isEmpty();
            assertThat(parser.nextToken()).as("the items, next, not read").isEqualTo(JsonToken.FIELD_NAME);
            assertThat(parser.currentName()).isEqualTo("items");
        }
        assertThat(in.bytesRead).as("bytes read of an answer of %d", answer.length).isLessThan(answer.length / 10);
    }

    @Test
    void an_answer_with_errors_names_the_failed_documents_in_request_order_without_their_values() {
        String answer = answer("true", WRITTEN, UNPARSABLE, BUSY);
        assertThatThrownBy(() -> checkStreamed(answer, List.of("users/a", "users/b", "users/c")))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.BULK_ITEM_FAILED);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage())
                            .contains("users/b: mapper_parsing_exception failed to parse field [n] of type [long]")
                            .contains("users/c: es_rejected_execution_exception")
                            .doesNotContain("users/a").doesNotContain("hunter2");
                });
    }

    @Test
    void an_answer_whose_only_failures_are_rejections_is_transient() {
        String answer = answer("true", WRITTEN, BUSY, BUSY);
        assertThatThrownBy(() -> checkStreamed(answer, List.of("users/a", "users/b", "users/c")))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.UNAVAILABLE);
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("users/b", "users/c", "rejected them (busy), retry");
                });
    }

    @Test
    void documents_a_create_only_copy_finds_already_there_are_no_failure() throws IOException {
        checkStreamed(answer("true", WRITTEN, ALREADY_CREATED), List.of("users/a", "users/b"));

        String indexConflict = answer("true", ALREADY_CREATED.replace("\"create\"", "\"index\""));
        assertThatThrownBy(() -> checkStreamed(indexConflict, List.of("users/a")))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.BULK_ITEM_FAILED));
    }

    @Test
    void items_before_the_flag_are_checked_when_it_says_errors_and_dropped_when_it_does_not() throws IOException {
        String failedFirst = "{\"items\":[" + WRITTEN + "," + UNPARSABLE + "],\"errors\":true}";
        assertThatThrownBy(() -> checkStreamed(failedFirst, List.of("users/a", "users/b")))
                .isInstanceOf(UpgradeException.class).hasMessageContaining("users/b: mapper_parsing_exception");

        assertThat(read("{\"items\":[" + WRITTEN + "],\"errors\":false,\"took\":3}")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"errors\":true}]", "\"errors\"", "17", "", "<html>Bad gateway</html>",
            "{\"errors\":true,\"items\":[" + "{\"index\":{\"status\":400,\"error\":", "{\"took\":3}",
            "{\"errors\":null}", "{\"items\":[" + WRITTEN + "]}"})
    void an_answer_without_a_readable_errors_flag_is_no_proof_that_the_page_was_written(String answer) {
        assertThatThrownBy(() -> read(answer)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void a_flag_written_as_text_is_read_as_the_tree_check_read_it() throws IOException {
        assertThat(read("{\"errors\":\"false\"}")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"errors\":\"true\",\"items\":[" + BUSY + "]}", "{\"errors\":1,\"items\":[" + BUSY + "]}",
            "{\"errors\":true,\"took\":{\"ms\":[1]},\"items\":[" + BUSY + "]}"})
    void an_errors_flag_is_read_as_the_tree_check_read_it(String answer) {
        assertThatThrownBy(() -> checkTree(answer, List.of("users/a"))).isInstanceOf(UpgradeException.class);
        assertThatThrownBy(() -> checkStreamed(answer, List.of("users/a"))).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.UNAVAILABLE));
    }

    /** An answer's bytes, counting those the parser takes. */
    private static final class CountingStream extends InputStream {
        private final ByteArrayInputStream bytes;
        private long bytesRead;

        CountingStream(byte[] bytes) {
            this.bytes = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            int b = bytes.read();
            bytesRead += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            int n = bytes.read(into, offset, length);
            bytesRead += Math.max(n, 0);
            return n;
        }
    }
}
