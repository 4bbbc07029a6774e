package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.TestContext;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The reindex step against a fake cluster: a task in slices polled through its parent and its
 * sub-tasks, per-slice progress, a failed slice failing the step, resume without a second task,
 * and the detection of a cluster without {@code _reindex}.
 */
class SlicedReindexTest {

    private static final String TASK = "nodeA:100";
    private static final String VALIDATION_FAILED =
            "{\"error\":{\"type\":\"action_request_validation_exception\",\"reason\":\"index must be specified\"}}";

    /** A 7.17-like cluster with {@code _reindex}, source {@code old} of 3 shards and 300 documents; tasks answer in turn. */
    private static Function<Request, Answer> cluster(List<String> parentAnswers, String children) {
        AtomicInteger poll = new AtomicInteger();
        return r -> {
            if (r.is("POST", "/_reindex")) {
                return r.body().equals("{}") ? new Answer(400, VALIDATION_FAILED) : Answer.ok("{\"task\":\"" + TASK + "\"}");
            }
            if (r.is("GET", "/old/_settings/index.number_of_shards")) {
                return Answer.ok("{\"old\":{\"settings\":{\"index\":{\"number_of_shards\":\"3\"}}}}");
            }
            if (r.is("GET", "/old/_count")) {
                return Answer.ok("{\"count\":300}");
            }
            if (r.is("GET", "/_tasks/" + TASK)) {
                return Answer.ok(parentAnswers.get(Math.min(poll.getAndIncrement(), parentAnswers.size() - 1)));
            }
            if (r.is("GET", "/_tasks")) {
                return Answer.ok(children);
            }
            if (r.is("POST", "/_tasks/" + TASK + "/_cancel")) {
                return Answer.ok("{}");
            }
            return null;
        };
    }

    private static String status(int slice, int created, int total) {
        return "{\"slice_id\":" + slice + ",\"total\":" + total + ",\"created\":" + created
                + ",\"updated\":0,\"version_conflicts\":0}";
    }

    private static final String RUNNING = "{\"completed\":false,\"task\":{\"status\":{\"total\":0,\"created\":0,"
            + "\"slices\":[" + status(0, 100, 100) + ",null,null]}}}";
    private static final String CHILDREN = "{\"nodes\":{\"nodeA\":{\"tasks\":{\"nodeA:101\":{\"status\":"
            + status(1, 40, 100) + ",\"parent_task_id\":\"" + TASK + "\"}}}}}";
    private static final String COMPLETED = "{\"completed\":true,\"task\":{\"status\":{\"total\":300,\"created\":300,"
            + "\"slices\":[" + status(0, 100, 100) + "," + status(1, 100, 100) + "," + status(2, 100, 100) + "]}},"
            + "\"response\":{\"total\":300,\"created\":300,\"failures\":[]}}";

    private static UpgradeStep reindexStep(FakeElasticsearch es, UnaryOperator<ReindexSettings.Builder> options) {
        ReindexSettings settings = options.apply(ReindexSettings.builder(es.endpoint(), "old", "new")).build();
        return new ReindexSteps(settings, es.clients(), d -> { }, Duration.ZERO).steps().stream()
                .filter(st -> st.id().equals("reindex")).findFirst().orElseThrow();
    }

