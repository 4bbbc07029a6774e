package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HitsToBulkTest {
    private static final ObjectMapper JSON = EsClient.json();

    private static final String ANSWER = """
            {"took": 3, "_scroll_id": "scroll-1", "_shards": {"total": 1, "failed": 0},
             "hits": {"total": 3, "max_score": null, "hits": [
               {"_index": "users", "_type": "_doc", "_id": "a", "_score": null,
                "_source": {"name": "Ann", "tags": ["x", {"deep": [1, 2]}]}, "sort": [1, "a"]},
               {"_index": "users", "_type": "_doc", "_id": "b", "_source": {"name": "Bob", "drop": true}, "sort": [2, "b"]},
               {"_index": "users", "_type": "_doc", "_id": "c", "sort": [3, "c"]}
             ]}}
            """;

    private final DocumentCopier.Cursor cursor = new DocumentCopier.Cursor();
    private final PageSizer sizer = PageSizer.adaptive(8L << 20, 1000, 10_000);

    @Test
    void writes_each_kept_hit_as_an_action_and_its_source_and_counts_them_in_the_cursor() throws IOException {
        HitsToBulk.ReadPage page = read(new HitsToBulk(this::renameAndDropMarked, false, true, false), ANSWER);

        assertThat(body(page)).isEqualTo("""
                {"index":{"_index":"users-v2","_id":"a"}}
                {"name":"Ann","tags":["x",{"deep":[1,2]}]}
                {"index":{"_index":"users-v2","_id":"c"}}
                {}
                """);
        assertThat(page.page().ids()).containsExactly("users-v2/a", "users-v2/c");
        assertThat(page.hits()).isEqualTo(3);
        assertThat(page.lastSort().toString()).isEqualTo("[3,\"c\"]");
        assertThat(page.scrollId()).isEqualTo("scroll-1");
        assertThat(cursor.read).isEqualTo(3);
        assertThat(cursor.skipped).isEqualTo(1);
        assertThat(cursor.written).isEqualTo(2);
        assertThat(cursor.writtenInto).containsExactly("users-v2");
        assertThat(sizer.bytesPerDocument()).as("learnt from the page's bytes").isEqualTo(body(page).length() / 2.0);
    }

    @Test
    void a_typed_target_gets_the_source_type_or_doc_and_a_create_only_copy_creates() throws IOException {
        String typed = ANSWER.replace("\"_type\": \"_doc\", \"_id\": \"a\"", "\"_type\": \"user\", \"_id\": \"a\"");

        HitsToBulk.ReadPage page = read(new HitsToBulk(d -> d, true, true, true), typed);

        assertThat(body(page)).startsWith("""
                {"create":{"_index":"users","_type":"user","_id":"a"}}
                """).contains("""
                {"create":{"_index":"users","_type":"_doc","_id":"b"}}
                """);
    }

    @Test
    void an_answer_without_hits_is_an_empty_page() throws IOException {
        HitsToBulk.ReadPage page = read(new HitsToBulk(d -> d, false, true, false),
                "{\"_scroll_id\":\"s\",\"hits\":{\"hits\":[]}}");

        assertThat(page.hits()).isZero();
        assertThat(page.page().length()).isZero();
        assertThat(page.lastSort()).isNull();
        assertThat(cursor.read).isZero();
    }

    @Test
    void an_answer_that_is_not_an_object_is_refused() {
        assertThatThrownBy(() -> read(new HitsToBulk(d -> d, false, true, false), "[1, 2]"))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("a search answer is a JSON object");
    }

    private EsDocument renameAndDropMarked(EsDocument d) {
        return d.source().has("drop") ? null : d.withTarget("users-v2", d.type());
    }

    private HitsToBulk.ReadPage read(HitsToBulk toBulk, String answer) throws IOException {
        try (JsonParser parser = JSON.createParser(answer)) {
            return toBulk.read(parser, cursor, sizer, 1000);
        }
    }

    private static String body(HitsToBulk.ReadPage page) {
        return new String(page.page().body(), 0, page.page().length(), StandardCharsets.UTF_8);
    }
}
