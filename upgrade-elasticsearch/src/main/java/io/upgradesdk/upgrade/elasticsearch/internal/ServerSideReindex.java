package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The cluster's own {@code _reindex}: started as an asynchronous task in slices, its id saved as
 * the step's cursor before anything else, then the parent task and every sub-task polled until
 * the task completes. A run resuming from the cursor keeps polling that task instead of starting a
 * second one (a run stopped before the id was saved finds its task while it runs, and, once it has
 * finished, its result in {@code .tasks}); only a task that failed or that the cluster lost (a node
 * restart ends a running task) is started again, which is safe because every task only creates
 * documents.
 */
final class ServerSideReindex {

    private static final ObjectNode EMPTY = EsClient.json().createObjectNode();
    /** The action of a {@code _reindex} task, as {@code .tasks} records it. */
    private static final String REINDEX_ACTION = "indices:data/write/reindex";
    /** How far the clocks of the node that created the destination and the one that ran a task may differ. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final ReindexSettings s;
    private final Sleeper sleeper;
    private final Duration poll;

    ServerSideReindex(ReindexSettings s, Sleeper sleeper, Duration poll) {
        this.s = s;
        this.sleeper = sleeper;
        this.poll = poll;
    }

    /**
     * Whether {@code c} has a {@code _reindex} endpoint, asked without side effects: an empty
     * request fails validation (400 {@code action_request_validation_exception}) where the reindex
     * module is installed, and gets 405 or "no handler" where it is not.
     */
    static boolean hasReindex(EsClient c) {
        EsClient.EsResponse r = c.exchange("POST", "/_reindex", EMPTY);
        if (r.status() == 405 || r.status() == 404 || r.status() == 410
                || r.status() == 400 && r.body().toString().contains("no handler")) {
            return false;
        }
        if (r.status() == 401) {
            throw c.failure("POST", "/_reindex", r.status(), r.body());
        }
        return true; // 400 validation failure (or 403: the endpoint exists, the start will say what is missing)
    }