    @Test
    void startsOneSlicePerPrimaryShardAndReportsEverySliceUntilTheTaskCompletes() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(cluster(List.of(RUNNING, COMPLETED), CHILDREN))) {
            TestContext ctx = new TestContext();
            reindexStep(es, b -> b).execute(ctx);

            assertThat(es.requests("POST", "/_reindex")).extracting(Request::uri)
                    .containsExactly("/_reindex", "/_reindex?wait_for_completion=false&refresh=true&slices=3");
            assertThat(ctx.saved).containsExactly("{\"taskId\":\"" + TASK + "\",\"slices\":3}");
            assertThat(es.requests("GET", "/_tasks")).extracting(Request::uri)
                    .containsExactly("/_tasks?actions=*reindex&detailed=true&group_by=none", // an earlier run's task?
                            "/_tasks?parent_task_id=" + TASK + "&detailed=true");
            assertThat(ctx.progress.get(0)).contains("3 slices: #0 100/100 done, #1 40/100, #2 waiting");
            assertThat(ctx.counts.get(0)).containsExactly(140, 300);
            assertThat(ctx.progress.get(1)).contains("#0 100/100 done, #1 100/100 done, #2 100/100 done");
            assertThat(ctx.counts.get(1)).containsExactly(300, 300);
        }
    }

    @Test
    void aFailedSliceCancelsTheTaskAndFailsTheStepWithItsReason() throws Exception {
        String failedSlice = "{\"completed\":false,\"task\":{\"status\":{\"slices\":[null,{\"type\":"
                + "\"search_phase_execution_exception\",\"reason\":\"all shards failed\",\"caused_by\":{\"type\":"
                + "\"circuit_breaking_exception\",\"reason\":\"[parent] Data too large\"}},null]}}}";
        try (FakeElasticsearch es = new FakeElasticsearch(cluster(List.of(failedSlice), CHILDREN))) {
            assertThatThrownBy(() -> reindexStep(es, b -> b.slices(3)).execute(new TestContext()))
                    .isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("slice 1 failed: search_phase_execution_exception: all shards failed "
                            + "(caused by circuit_breaking_exception: [parent] Data too large)")
                    .hasMessageContaining("a new task skips the documents already created")
                    .extracting(e -> ((UpgradeException) e).code()).isEqualTo(ElasticsearchErrorCode.BULK_ITEM_FAILED);
            assertThat(es.requests("POST", "/_tasks/" + TASK + "/_cancel")).hasSize(1);
        }
    }

    @Test
    void aDocumentRejectedInACompletedTaskFailsTheStepNamingItWithoutItsData() throws Exception {
        String rejected = "{\"completed\":true,\"task\":{\"status\":{\"slices\":[" + status(0, 99, 100) + "]}},"
                + "\"response\":{\"failures\":[{\"index\":\"new\",\"id\":\"7\",\"cause\":{\"type\":"
                + "\"mapper_parsing_exception\",\"reason\":\"failed to parse field [n] of type [integer]\"}}]}}";
        try (FakeElasticsearch es = new FakeElasticsearch(cluster(List.of(rejected), "{}"))) {
            assertThatThrownBy(() -> reindexStep(es, b -> b.slices(2)).execute(new TestContext()))
                    .hasMessageContaining("document not written: new/7: mapper_parsing_exception: failed to parse field [n]");
            assertThat(es.requests("POST", "/_tasks/" + TASK + "/_cancel")).as("completed: nothing to cancel").isEmpty();
        }
    }

    @Test
    void aResumedRunPollsTheSavedTaskAndStartsNoOther() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(cluster(List.of(RUNNING, COMPLETED), CHILDREN))) {
            TestContext ctx = new TestContext();
            ctx.cursor = "{\"taskId\":\"" + TASK + "\",\"slices\":3}";
            reindexStep(es, b -> b).execute(ctx);
            assertThat(es.requests("POST", "/_reindex")).isEmpty();
            assertThat(ctx.saved).isEmpty();
            assertThat(ctx.counts.get(ctx.counts.size() - 1)).containsExactly(300, 300);
        }
    }

    @Test
    void aResumedRunWhoseTaskFailedOrWasLostStartsAnotherCreateOnlyTask() throws Exception {
        String failed = "{\"completed\":true,\"error\":{\"type\":\"node_closed_exception\",\"reason\":\"node closed\"}}";
        String sliceFailedOthersRunning = "{\"completed\":false,\"task\":{\"status\":{\"slices\":[{\"type\":"
                + "\"es_rejected_execution_exception\",\"reason\":\"rejected\"},null,null]}}}";
        for (String previous : List.of("failed", "lost", "failed-running")) {
            Function<Request, Answer> base = cluster(List.of(COMPLETED), CHILDREN);
            try (FakeElasticsearch es = new FakeElasticsearch(r -> r.is("POST", "/_tasks/old:1/_cancel") ? Answer.ok("{}")
                    : !r.is("GET", "/_tasks/old:1") ? base.apply(r)
                    : previous.equals("failed") ? Answer.ok(failed)
                    : previous.equals("failed-running") ? Answer.ok(sliceFailedOthersRunning)
                    : new Answer(404, "{\"error\":{\"type\":\"resource_not_found_exception\"}}"))) {
                TestContext ctx = new TestContext();
                ctx.cursor = "{\"taskId\":\"old:1\",\"slices\":3}";
                reindexStep(es, b -> b).execute(ctx);
                assertThat(es.requests("POST", "/_reindex")).as(previous).hasSize(1);
                assertThat(es.requests("POST", "/_reindex").get(0).body()).contains("\"op_type\":\"create\"");
                assertThat(ctx.saved).containsExactly("{\"taskId\":\"" + TASK + "\",\"slices\":3}");
                assertThat(ctx.progress.get(0)).contains("old:1 " + (previous.startsWith("failed") ? "failed" : "is gone"));
                assertThat(es.requests("POST", "/_tasks/old:1/_cancel")).as(previous + ": its other slices stopped")
                        .hasSize(previous.equals("failed-running") ? 1 : 0);
            }
        }
    }

    @Test
    void aRunWhoseEarlierTaskIdWasNeverSavedFindsThatTaskWhileItRunsAndStartsNoOther() throws Exception {
        String listing = "{\"tasks\":[{\"node\":\"nodeA\",\"id\":100,\"description\":\"reindex from [old] to "
                + "[new][_doc]\",\"status\":{\"slices\":[null,null,null]}},{\"node\":\"nodeA\",\"id\":101,"
                + "\"parent_task_id\":\"" + TASK + "\",\"description\":\"reindex from [old] to [new][_doc]\"},"
                + "{\"node\":\"nodeA\",\"id\":7,\"description\":\"reindex from [other] to [new2]\"}]}";
        Function<Request, Answer> base = cluster(List.of(RUNNING, COMPLETED), CHILDREN);
        try (FakeElasticsearch es = new FakeElasticsearch(r -> r.is("GET", "/_tasks") && r.uri().contains("group_by=none")
                ? Answer.ok(listing) : base.apply(r))) {
            TestContext ctx = new TestContext();
            reindexStep(es, b -> b).execute(ctx);
            assertThat(es.requests("POST", "/_reindex")).extracting(Request::body).containsExactly("{}");
            assertThat(ctx.saved).containsExactly("{\"taskId\":\"" + TASK + "\",\"slices\":3}");
            assertThat(ctx.progress.get(0)).contains("running though its id was never saved");
            assertThat(ctx.counts.get(ctx.counts.size() - 1)).containsExactly(300, 300);
        }
    }

    @Test
    void anUnslicedTaskReportsItsOwnStatusAsOneSlice() {
        ReindexTaskState running = ReindexTaskState.of(json("{\"completed\":false,\"task\":{\"status\":"
                + "{\"total\":50,\"created\":20,\"version_conflicts\":5}}}"), null, 1);
        assertThat(running.done()).isEqualTo(25);
        assertThat(running.total(-1)).isEqualTo(50);
        assertThat(running.describeSlices(1)).isEqualTo("1 slice: #0 25/50");
        assertThat(running.failure()).isEmpty();
    }

    @Test
    void theTotalIsTheSourceCountUntilEverySliceHasStarted() {
        ReindexTaskState state = ReindexTaskState.of(json(RUNNING), json(CHILDREN), 3);
        assertThat(state.total(300)).isEqualTo(300);
        assertThat(state.total(-1)).isEqualTo(200);
        assertThat(state.completed()).isFalse();
    }

    // ---- detection of a cluster without _reindex ---------------------------------------------

    @Test
    void aClusterAnswering405OrNoHandlerHasNoReindexAndAValidationErrorMeansItHasOne() throws Exception {
        String no405 = "{\"error\":\"Incorrect HTTP method for uri [/_reindex] and method [POST], allowed: [GET, PUT, "
                + "DELETE, HEAD]\",\"status\":405}";
        String noHandler = "{\"error\":\"no handler found for uri [/_reindex] and method [POST]\"}";
        assertThat(probe(new Answer(405, no405))).isFalse();
        assertThat(probe(new Answer(400, noHandler))).isFalse();
        assertThat(probe(new Answer(400, VALIDATION_FAILED))).isTrue();
    }

    private static boolean probe(Answer answer) throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(r -> r.is("POST", "/_reindex") ? answer : null);
                EsClient c = es.clients().apply(es.endpoint())) {
            boolean has = ServerSideReindex.hasReindex(c);
            assertThat(es.requests).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo("{}"));
            return has;
        }
    }

    @Test
    void forcedServerSideOnAClusterWithoutReindexFailsBeforeTheDestinationIsCreated() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(r -> r.is("POST", "/_reindex")
                ? new Answer(405, "{\"error\":\"Incorrect HTTP method\",\"status\":405}") : null)) {
            ReindexSettings settings = ReindexSettings.builder(es.endpoint(), "old", "new")
                    .method(ReindexSettings.Method.SERVER_SIDE).build();
            UpgradeStep create = new ReindexSteps(settings, es.clients(), d -> { }, Duration.ZERO).steps().get(0);
            assertThatThrownBy(() -> create.execute(new TestContext())).hasMessageContaining("has no _reindex API")
                    .hasMessageContaining("Method.AUTO or CLIENT_SIDE");
            assertThat(es.requests("PUT", "/new")).isEmpty();
        }
    }

    @Test
    void thePreviewSaysTheCopyIsClientSideOnAClusterWithoutReindex() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(r -> r.is("POST", "/_reindex")
                ? new Answer(405, "{\"error\":\"Incorrect HTTP method\",\"status\":405}") : null)) {
            List<PlannedAction> planned = reindexStep(es, b -> b).dryRun(new TestContext());
            assertThat(planned).singleElement().satisfies(a -> assertThat(a.details().get("method"))
                    .startsWith("client-side copy: ").contains("has no _reindex"));
            assertThat(reindexStep(es, b -> b).description()).contains("a client-side copy", "if the cluster has no _reindex");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return EsClient.json().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
