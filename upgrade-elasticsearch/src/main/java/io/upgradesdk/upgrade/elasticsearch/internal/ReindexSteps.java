package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The steps of a reindex: create the destination, run and poll the task, verify, alias; FINISH deletes. */
public final class ReindexSteps {

    private static final ObjectMapper JSON = EsClient.json();
    private static final List<String> COPIED_SETTINGS = List.of("index.number_of_shards", "index.number_of_replicas",
            "index.refresh_interval", "index.max_result_window", "index.auto_expand_replicas");

    private final ReindexSettings s;
    private final Preflight.Clients clients;
    private final Sleeper sleeper;
    private final Duration poll;

    public ReindexSteps(ReindexSettings s, Preflight.Clients clients, Sleeper sleeper, Duration poll) {
        this.s = s;
        this.clients = clients;
        this.poll = poll;
        this.sleeper = sleeper;
    }

    /**
     * The typed cursor of the create step: the destination index is being created by this plan, so
     * a resumed run accepts it when it exists. Before records the step saved the plain string
     * {@value #PLAIN}.
     */
    record DestCreation(String index) {
        static final String PLAIN = "creating";
    }

    /**
     * The typed cursor of the reindex step: the id of the asynchronous task a resumed run keeps
     * polling. Before records the step saved the task id itself as the cursor.
     */
    record ReindexTask(String taskId) {
    }

    /** All steps in order: create, reindex, verify, the optional alias swap; FINISH deletes the old index. */
    public List<UpgradeStep> steps() {
        List<UpgradeStep> out = new ArrayList<>();
        String src = s.remoteSource().map(r -> r.displayName() + "/").orElse("") + s.sourceIndex();
        out.add(createDestStep(src));
        out.add(reindexStep(src));
        out.add(verifyStep(src));
        s.alias().filter(a -> !a.equals(s.sourceIndex())).ifPresent(a -> out.add(swapAliasStep(a)));
        if (s.remoteSource().isEmpty()) {
            out.add(deleteOldIndexStep());
        }
        return out;
    }

    private UpgradeStep createDestStep(String src) {
        return UpgradeStep.builder("create-dest-index")
                .description("create " + s.destIndex() + " with the mappings and settings of " + src)
                .execute(this::createDest)
                .dryRun(ctx -> List.of(PlannedAction.of("create-index", s.destIndex(), Map.of("copy-of", src))))
                .compensation(ctx -> {
                    try (EsClient c = clients.apply(s.cluster())) {
                        c.exchange("DELETE", "/" + s.destIndex(), null);
                    }
                })
                .build();
    }

    private UpgradeStep reindexStep(String src) {
        return UpgradeStep.builder("reindex")
                .description("reindex " + src + " into " + s.destIndex() + " (asynchronous task, polled)")
                .execute(this::reindex)
                .dryRun(ctx -> List.of(PlannedAction.of("reindex", s.destIndex(), Map.of("from", src))))
                .build();
    }

    private UpgradeStep verifyStep(String src) {
        return UpgradeStep.builder("verify-reindex")
                .description("the document count of " + s.destIndex() + " equals that of " + src)
                .execute(this::verify)
                .build();
    }

    private UpgradeStep swapAliasStep(String alias) {
        return UpgradeStep.builder("swap-alias")
                .description("point alias " + alias + " at " + s.destIndex() + " instead of " + s.sourceIndex())
                .execute(ctx -> {
                    try (EsClient c = clients.apply(s.cluster())) {
                        ObjectNode body = JSON.createObjectNode();
                        ArrayNode actions = body.putArray("actions");
                        if (s.remoteSource().isEmpty() && c.exists("/" + s.sourceIndex() + "/_alias/" + alias)) {
                            actions.addObject().putObject("remove").put("index", s.sourceIndex()).put("alias", alias);
                        }
                        actions.addObject().putObject("add").put("index", s.destIndex()).put("alias", alias);
                        c.send("POST", "/_aliases", body);
                    }
                })
                .dryRun(ctx -> List.of(PlannedAction.of("swap-alias", alias, Map.of("to", s.destIndex()))))
                .build();
    }

    /** FINISH, point of no return: deletes the old index (and gives its name to the new one as an alias, if asked). */
    private UpgradeStep deleteOldIndexStep() {
        boolean aliasTakesOldName = s.alias().filter(a -> a.equals(s.sourceIndex())).isPresent();
        return UpgradeStep.builder("delete-old-index").phase(Phase.FINISH).pointOfNoReturn()
                .description("delete the old index " + s.sourceIndex() + (aliasTakesOldName
                        ? " and put alias " + s.sourceIndex() + " on " + s.destIndex() + " atomically" : ""))
                .execute(ctx -> {
                    try (EsClient c = clients.apply(s.cluster())) {
                        boolean isIndex = c.exists("/" + s.sourceIndex()) && !c.exists("/_alias/" + s.sourceIndex());
                        if (!isIndex) {
                            return; // already done
                        }
                        ObjectNode body = JSON.createObjectNode();
                        ArrayNode actions = body.putArray("actions");
                        actions.addObject().putObject("remove_index").put("index", s.sourceIndex());
                        if (aliasTakesOldName) {
                            actions.addObject().putObject("add").put("index", s.destIndex()).put("alias", s.sourceIndex());
                        }
                        c.send("POST", "/_aliases", body);
                    }
                })
                .dryRun(ctx -> List.of(PlannedAction.of("delete-index", s.sourceIndex())))
                .build();
    }

