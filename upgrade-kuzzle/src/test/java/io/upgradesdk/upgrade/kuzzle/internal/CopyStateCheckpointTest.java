package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The storage steps' typed cursor still reads checkpoints written by the hand-rolled JSON cursor. */
class CopyStateCheckpointTest {

    /**
     * Written by the hand-rolled {@code CopyState.toJson()} (commit 5ae75e1) for a collection in
     * progress whose copy cursor is the engine's (5.x source, paging on {@code _uid}).
     */
    static final String SAVED_MID_COLLECTION = "{\"done\":[\"&nyc-1.taxi\",\"%kuzzle-1.users\"],\"current\":"
            + "{\"target\":\"&nyc-1.bikes\",\"cursor\":\"{\\\"i\\\":0,\\\"index\\\":\\\"&nyc-1\\\",\\\"after\\\":"
            + "[\\\"bikes#d63\\\"],\\\"read\\\":64,\\\"written\\\":63,\\\"skipped\\\":1}\"}}";
    /** The same code, a collection begun but no page written yet. */
    static final String SAVED_COLLECTION_BEGUN = "{\"done\":[\"&nyc-1.taxi\"],\"current\":{\"target\":\"&nyc-1.bikes\","
            + "\"cursor\":null}}";
    /** The same code, every collection finished. */
    static final String SAVED_NOTHING_CURRENT = "{\"done\":[]}";

    /** A step context over one saved cursor, recording what the step saves. */
    static final class SavedCursorContext implements StepContext {
        String saved;
        final List<String> saves = new ArrayList<>();

        SavedCursorContext(String saved) {
            this.saved = saved;
        }

        @Override
        public String planId() {
            return "kuzzle-upgrade";
        }

        @Override
        public String stepId() {
            return "kuzzle-public-storages";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public boolean isDryRun() {
            return false;
        }

        @Override
        public Optional<String> cursor() {
            return Optional.ofNullable(saved);
        }

        @Override
        public void saveCursor(String cursor) {
            saved = cursor;
            saves.add(cursor);
        }

        @Override
        public void progress(long done, long total, String message) {
        }

        @Override
        public Secret secret(String name) {
            throw new UnsupportedOperationException(name);
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    }

    @Test
    void a_cursor_saved_mid_collection_by_the_hand_rolled_form_reads_as_the_typed_state() {
        CopyState state = new SavedCursorContext(SAVED_MID_COLLECTION).cursor(CopyState.class).orElseThrow();

        assertThat(state.done()).containsExactly("&nyc-1.taxi", "%kuzzle-1.users");
        assertThat(state.finished("%kuzzle-1.users")).isTrue();
        assertThat(state.inProgress("&nyc-1.bikes")).isTrue();
        assertThat(state.copyCursor())
                .isEqualTo("{\"i\":0,\"index\":\"&nyc-1\",\"after\":[\"bikes#d63\"],\"read\":64,\"written\":63,\"skipped\":1}");
    }

    @Test
    void the_typed_state_saves_the_same_json_the_hand_rolled_form_wrote() {
        for (String old : List.of(SAVED_MID_COLLECTION, SAVED_COLLECTION_BEGUN)) {
            SavedCursorContext ctx = new SavedCursorContext(old);
            ctx.saveCursor(ctx.cursor(CopyState.class).orElseThrow());
            assertThat(Json.parseObject(ctx.saved)).as(old).isEqualTo(Json.parseObject(old));
        }
        SavedCursorContext ctx = new SavedCursorContext(SAVED_NOTHING_CURRENT);
        CopyState none = ctx.cursor(CopyState.class).orElseThrow();
        assertThat(none.current()).isNull();
        assertThat(none.copyCursor()).isNull();
        assertThat(none.done()).isEmpty();
    }

    @Test
    void a_storage_step_resumes_from_a_hand_rolled_cursor_where_it_says() throws Exception {
        FakeEs src = V1Dataset.standard(30, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        KuzzleUpgradeSettings settings = KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9500"))
                .targetElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9700"))
                .targetVersion("2.14.0").pageSize(7).build();
        KuzzleSteps steps = new KuzzleSteps(settings, new Connectors() {
            @Override
            public EsPort source() {
                return src;
            }

            @Override
            public EsPort target() {
                return dst;
            }

            @Override
            public TokenCache cache() {
                return null;
            }
        });
        // the hand-rolled form, with the fake cluster's cursor (the last id written) in the engine's place
        SavedCursorContext ctx = new SavedCursorContext("{\"done\":[\"&nyc-open-data.yellowtaxi\"],\"current\":"
                + "{\"target\":\"&nyc-open-data.green-taxi\",\"cursor\":\"g000020\"}}");

        steps.storage(CollectionMove.Kind.PUBLIC, ctx);

        assertThat(dst.indices).as("a finished collection is not copied again").doesNotContainKey("&nyc-open-data.yellowtaxi");
        assertThat(dst.docsOf("&nyc-open-data.green-taxi").keySet()).as("only what follows the saved cursor")
                .containsExactly("g000021", "g000022", "g000023", "g000024", "g000025", "g000026", "g000027",
                        "g000028", "g000029");
        JsonNode last = Json.parseObject(ctx.saved);
        assertThat(last.path("done").toString()).isEqualTo("[\"&nyc-open-data.yellowtaxi\",\"&nyc-open-data.green-taxi\"]");
        assertThat(ctx.saves).anyMatch(s -> s.contains("\"cursor\":\"g000027\""));
    }
}