    /** The error a forced server-side reindex fails with on a cluster without {@code _reindex}. */
    static UpgradeException missing(EsClient c) {
        return new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, c.name() + " has no _reindex API (the "
                + "reindex module is missing: POST /_reindex answers 405 or 'no handler'); install the module, or "
                + "let the plan copy the documents client-side with ReindexSettings.Method.AUTO or CLIENT_SIDE");
    }

    /**
     * Resumes the task of {@code saved} or starts one in {@code slices} slices (asked only then),
     * then waits for its success; {@code expected} is the source's document count (-1 if unknown).
     */
    void run(EsClient c, StepContext ctx, Optional<ReindexCursor> saved, IntSupplier slices, long expected) {
        if (saved.isPresent() && saved.get().taskId() != null) {
            ReindexCursor task = saved.get();
            Optional<JsonNode> found = c.getIfExists("/_tasks/" + task.taskId());
            if (found.isPresent() && ReindexTaskState.of(found.get(), null, task.sliceCount()).failure().isEmpty()) {
                await(c, ctx, task, expected);
                return;
            }
            if (found.isPresent() && !found.get().path("completed").asBoolean()) {
                c.exchange("POST", "/_tasks/" + task.taskId() + "/_cancel", null); // its other slices still run
            }
            ctx.progress(0, expected, "reindex task " + task.taskId() + (found.isEmpty() ? " is gone (a node restart "
                    + "ends a running task)" : " failed") + "; starting another one, which skips the documents "
                    + "already created");
        }
        if (saved.isEmpty() && resumedUnsavedTask(c, ctx, expected)) {
            return;
        }
        await(c, ctx, start(c, ctx, slices.getAsInt()), expected);
    }

    /**
     * Looks for the task of an earlier run that stopped after starting it but before saving its id:
     * running ({@code GET /_tasks}), or finished without failure (its result in {@code .tasks});
     * when found, saves its id and waits for it (at once for a finished one), and returns true.
     * Never for a remote source, whose task description names the remote instead.
     */
    private boolean resumedUnsavedTask(EsClient c, StepContext ctx, long expected) {
        if (s.remoteSource().isPresent()) {
            return false;
        }
        Optional<ReindexCursor> running = findRunning(c);
        Optional<ReindexCursor> task = running.isPresent() ? running : findFinished(c);
        if (task.isEmpty()) {
            return false;
        }
        ctx.saveCursor(task.get());
        ctx.progress(0, expected, "reindex task " + task.get().taskId() + " into " + s.destIndex() + " is "
                + (running.isPresent() ? "running" : "finished") + " though its id was never saved (an earlier run "
                + "stopped right after starting it); " + (running.isPresent() ? "polling it" : "taking its result")
                + " instead of starting another");
        await(c, ctx, task.get(), expected);
        return true;
    }

    /**
     * A running parent reindex task of this source and destination: the task of an earlier run that
     * stopped before it saved the id.
     */
    private Optional<ReindexCursor> findRunning(EsClient c) {
        EsClient.EsResponse r = c.exchange("GET", "/_tasks?actions=*reindex&detailed=true&group_by=none", null);
        if (r.status() != 200) {
            return Optional.empty();
        }
        for (JsonNode task : r.body().path("tasks")) {
            if (isParentTaskOfThisReindex(task)) {
                return Optional.of(cursorOf(task));
            }
        }
        return Optional.empty();
    }

    /** A task (as {@code _tasks} or {@code .tasks} describes it) that is the parent task of a reindex of this source into this destination. */
    private boolean isParentTaskOfThisReindex(JsonNode task) {
        return !task.has("parent_task_id") && task.path("description").asText()
                .startsWith("reindex from [" + s.sourceIndex() + "] to [" + s.destIndex() + "]");
    }

    /** The cursor that polls {@code task}: its id and slice count. */
    private static ReindexCursor cursorOf(JsonNode task) {
        return ReindexCursor.task(task.path("node").asText() + ":" + task.path("id").asText(),
                Math.max(1, task.path("status").path("slices").size()));
    }

    /**
     * A finished, successful parent reindex task of this source and destination started after the
     * destination was created (so by this plan): its result, which Elasticsearch keeps in the
     * {@code .tasks} index for a task started with {@code wait_for_completion=false}. Asked only when
     * the destination already holds documents (a fresh run does not read {@code .tasks}); empty when
     * {@code .tasks} cannot be read (then a second task starts, which creates nothing twice).
     */
    private Optional<ReindexCursor> findFinished(EsClient c) {
        String dest = DocumentCopier.enc(s.destIndex());
        EsClient.EsResponse count = c.exchange("GET", "/" + dest + "/_count", null);
        if (count.status() != 200 || count.body().path("count").asLong() == 0) {
            return Optional.empty();
        }
        EsClient.EsResponse settings = c.exchange("GET", "/" + dest + "/_settings/index.creation_date", null);
        if (settings.status() != 200) {
            return Optional.empty();
        }
        long created = settings.body().path(s.destIndex()).path("settings").path("index").path("creation_date")
                .asLong(0) - CLOCK_SKEW.toMillis();
        c.exchange("POST", "/.tasks/_refresh", null); // a result stored a moment ago is searchable only then
        ObjectNode body = EsClient.json().createObjectNode().put("size", 100);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("task.action", REINDEX_ACTION);
        filter.addObject().putObject("range").putObject("task.start_time_in_millis").put("gte", created);
        EsClient.EsResponse r = c.exchange("POST", "/.tasks/_search?ignore_unavailable=true", body);
        if (r.status() != 200) {
            return Optional.empty();
        }
        JsonNode newest = null;
        for (JsonNode hit : r.body().path("hits").path("hits")) {
            JsonNode result = hit.path("_source");
            JsonNode task = result.path("task");
            if (result.path("completed").asBoolean() && isParentTaskOfThisReindex(task)
                    && ReindexTaskState.of(result, null, 1).failure().isEmpty()
                    && (newest == null || task.path("start_time_in_millis").asLong()
                            > newest.path("start_time_in_millis").asLong())) {
                newest = task;
            }
        }
        return Optional.ofNullable(newest).map(ServerSideReindex::cursorOf);
    }

    /** Sends the asynchronous {@code _reindex} request and saves the task id it answers. */
    private ReindexCursor start(EsClient c, StepContext ctx, int slices) {
        ObjectNode body = EsClient.json().createObjectNode();
        ObjectNode source = body.putObject("source").put("index", s.sourceIndex());
        s.remoteSource().ifPresent(r -> {
            ObjectNode remote = source.putObject("remote").put("host", r.urls().get(0).toString());
            r.username().ifPresent(u -> remote.put("username", u));
            r.password().ifPresent(p -> remote.put("password", p.reveal()));
        });
        // Only create: a run killed after Elasticsearch accepted the task but before its id reached the
        // checkpoint starts a second task on rerun (the first runs on); the plan made the destination,
        // so a document already there came from this reindex and is skipped, never written twice.
        body.put("conflicts", "proceed");
        body.putObject("dest").put("index", s.destIndex()).put("op_type", "create");
        String path = "/_reindex?wait_for_completion=false&refresh=true" + (slices > 1 ? "&slices=" + slices : "");
        EsClient.EsResponse r = c.exchange("POST", path, body);
        if (r.status() == 405 || r.status() == 404 || r.status() == 400 && r.body().toString().contains("no handler")) {
            throw missing(c);
        }
        if (r.status() / 100 != 2) {
            throw c.failure("POST", "/_reindex", r.status(), r.body());
        }
        ReindexCursor task = ReindexCursor.task(r.body().path("task").asText(), slices);
        ctx.saveCursor(task);
        return task;
    }

    /**
     * Polls the parent task and, for a sliced one, its running sub-tasks, reporting per-slice and
     * total progress, until the task completes; fails with the reason of the first failed slice or
     * rejected document (cancelling the task's other slices first).
     */
    private void await(EsClient c, StepContext ctx, ReindexCursor task, long expected) {
        String id = task.taskId();
        int sliceCount = task.sliceCount();
        ReindexTaskState[] last = new ReindexTaskState[1];
        new Waits(ctx.clock(), sleeper, poll).until("reindex task " + id + " on " + c.name(), s.timeout(),
                "check GET /_tasks/" + id + "; rerun to keep waiting", () -> {
                    JsonNode parent = c.get("/_tasks/" + id);
                    JsonNode children = sliceCount > 1 && !parent.path("completed").asBoolean()
                            ? c.get("/_tasks?parent_task_id=" + id + "&detailed=true") : null;
                    ReindexTaskState state = ReindexTaskState.of(parent, children, sliceCount);
                    ctx.progress(state.done(), state.total(expected), "reindex " + s.sourceIndex() + " -> "
                            + s.destIndex() + " (task " + id + ", " + state.describeSlices(sliceCount) + ")");
                    last[0] = state;
                    return state.completed() || state.failure().isPresent();
                });
        ReindexTaskState state = last[0];
        if (state.failure().isPresent()) {
            if (!state.completed()) {
                c.exchange("POST", "/_tasks/" + id + "/_cancel", null);
            }
            throw new UpgradeException(ElasticsearchErrorCode.BULK_ITEM_FAILED, "reindex task " + id + " failed: "
                    + state.failure().get() + "; fix the cause and rerun: a new task skips the documents already "
                    + "created");
        }
    }
}
