package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The public copy API on in-process fake clusters (a 7.17 source, an 8.19 target). */
class DocumentCopyTest {

    private final FakeCluster sourceCluster = start("7.17.29");
    private final FakeCluster targetCluster = start("8.19.0");
    private final ElasticsearchConnection source = sourceCluster.connect();
    private final ElasticsearchConnection target = targetCluster.connect();

    private static FakeCluster start(String version) {
        try {
            return new FakeCluster(version);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void close() {
        source.close();
        target.close();
        sourceCluster.close();
        targetCluster.close();
    }

    /** Drops every fifth document, renames the others and adds a field. */
    private static ElasticsearchDocument renameAndDropEveryFifth(ElasticsearchDocument doc) {
        if (doc.source().path("n").asInt() % 5 == 0) {
            return null;
        }
        ObjectNode source = doc.source().put("migrated", true);
        return doc.withId("order-" + doc.id()).withSource(source);
    }

    @Test
    void copies_every_document_through_the_transform_and_reports_each_page_in_order() {
        sourceCluster.seed("orders", 25);
        List<CopyCursor> cursors = new ArrayList<>();
        List<DocumentCopy.Progress> pages = new ArrayList<>();

        DocumentCopy.Result result = DocumentCopy.from(source, "orders").to(target, "orders-v2")
                .transform(DocumentCopyTest::renameAndDropEveryFifth)
                .pageSize(10).writeConcurrency(2)
                .onCursor(cursors::add).onPage(pages::add)
                .build().run(null);

        assertThat(result.read()).isEqualTo(25);
        assertThat(result.written()).isEqualTo(20);
        assertThat(result.dropped()).isEqualTo(5);
        assertThat(targetCluster.index("orders-v2")).hasSize(20).containsKey("order-d001").doesNotContainKey("order-d005")
                .doesNotContainKey("d001");
        assertThat(targetCluster.index("orders-v2").get("order-d007").toString())
                .isEqualTo("{\"n\":7,\"name\":\"doc 7\",\"migrated\":true}");
        assertThat(pages).containsExactly(new DocumentCopy.Progress("orders", 10, 25),
                new DocumentCopy.Progress("orders", 20, 25), new DocumentCopy.Progress("orders", 25, 25));
        assertThat(cursors).as("one per written page, and the final one").hasSize(4);
        assertThat(result.cursor()).isEqualTo(cursors.get(3));
        assertThat(sourceCluster.index("orders")).as("the source is left as it was").hasSize(25)
                .allSatisfy((id, doc) -> assertThat(doc.has("migrated")).isFalse());
    }

    @Test
    void a_failed_copy_resumes_from_its_last_saved_cursor_and_writes_each_document_once() {
        sourceCluster.seed("orders", 25);
        targetCluster.failBulkNumber = 2;
        List<CopyCursor> saved = new ArrayList<>();
        DocumentCopy copy = DocumentCopy.from(source, "orders").to(target, "orders-v2")
                .transform(DocumentCopyTest::renameAndDropEveryFifth)
                .pageSize(10).writeConcurrency(1).onCursor(saved::add).build();

        assertThatThrownBy(() -> copy.run(null)).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.getMessage()).contains("bulk request 2 refused by the test"));
        assertThat(saved).as("only the first page was written").hasSize(1);
        assertThat(targetCluster.index("orders-v2")).hasSize(8);

        DocumentCopy.Result resumed = copy.run(saved.get(0));

        assertThat(targetCluster.index("orders-v2")).hasSize(20);
        assertThat(targetCluster.writes).hasSize(20).allSatisfy((id, n) -> assertThat(n.get()).as(id).isEqualTo(1));
        assertThat(resumed.read()).as("counters include the work before the resume").isEqualTo(25);
        assertThat(resumed.written()).isEqualTo(20);
        assertThat(copy.run(resumed.cursor()).read()).as("a finished cursor copies nothing more").isEqualTo(25);
        assertThat(targetCluster.writes).allSatisfy((id, n) -> assertThat(n.get()).as(id).isEqualTo(1));
    }

    @Test
    void documents_go_to_the_target_index_unless_the_transform_moves_them() {
        sourceCluster.seed("orders", 4);

        DocumentCopy.from(source, "orders").to(target, "orders-v2")
                .transform(doc -> doc.source().path("n").asInt() < 2 ? doc : doc.withIndex("orders-archive"))
                .build().run(null);

        assertThat(targetCluster.index("orders-v2")).containsOnlyKeys("d000", "d001");
        assertThat(targetCluster.index("orders-archive")).containsOnlyKeys("d002", "d003");
    }

    @Test
    void a_byte_bound_lowers_the_page_size_for_large_documents() {
        sourceCluster.seed("blobs", 7);
        sourceCluster.index("blobs").replaceAll((id, doc) -> doc.put("blob", "x".repeat(300_000)));

        DocumentCopy.from(source, "blobs").to(target, "blobs").pageSize(1000).maxPageBytes(1 << 20).build().run(null);

        assertThat(sourceCluster.pageSizes).isNotEmpty().allSatisfy(size -> assertThat(size).isEqualTo(3));
        assertThat(targetCluster.index("blobs")).hasSize(7);
    }

