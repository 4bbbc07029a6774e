package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure logic: versions, deprecation answers, globs, mapping merge, cursors. */
class InternalLogicTest {

    private static JsonNode json(String s) throws Exception {
        return EsClient.json().readTree(s);
    }

    @Test
    void versionsParseAndOrder() {
        assertThat(EsVersion.parse("7.17.29")).isEqualTo(new EsVersion(7, 17, 29));
        assertThat(EsVersion.parse("8.19.21-SNAPSHOT").atLeast(EsVersion.parse("8.9.0"))).isTrue();
        assertThat(EsVersion.parse("7.9.0").compareTo(EsVersion.parse("7.17.0"))).isNegative();
        assertThatThrownBy(() -> EsVersion.parse("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deprecationAnswerIsSplitIntoCriticalAndWarnings() throws Exception {
        JsonNode answer = json("{\"cluster_settings\":[{\"level\":\"critical\",\"message\":\"old setting\",\"url\":\"u1\"}],"
                + "\"node_settings\":[],\"index_settings\":{\"logs\":[{\"level\":\"warning\",\"message\":\"old mapping\"}]},"
                + "\"ml_settings\":[]}");
        List<String> critical = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Preflight.collect(answer, "", critical, warnings);
        assertThat(critical).containsExactly("old setting (u1)");
        assertThat(warnings).containsExactly("logs: old mapping");
    }

    @Test
    void oldIndicesByCreatedVersion() throws Exception {
        JsonNode settings = json("{\"a\":{\"settings\":{\"index.version.created\":\"6082399\"}},"
                + "\"b\":{\"settings\":{\"index.version.created\":\"7172999\"}},"
                + "\"c\":{\"settings\":{\"index.version.created\":\"5061699\"}}}");
        assertThat(Preflight.oldIndices(settings, 8)).containsExactly("a (created on 6.x)", "c (created on 5.x)");
        assertThat(Preflight.oldIndices(settings, 7)).containsExactly("c (created on 5.x)");
    }

    @Test
    void globsMatchLikeIndexPatterns() {
        assertThat(SnapshotRestoreSteps.glob("logs-*").matcher("logs-2024.01").matches()).isTrue();
        assertThat(SnapshotRestoreSteps.glob("logs-*").matcher("xlogs-1").matches()).isFalse();
        assertThat(SnapshotRestoreSteps.glob("a.b").matcher("axb").matches()).isFalse();
    }

    @Test
    void typedMappingsAreMergedOrRefused() throws Exception {
        JsonNode typed = json("{\"users\":{\"properties\":{\"name\":{\"type\":\"text\"}}},"
                + "\"groups\":{\"properties\":{\"title\":{\"type\":\"keyword\"}}}}");
        assertThat(ReindexSteps.typeless(typed).path("properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("name", "title");
        JsonNode conflict = json("{\"a\":{\"properties\":{\"x\":{\"type\":\"text\"}}},"
                + "\"b\":{\"properties\":{\"x\":{\"type\":\"long\"}}}}");
        assertThatThrownBy(() -> ReindexSteps.typeless(conflict)).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("reindex each type into its own index");
        JsonNode typeless = json("{\"properties\":{\"x\":{\"type\":\"text\"}}}");
        assertThat(ReindexSteps.typeless(typeless)).isSameAs(typeless);
    }

    @Test
    void copyCursorRoundTripsAndRefusesGarbage() {
        DocumentCopier.Cursor c = new DocumentCopier.Cursor();
        c.i = 2;
        c.index = "logs";
        c.read = 10;
        c.written = 9;
        c.skipped = 1;
        DocumentCopier.Cursor back = DocumentCopier.Cursor.parse(c.toJson());
        assertThat(back.toJson()).isEqualTo(c.toJson());
        assertThatThrownBy(() -> DocumentCopier.Cursor.parse("{not json")).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("mark the step undone");
    }

    @Test
    void bulkAnswersAreCheckedItemByItem() throws Exception {
        EsClient client = new EsClient(null, "http://x:9200");
        DocumentCopier.checkBulk(client, json("{\"errors\":false,\"items\":[]}"));
        JsonNode rejected = json("{\"errors\":true,\"items\":[{\"index\":{\"_index\":\"i\",\"_id\":\"1\",\"status\":429,"
                + "\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"busy\"}}}]}");
        assertThatThrownBy(() -> DocumentCopier.checkBulk(client, rejected)).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.isTransient()).isTrue());
        JsonNode broken = json("{\"errors\":true,\"items\":[{\"index\":{\"_index\":\"i\",\"_id\":\"1\",\"status\":201}},"
                + "{\"index\":{\"_index\":\"i\",\"_id\":\"2\",\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
                + "\"reason\":\"bad\"}}}]}");
        assertThatThrownBy(() -> DocumentCopier.checkBulk(client, broken)).isInstanceOfSatisfying(UpgradeException.class,
                e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("i/2: mapper_parsing_exception bad");
                });
    }

    @Test
    void bulkItemReasonsLoseTheDocumentValuesElasticsearchQuotes() {
        assertThat(EsClient.withoutDocumentData("[1:9] failed to parse field [token] of type [long] in document "
                + "with id 'u1'. Preview of field's value: 'eyJhbGciOi.secret'"))
                .isEqualTo("[1:9] failed to parse field [token] of type [long] in document with id 'u1'");
        assertThat(EsClient.withoutDocumentData("failed to parse [n]; For input string: \"hunter2\""))
                .isEqualTo("failed to parse [n]");
        assertThat(EsClient.withoutDocumentData("x".repeat(400))).hasSize(303);
        assertThat(EsClient.withoutDocumentData("mapper [n] cannot be changed")).isEqualTo("mapper [n] cannot be changed");
    }

    @Test
    void filteredBulkAnswersNameFailedDocumentsByPosition() throws Exception {
        JsonNode answer = json("{\"errors\":true,\"items\":[{\"index\":{\"status\":201}},{\"index\":{\"status\":400,"
                + "\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"failed to parse field [n]. "
                + "Preview of field's value: 'pw'\"}}}]}");
        EsClient client = new EsClient(null, "http://es:9200");
        assertThatThrownBy(() -> DocumentCopier.checkBulk(client, answer, List.of("users/a", "users/b")))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("users/b: mapper_parsing_exception failed to parse field [n]")
                .hasMessageNotContaining("users/a").hasMessageNotContaining("'pw'");
    }
}
