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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The steps of a reindex: create the destination, run and poll the task, verify, alias; FINISH deletes. */
public final class ReindexSteps {

    private static final ObjectMapper JSON = EsClient.json();
    private static final List<String> COPIED_SETTINGS = List.of("index.number_of_shards", "index.number_of_replicas",
            "index.refresh_interval", "index.max_result_window", "index.auto_expand_replicas");

    private final ReindexSettings s;
    private final Preflight.Clients clients;
    private final ServerSideReindex serverSide;
    private final ClientSideReindex clientSide;

    public ReindexSteps(ReindexSettings s, Preflight.Clients clients, Sleeper sleeper, Duration poll) {
        this.s = s;
        this.clients = clients;
        this.serverSide = new ServerSideReindex(s, sleeper, poll);
        this.clientSide = new ClientSideReindex(s);
    }

    /**
     * The typed cursor of the create step: the destination index is being created by this plan, so
     * a resumed run accepts it when it exists. Before records the step saved the plain string
     * {@value #PLAIN}.
     */
    record DestCreation(String index) {
        static final String PLAIN = "creating";
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
                .description("reindex " + src + " into " + s.destIndex() + ": " + methodDescription())
                .execute(this::reindex)
                .dryRun(this::planReindex)
                .build();
    }

    private String methodDescription() {
        String slices = s.slices().isPresent() ? s.slices().getAsInt() + " slices"
                : s.remoteSource().isPresent() ? "one slice (remote source)" : "one slice per primary shard";
        String task = "the cluster's _reindex task in " + slices + ", parent and every sub-task polled";
        return switch (s.method()) {
            case AUTO -> task + "; a client-side copy (search pages, bulk writes, resumable cursor) if the cluster"
                    + " has no _reindex";
            case SERVER_SIDE -> task + " (forced: fails if the cluster has no _reindex)";
            case CLIENT_SIDE -> "a client-side copy (search pages, bulk writes, resumable cursor), as the settings ask";
        };
    }

    /** The preview: which method the run will take, probed without side effects. */
    private List<PlannedAction> planReindex(StepContext ctx) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("from", s.remoteSource().map(r -> r.displayName() + "/").orElse("") + s.sourceIndex());
        if (s.method() == ReindexSettings.Method.CLIENT_SIDE) {
            details.put("method", "client-side copy (as the settings ask)");
        } else {
            try (EsClient c = clients.apply(s.cluster())) {
                boolean server = ServerSideReindex.hasReindex(c);
                details.put("method", server ? "server-side _reindex task"
                        : s.method() == ReindexSettings.Method.AUTO
                                ? "client-side copy: " + c.name() + " has no _reindex (405 / no handler)"
                                : "refused: " + c.name() + " has no _reindex and the settings force server-side");
                if (server) {
                    details.put("slices", s.slices().isPresent() ? Integer.toString(s.slices().getAsInt())
                            : s.remoteSource().isPresent() ? "1 (remote source)" : "auto (one per primary shard)");
                }
            }
        }
        return List.of(PlannedAction.of("reindex", s.destIndex(), details));
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
            if (s.method() == ReindexSettings.Method.SERVER_SIDE && !ServerSideReindex.hasReindex(c)) {
                throw ServerSideReindex.missing(c); // before anything is written
            }
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

    /**
     * Resumes what the cursor names (a task, or a client-side copy) or starts the copy the cluster
     * can run: its {@code _reindex} task in slices, else a client-side copy (method AUTO).
     */
    private void reindex(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster()); EsClient src = sourceClient()) {
            Optional<ReindexCursor> saved = StepCursors.read(ctx, ReindexCursor.class, ReindexCursor::plainTaskId);
            if (saved.isPresent() && saved.get().copyCursor() != null) {
                clientSide.run(src, c, ctx, saved, "resumed");
                return;
            }
            if (saved.isEmpty()) {
                Optional<String> why = clientSideReason(c);
                if (why.isPresent()) {
                    clientSide.run(src, c, ctx, saved, why.get());
                    return;
                }
            }
            serverSide.run(c, ctx, saved, () -> sliceCount(src), count(src, s.sourceIndex()));
        }
    }

    /**
     * Why this reindex copies client-side, or empty for the server-side task; fails when the
     * settings force the server-side task on a cluster without {@code _reindex}.
     */
    private Optional<String> clientSideReason(EsClient c) {
        return switch (s.method()) {
            case CLIENT_SIDE -> Optional.of("client-side as the settings ask (ReindexSettings.Method.CLIENT_SIDE)");
            case SERVER_SIDE -> {
                if (!ServerSideReindex.hasReindex(c)) {
                    throw ServerSideReindex.missing(c);
                }
                yield Optional.empty();
            }
            case AUTO -> ServerSideReindex.hasReindex(c) ? Optional.empty() : Optional.of(c.name()
                    + " has no _reindex (POST /_reindex answers 405 or 'no handler'), so this process copies the"
                    + " documents: search pages read, bulk-written with a resumable cursor");
        };
    }

    /** The slices of a new task: as set, or one per primary shard of the source (1 from a remote source). */
    private int sliceCount(EsClient src) {
        if (s.slices().isPresent()) {
            return s.slices().getAsInt();
        }
        if (s.remoteSource().isPresent()) {
            return 1;
        }
        JsonNode indices = src.get("/" + DocumentCopier.enc(s.sourceIndex()) + "/_settings/index.number_of_shards");
        int shards = 1;
        for (JsonNode index : indices) {
            shards = Math.max(shards, index.path("settings").path("index").path("number_of_shards").asInt(1));
        }
        return Math.min(shards, ReindexSettings.MAX_SLICES);
    }

    /** The source's document count for progress totals; -1 when it cannot be read. */
    private static long count(EsClient c, String index) {
        EsClient.EsResponse r = c.exchange("GET", "/" + DocumentCopier.enc(index) + "/_count", null);
        return r.status() == 200 ? r.body().path("count").asLong(-1) : -1;
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