    private EsClient sourceClient() {
        return clients.apply(s.remoteSource().orElse(s.cluster()));
    }

    private void createDest(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster()); EsClient src = sourceClient()) {
            if (c.exists("/" + s.destIndex())) {
                if (StepCursors.read(ctx, DestCreation.class, StepCursors.marker(ctx, DestCreation.PLAIN,
                        new DestCreation(s.destIndex()))).isPresent()) {
                    return;
                }
                throw new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, "the destination index "
                        + s.destIndex() + " already exists on " + c.name() + "; delete it or choose another name");
            }
            ctx.saveCursor(new DestCreation(s.destIndex()));
            JsonNode mappings = src.get("/" + s.sourceIndex() + "/_mapping").path(s.sourceIndex()).path("mappings");
            JsonNode flat = src.get("/" + s.sourceIndex() + "/_settings?flat_settings=true").path(s.sourceIndex())
                    .path("settings");
            ObjectNode body = JSON.createObjectNode();
            ObjectNode settings = body.putObject("settings");
            for (String key : COPIED_SETTINGS) {
                if (flat.has(key)) {
                    settings.set(key, flat.get(key));
                }
            }
            for (Iterator<String> it = flat.fieldNames(); it.hasNext();) {
                String key = it.next();
                if (key.startsWith("index.analysis.")) {
                    settings.set(key, flat.get(key));
                }
            }
            body.set("mappings", typeless(mappings));
            c.send("PUT", "/" + s.destIndex(), body);
        }
    }

    /** 5.x/6.x mappings are keyed by type: merge the types' mappings into one typeless mapping. */
    static JsonNode typeless(JsonNode mappings) {
        if (mappings.has("properties") || mappings.size() == 0) {
            return mappings;
        }
        ObjectNode merged = JSON.createObjectNode();
        ObjectNode props = merged.putObject("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = mappings.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> type = it.next();
            type.getValue().path("properties").fields().forEachRemaining(p -> {
                JsonNode old = props.get(p.getKey());
                if (old != null && !old.equals(p.getValue())) {
                    throw new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, "field " + p.getKey()
                            + " has different mappings in the types of the source index (" + old + " vs "
                            + p.getValue() + "); reindex each type into its own index instead");
                }
                props.set(p.getKey(), p.getValue());
            });
        }
        return merged;
    }

    /** Starts the {@code _reindex} task unless a resumed run has its id, then waits for it to complete. */
    private void reindex(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster())) {
            ReindexTask task = StepCursors.read(ctx, ReindexTask.class, ReindexTask::new)
                    .orElseGet(() -> startTask(c, ctx));
            requireSucceeded(awaitTask(c, ctx, task.taskId()), task.taskId());
        }
    }

    /** Sends the asynchronous {@code _reindex} request and saves the task id it answers. */
    private ReindexTask startTask(EsClient c, StepContext ctx) {
        ObjectNode body = JSON.createObjectNode();
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
        EsClient.EsResponse r = c.exchange("POST", "/_reindex?wait_for_completion=false&refresh=true", body);
        if (r.status() == 405 || r.status() == 404 || r.status() == 400 && r.body().toString().contains("no handler")) {
            throw new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, c.name() + " has no _reindex API "
                    + "(the reindex module is missing); install it or copy the documents another way");
        }
        if (r.status() / 100 != 2) {
            throw c.failure("POST", "/_reindex", r.status(), r.body());
        }
        ReindexTask task = new ReindexTask(r.body().path("task").asText());
        ctx.saveCursor(task);
        return task;
    }

    /** Polls the task, reporting documents created and updated, until it completes; returns its last state. */
    private JsonNode awaitTask(EsClient c, StepContext ctx, String taskId) {
        JsonNode[] result = new JsonNode[1];
        new Waits(ctx.clock(), sleeper, poll).until("reindex task " + taskId + " on " + c.name(), s.timeout(),
                "check GET /_tasks/" + taskId + "; rerun to keep waiting", () -> {
                    JsonNode t = c.get("/_tasks/" + taskId);
                    JsonNode st = t.path("task").path("status");
                    ctx.progress(st.path("created").asLong() + st.path("updated").asLong(), st.path("total").asLong(-1),
                            "reindex " + s.sourceIndex() + " -> " + s.destIndex());
                    if (t.path("completed").asBoolean()) {
                        result[0] = t;
                        return true;
                    }
                    return false;
                });
        return result[0];
    }

    private static void requireSucceeded(JsonNode t, String taskId) {
        if (t.has("error") || t.path("response").path("failures").size() > 0) {
            throw new UpgradeException(ElasticsearchErrorCode.BULK_ITEM_FAILED, "reindex task " + taskId
                    + " failed: " + (t.has("error") ? t.path("error") : t.path("response").path("failures").path(0))
                    + "; fix the cause, mark the step undone and rerun");
        }
    }

    private void verify(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster()); EsClient src = sourceClient()) {
            c.send("POST", "/" + s.destIndex() + "/_refresh", null);
            long a = src.get("/" + s.sourceIndex() + "/_count").path("count").asLong();
            long b = c.get("/" + s.destIndex() + "/_count").path("count").asLong();
            if (a != b) {
                throw new UpgradeException(ElasticsearchErrorCode.VERIFICATION_FAILED, s.destIndex() + " has " + b
                        + " documents but " + s.sourceIndex() + " has " + a + "; stop writes to the source, delete "
                        + s.destIndex() + " and rerun the plan from the start");
            }
            ctx.progress(b, a, "verified " + b + " documents");
        }
    }
}