    @Test
    void without_a_page_size_pages_grow_to_the_byte_target_after_the_first() {
        sourceCluster.seed("orders", 2_500);

        DocumentCopy.Result result = DocumentCopy.from(source, "orders").to(target, "orders-v2").build().run(null);

        assertThat(result.written()).isEqualTo(2_500);
        assertThat(sourceCluster.pageSizes).as("small documents: the document bound, not the 8 MB one")
                .containsExactly(1000, 10_000);
        assertThat(targetCluster.index("orders-v2")).hasSize(2_500);
    }

    @Test
    void a_7x_source_is_read_on_seq_no_and_a_cursor_saved_on_id_paging_still_resumes_exactly() {
        sourceCluster.seed("orders", 25);
        List<CopyCursor> saved = new ArrayList<>();
        DocumentCopy copy = DocumentCopy.from(source, "orders").to(target, "orders-v2").pageSize(10)
                .writeConcurrency(1).onCursor(saved::add).build();

        copy.run(null);

        assertThat(saved.get(0).value()).contains("\"shard\":0").contains("\"after\":[9]");
        targetCluster.indices.clear();
        targetCluster.writes.clear();
        CopyCursor legacy = CopyCursor.of("{\"i\":0,\"index\":\"orders\",\"after\":[\"d009\"],\"read\":10,"
                + "\"written\":10,\"skipped\":0}");
        DocumentCopy.Result resumed = copy.run(legacy);
        assertThat(targetCluster.index("orders-v2")).hasSize(15).doesNotContainKey("d009").containsKey("d010");
        assertThat(resumed.read()).isEqualTo(25);
    }

    @Test
    void the_builder_refuses_wrong_options_naming_them() {
        DocumentCopy.Builder noTarget = DocumentCopy.from(source, "orders");
        assertInvalid(noTarget, b -> { }, "no target given");
        assertInvalid(DocumentCopy.from(source, "orders").to(target, "x"), b -> b.pageSize(0), "pageSize");
        assertInvalid(DocumentCopy.from(source, "orders").to(target, "x"), b -> b.pageSize(10_001), "pageSize");
        assertInvalid(DocumentCopy.from(source, "orders").to(target, "x"), b -> b.writeConcurrency(17), "writeConcurrency");
        assertInvalid(DocumentCopy.from(source, "orders").to(target, "x"), b -> b.maxPageBytes(4096), "maxPageBytes");
    }

    private static void assertInvalid(DocumentCopy.Builder builder, Consumer<DocumentCopy.Builder> option, String named) {
        option.accept(builder);
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION);
            assertThat(e.getMessage()).contains(named);
        });
    }

    @Test
    void a_built_copy_does_not_change_when_its_builder_or_query_does() {
        sourceCluster.seed("orders", 3);
        ObjectNode query = new ObjectMapper().createObjectNode().set("match_all", new ObjectMapper().createObjectNode());
        DocumentCopy.Builder builder = DocumentCopy.from(source, "orders").to(target, "first").query(query);
        DocumentCopy copy = builder.build();
        builder.to(target, "second");
        query.removeAll().put("broken", 1);

        copy.run(null);

        assertThat(targetCluster.index("first")).hasSize(3);
        assertThat(targetCluster.indices).doesNotContainKey("second");
    }

    record MoveState(String step, CopyCursor copy) {
    }

    @Test
    void a_cursor_is_saved_as_its_text_inside_a_typed_step_state() throws Exception {
        ObjectMapper json = new ObjectMapper();
        CopyCursor cursor = CopyCursor.of("{\"i\":0,\"after\":[\"d009\"],\"read\":10}");

        String saved = json.writeValueAsString(new MoveState("orders", cursor));

        assertThat(saved).isEqualTo("{\"step\":\"orders\",\"copy\":\"{\\\"i\\\":0,\\\"after\\\":[\\\"d009\\\"],\\\"read\\\":10}\"}");
        assertThat(json.readValue(saved, MoveState.class).copy()).isEqualTo(cursor);
    }

    @Test
    void a_connection_detects_the_version_and_leaves_a_host_client_open() {
        assertThat(source.majorVersion()).isEqualTo(7);
        assertThat(target.version()).isEqualTo("8.19.0");
        org.elasticsearch.client.RestClient rest = org.elasticsearch.client.RestClient
                .builder(org.apache.http.HttpHost.create(targetCluster.url())).build();
        try {
            ElasticsearchConnection.using(rest, "host cluster").close();
            assertThat(rest.isRunning()).isTrue();
        } finally {
            try {
                rest.close();
            } catch (java.io.IOException ignored) {
                // closing an HTTP pool
            }
        }
    }
}
