package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import io.upgradesdk.upgrade.elasticsearch.TestContext;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A run stopped after Elasticsearch accepted its {@code _reindex} task but before the task id was
 * saved: once that task has finished, the rerun finds its result in {@code .tasks} (the newest
 * successful parent task from this source into this destination, started after the destination was
 * created) and takes it instead of starting a second task; where {@code .tasks} cannot be read, the
 * second task only creates, so it writes nothing twice.
 */
class UnsavedReindexTaskTest {

    private static final long CREATED = 1_700_000_000_000L;
    private static final String FINISHED = "n1:50";

    /** A {@code .tasks} hit: a finished reindex of {@code from} into {@code to}; the extras add task fields (a parent) or an error. */
    private static String result(String id, String from, String to, long start, String taskExtra, String resultExtra) {
        String[] nodeAndId = id.split(":");
        return "{\"_id\":\"" + id + "\",\"_source\":{\"completed\":true,\"task\":{\"node\":\"" + nodeAndId[0]
                + "\",\"id\":" + nodeAndId[1] + ",\"action\":\"indices:data/write/reindex\",\"description\":"
                + "\"reindex from [" + from + "] to [" + to + "][_doc]\",\"start_time_in_millis\":" + start
                + ",\"status\":{\"total\":300,\"created\":300,\"slices\":[{\"slice_id\":0},{\"slice_id\":1},"
                + "{\"slice_id\":2}]}" + taskExtra + "}" + resultExtra + ",\"response\":{\"failures\":[]}}}";
    }

    /**
     * A 7.17-like cluster with {@code _reindex} and 300 documents already in {@code new}; its
     * {@code .tasks} search answers {@code tasksAnswer} for the hits whose start is in the query's range.
     */
    private static Function<Request, Answer> cluster(Answer tasksAnswer, long destCount) {
        return r -> {
            if (r.is("POST", "/_reindex")) {
                return r.body().equals("{}") ? new Answer(400, "{\"error\":{\"type\":"
                        + "\"action_request_validation_exception\",\"reason\":\"index must be specified\"}}")
                        : Answer.ok("{\"task\":\"n1:99\"}");
            }
            return switch (r.method() + " " + r.path()) {
                case "GET /old/_settings/index.number_of_shards" ->
                        Answer.ok("{\"old\":{\"settings\":{\"index\":{\"number_of_shards\":\"3\"}}}}");
                case "GET /old/_count" -> Answer.ok("{\"count\":300}");
                case "GET /new/_count" -> Answer.ok("{\"count\":" + destCount + "}");
                case "GET /new/_settings/index.creation_date" ->
                        Answer.ok("{\"new\":{\"settings\":{\"index\":{\"creation_date\":\"" + CREATED + "\"}}}}");
                case "GET /_tasks" -> Answer.ok("{\"tasks\":[]}");
                case "POST /.tasks/_refresh" -> Answer.ok("{}");
                case "POST /.tasks/_search" -> tasksAnswer;
                case "GET /_tasks/" + FINISHED, "GET /_tasks/n1:99" -> Answer.ok("{\"completed\":true,\"task\":"
                        + "{\"status\":{\"total\":300,\"created\":300}},\"response\":{\"failures\":[]}}");
                default -> null;
            };
        };
    }

    private static UpgradeStep reindexStep(FakeElasticsearch es) {
        ReindexSettings settings = ReindexSettings.builder(es.endpoint(), "old", "new").build();
        return new ReindexSteps(settings, es.clients(), d -> { }, Duration.ZERO).steps().stream()
                .filter(st -> st.id().equals("reindex")).findFirst().orElseThrow();
    }

    private static List<Request> startedTasks(FakeElasticsearch es) {
        return es.requests("POST", "/_reindex").stream().filter(r -> !r.body().equals("{}")).toList();
    }

    @Test
    void aFinishedTaskWhoseIdWasNeverSavedIsTakenInsteadOfStartingASecondOne() throws Exception {
        List<String> hits = new ArrayList<>();
        hits.add(result("n1:40", "old", "new", CREATED + 1_000, "", ""));
        hits.add(result(FINISHED, "old", "new", CREATED + 5_000, "", ""));
        hits.add(result("n1:51", "old", "new", CREATED + 5_001, ",\"parent_task_id\":\"" + FINISHED + "\"", ""));
        hits.add(result("n1:60", "other", "new", CREATED + 6_000, "", ""));
        hits.add(result("n1:70", "old", "new", CREATED + 7_000, "", ",\"error\":{\"type\":\"task_cancelled_exception\","
                + "\"reason\":\"by user request\"}"));
        String answer = "{\"hits\":{\"hits\":[" + String.join(",", hits) + "]}}";
        try (FakeElasticsearch es = new FakeElasticsearch(cluster(Answer.ok(answer), 300))) {
            TestContext ctx = new TestContext();
            reindexStep(es).execute(ctx);

            assertThat(startedTasks(es)).as("no second task").isEmpty();
            assertThat(ctx.saved).containsExactly("{\"taskId\":\"" + FINISHED + "\",\"slices\":3}");
            assertThat(ctx.progress).anyMatch(m -> m.contains("task " + FINISHED + " into new is finished though its "
                    + "id was never saved") && m.contains("taking its result instead of starting another"));
            JsonNode query = json(es.requests("POST", "/.tasks/_search").get(0).body()).path("query").path("bool");
            assertThat(query.toString()).contains("{\"term\":{\"task.action\":\"indices:data/write/reindex\"}}",
                    "{\"range\":{\"task.start_time_in_millis\":{\"gte\":" + (CREATED - 30_000) + "}}}");
            assertThat(es.requests("POST", "/.tasks/_refresh")).as("refreshed before the search").hasSize(1);
        }
    }

    @Test
    void whereTasksCannotBeReadASecondTaskStartsThatOnlyCreates() throws Exception {
        Answer forbidden = new Answer(403, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"action "
                + "[indices:data/read/search] is unauthorized\"}}");
        try (FakeElasticsearch es = new FakeElasticsearch(cluster(forbidden, 300))) {
            TestContext ctx = new TestContext();
            reindexStep(es).execute(ctx);

            assertThat(startedTasks(es)).singleElement().satisfies(r -> {
                JsonNode body = json(r.body());
                assertThat(body.path("dest").path("op_type").asText()).isEqualTo("create");
                assertThat(body.path("conflicts").asText()).isEqualTo("proceed");
            });
            assertThat(ctx.saved).containsExactly("{\"taskId\":\"n1:99\",\"slices\":3}");
        }
    }

    @Test
    void aFreshRunIntoAnEmptyDestinationDoesNotReadTasks() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(cluster(Answer.ok("{\"hits\":{\"hits\":[]}}"), 0))) {
            reindexStep(es).execute(new TestContext());

            assertThat(startedTasks(es)).hasSize(1);
            assertThat(es.requests).noneMatch(r -> r.path().startsWith("/.tasks"));
        }
    }

    private static JsonNode json(String text) {
        try {
            return EsClient.json().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
