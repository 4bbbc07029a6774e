package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.HealthStatus;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/** The steps of the snapshot-and-restore upgrade. */
public final class SnapshotRestoreSteps {

    private static final ObjectMapper JSON = EsClient.json();

    private final SnapshotRestoreSettings s;
    private final Preflight.Clients clients;
    private final Sleeper sleeper;
    private final Duration poll;
    /** Indices of the snapshot taken by this plan's snapshot step in this process, or null. */
    private final AtomicReference<JsonNode> snapshotIndices = new AtomicReference<>();

    public SnapshotRestoreSteps(SnapshotRestoreSettings s, Preflight.Clients clients, Sleeper sleeper, Duration poll) {
        this.s = s;
        this.clients = clients;
        this.sleeper = sleeper;
        this.poll = poll;
    }

    /** All steps in order. */
    public List<UpgradeStep> steps() {
        List<UpgradeStep> steps = new ArrayList<>();
        s.preflight().ifPresent(p -> steps.addAll(Preflight.steps(p, "source-", clients)));
        steps.add(Preflight.check("target-versions", "every node of the target runs " + s.targetMajor() + ".x, a "
                + "release the upgrade rules allow for the source's", clients, s.target(), (c, ctx) -> {
                    checkTargetVersions(c, s.targetMajor());
                    try (EsClient source = clients.apply(s.source())) {
                        checkUpgradePath(source, c);
                    }
                }));
        steps.add(repositoryCheck());
        steps.add(registerRepository("register-source-repository", s.source(), false));
        steps.add(registerRepository("register-target-repository", s.target(), true));
        steps.add(snapshot());
        steps.add(restore());
        steps.add(verify());
        steps.add(PostChecks.step("post-upgrade-checks", s.target(), s.targetMajor(), HealthStatus.YELLOW, clients));
        if (s.deleteSourceIndices()) {
            steps.add(deleteSource());
        }
        return steps;
    }

    static void checkTargetVersions(EsClient c, int major) {
        List<String> wrong = new ArrayList<>();
        Preflight.nodeVersions(c).forEach((n, v) -> {
            if (v.major() != major) {
                wrong.add(n + " runs " + v);
            }
        });
        if (!wrong.isEmpty()) {
            throw Preflight.failed("the target cluster " + c.name() + " must run " + major + ".x, but " + wrong
                    + "; point the target at a new " + major + ".x cluster");
        }
    }

    /**
     * Before anything is registered: the location is allowed by {@code path.repo} on both clusters,
     * and a repository of the plan's name on either is reused only when it is already fs at the
     * same location. The dry run runs the same read-only checks.
     */
    private UpgradeStep repositoryCheck() {
        return UpgradeStep.builder("repository-check")
                .description("check: repository " + s.repository() + " (" + s.location() + ") is new or the same on "
                        + s.source().displayName() + " and " + s.target().displayName() + ", and allowed by path.repo")
                .execute(ctx -> checkRepositories())
                .dryRun(ctx -> {
                    checkRepositories();
                    return List.of(PlannedAction.of("check", "repository " + s.repository(),
                            Map.of("location", s.location())));
                })
                .build();
    }

    private void checkRepositories() {
        for (ElasticsearchEndpoint e : List.of(s.source(), s.target())) {
            try (EsClient c = clients.apply(e)) {
                RepositoryChecks.requireAllowedByPathRepo(c, s.location());
                RepositoryChecks.reusable(c, s.repository(), s.location());
            }
        }
    }

    /**
     * Refuses a source the target cannot take (a downgrade, a skipped major, a source not on the
     * required minor, a target release older than the source patch), per {@link UpgradeRules}.
     */
    static void checkUpgradePath(EsClient source, EsClient target) {
        EsVersion from = Collections.max(Preflight.nodeVersions(source).values());
        EsVersion to = Collections.min(Preflight.nodeVersions(target).values());
        UpgradeRules.refusal(from, to.toString()).ifPresent(why -> {
            throw Preflight.failed("a snapshot of " + source.name() + " (" + from + ") cannot be restored into "
                    + target.name() + " (" + to + "): " + why);
        });
    }

    private UpgradeStep registerRepository(String id, ElasticsearchEndpoint e, boolean readonly) {
        String path = "/_snapshot/" + s.repository();
        return UpgradeStep.builder(id)
                .description("register fs repository " + s.repository() + " (" + s.location() + ") on "
                        + e.displayName() + (readonly ? " read-only" : "") + ", or reuse it when it is already there")
                .execute(ctx -> {
                    try (EsClient c = clients.apply(e)) {
                        if (RepositoryChecks.reusable(c, s.repository(), s.location())) {
                            ctx.progress(1, 1, "repository " + s.repository() + " is already registered at "
                                    + s.location() + ": reused as it is");
                            return;
                        }
                        ObjectNode body = JSON.createObjectNode().put("type", "fs");
                        ObjectNode settings = body.putObject("settings").put("location", s.location());
                        if (readonly) {
                            settings.put("readonly", true);
                        }
                        EsClient.EsResponse r = c.exchange("PUT", path, body);
                        if (r.status() / 100 != 2) {
                            String reason = r.body().path("error").toString();
                            if (reason.contains("path.repo")) {
                                throw new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, "the cluster "
                                        + c.name() + " refuses the repository location " + s.location()
                                        + " because it is not listed in path.repo; add it to path.repo in "
                                        + "elasticsearch.yml on every node, restart them, and rerun");
                            }
                            throw c.failure("PUT", path, r.status(), r.body());
                        }
                    }
                })
                .dryRun(ctx -> List.of(PlannedAction.of("register-repository", e.displayName(),
                        Map.of("repository", s.repository(), "location", s.location(), "readonly", "" + readonly))))
                .compensation(ctx -> {
                    try (EsClient c = clients.apply(e)) {
                        if (!holdsOtherSnapshots(c)) {
                            c.exchange("DELETE", path, null);
                        }
                    }
                })
                .build();
    }

    /**
     * True when the repository holds snapshots (this plan's snapshot is deleted before, in a
     * rollback): it was there before the plan, or others use it, so a rollback leaves it registered.
     */
    private boolean holdsOtherSnapshots(EsClient c) {
        return c.getIfExists("/_snapshot/" + s.repository() + "/_all")
                .map(all -> all.path("snapshots").size() > 0).orElse(false);
    }

    private String snapshotPath() {
        return "/_snapshot/" + s.repository() + "/" + s.snapshot();
    }

    private UpgradeStep snapshot() {
        return UpgradeStep.builder("snapshot")
                .description("snapshot " + s.indices() + " of " + s.source().displayName() + " into " + s.repository()
                        + "/" + s.snapshot())
                .execute(ctx -> {
                    try (EsClient c = clients.apply(s.source())) {
                        takeSnapshot(c, ctx);
                    }
                })
                .dryRun(ctx -> List.of(PlannedAction.of("snapshot", s.source().displayName(),
                        Map.of("snapshot", s.repository() + "/" + s.snapshot(), "indices", String.join(",", s.indices())))))
                .compensation(ctx -> {
                    try (EsClient c = clients.apply(s.source())) {
                        c.exchange("DELETE", snapshotPath(), null);
                    }
                })
                .build();
    }

    /**
     * The typed cursor of the snapshot step: the snapshot was requested, so a resumed run polls it
     * (or finds its own request refused as "already exists"). Before records the step saved the
     * plain string {@value #PLAIN}.
     */
    record SnapshotRequested(String snapshot) {
        static final String PLAIN = "snapshot-started";
    }

    /**
     * The typed cursor of the restore step: the restore was requested, so target indices of the
     * selection that exist are this plan's own. Before records the step saved the plain string
     * {@value #PLAIN}.
     */
    record RestoreRequested(String snapshot) {
        static final String PLAIN = "restore-requested";
    }

    private Optional<SnapshotRequested> snapshotRequested(StepContext ctx) {
        return StepCursors.read(ctx, SnapshotRequested.class,
                StepCursors.marker(ctx, SnapshotRequested.PLAIN, new SnapshotRequested(s.snapshot())));
    }

    private Optional<RestoreRequested> restoreRequested(StepContext ctx) {
        return StepCursors.read(ctx, RestoreRequested.class,
                StepCursors.marker(ctx, RestoreRequested.PLAIN, new RestoreRequested(s.snapshot())));
    }

    /**
     * Starts the snapshot with a blocking request on a background thread (so the step ends the
     * moment Elasticsearch finishes, whatever the poll interval) and polls its status meanwhile for
     * progress; a resumed run finds the snapshot started before and only polls.
     */
    void takeSnapshot(EsClient c, StepContext ctx) {
        snapshotIndices.set(null);
        CompletableFuture<JsonNode> answer = startSnapshotUnlessPresent(c, ctx);
        awaitSnapshot(c, ctx, answer);
        JsonNode info = Waits.outcome(answer).map(a -> a.path("snapshot"))
                .filter(i -> !i.path("state").asText().isEmpty())
                .orElseGet(() -> c.get(snapshotPath()).path("snapshots").path(0));
        int total = requireSnapshotSucceeded(c, info);
        if (info.path("indices").isArray()) {
            snapshotIndices.set(info.path("indices"));
        }
        ctx.progress(total, total, "snapshot " + s.snapshot() + " SUCCESS, " + total + " shards");
    }

    /** Requests the snapshot (saving the cursor first) unless the repository has it; null when not requested. */
    private CompletableFuture<JsonNode> startSnapshotUnlessPresent(EsClient c, StepContext ctx) {
        EsClient.EsResponse existing = c.exchange("GET", snapshotPath(), null);
        if (existing.status() == 404 || existing.body().path("snapshots").size() == 0) {
            ObjectNode body = JSON.createObjectNode();
            body.put("indices", String.join(",", s.indices()));
            body.put("include_global_state", true);
            body.put("ignore_unavailable", false);
            boolean resumed = snapshotRequested(ctx).isPresent();
            ctx.saveCursor(new SnapshotRequested(s.snapshot()));
            return Waits.inBackground("es-snapshot-" + s.snapshot(), () -> sendBlocking(c, "PUT",
                    snapshotPath() + "?wait_for_completion=true", body, resumed));
        }
        if (existing.status() / 100 != 2) {
            throw c.failure("GET", snapshotPath(), existing.status(), existing.body());
        }
        return null;
    }

    /** Polls until the snapshot is no longer in progress (or the blocking request answered), reporting shards. */
    private void awaitSnapshot(EsClient c, StepContext ctx, CompletableFuture<JsonNode> answer) {
        new Waits(ctx.clock(), sleeper, poll).until("snapshot " + s.snapshot() + " on " + c.name(), s.timeout(),
                "check GET " + snapshotPath() + "/_status and the repository disk, then rerun", answer, () -> {
                    if (Waits.outcome(answer).isPresent()) {
                        return true;
                    }
                    // 404: the background request has not registered the snapshot yet
                    Optional<JsonNode> status = c.getIfExists(snapshotPath() + "/_status");
                    if (status.isEmpty()) {
                        return false;
                    }
                    JsonNode st = status.get().path("snapshots").path(0);
                    JsonNode shards = st.path("shards_stats");
                    ctx.progress(shards.path("done").asLong(), shards.path("total").asLong(-1),
                            "snapshot " + s.snapshot() + " " + st.path("state").asText());
                    String state = c.getIfExists(snapshotPath()).map(i -> i.path("snapshots").path(0).path("state").asText())
                            .orElse("");
                    return !state.equals("IN_PROGRESS") && !state.isEmpty();
                });
    }

    /** Fails unless the finished snapshot {@code info} succeeded on every shard; returns its shard count. */
    private int requireSnapshotSucceeded(EsClient c, JsonNode info) {
        String state = info.path("state").asText();
        int failed = info.path("shards").path("failed").asInt();
        int total = info.path("shards").path("total").asInt();
        if (!"SUCCESS".equals(state) || failed > 0) {
            throw new UpgradeException(ElasticsearchErrorCode.SNAPSHOT_FAILED, "snapshot " + s.snapshot() + " on "
                    + c.name() + " ended " + state + " with " + failed + " of " + total + " shards failed "
                    + info.path("failures") + "; fix the cause, delete it (DELETE " + snapshotPath()
                    + ") and rerun");
        }
        return total;
    }

    /**
     * Sends a blocking snapshot or restore request. In a resumed run, a refusal because the
     * snapshot or the indices "already exist" means the crashed run's request reached Elasticsearch
     * after this run looked: null is returned and the caller's wait polls that operation instead.
     */
    static JsonNode sendBlocking(EsClient c, String method, String path, ObjectNode body, boolean resumed) {
        EsClient.EsResponse r = c.exchange(method, path, body);
        if (r.status() / 100 == 2) {
            return r.body();
        }
        String error = r.body().path("error").toString();
        if (resumed && (error.contains("already exists") || error.contains("already in-progress")
                || error.contains("concurrent_snapshot_execution_exception"))) {
            return null;
        }
        throw c.failure(method, path, r.status(), r.body());
    }

    /**
     * Source index -> target index for the indices of the snapshot selected by the settings. The
     * index list of the snapshot this plan took is kept from the snapshot step (a finished snapshot
     * never changes); otherwise, e.g. in a resumed process, it is read from the repository.
     */
    Map<String, String> selection(EsClient target) {
        JsonNode known = snapshotIndices.get();
        JsonNode indices = known != null ? known : target.get(snapshotPath()).path("snapshots").path(0).path("indices");
        Map<String, String> out = new LinkedHashMap<>();
        List<Pattern> patterns = s.indices().stream().map(SnapshotRestoreSteps::glob).toList();
        Pattern rename = s.renamePattern().map(Pattern::compile).orElse(null);
        Set<String> sorted = new TreeSet<>();
        indices.forEach(i -> sorted.add(i.asText()));
        for (String index : sorted) {
            if (index.startsWith(".") && !s.includeSystemIndices()) {
                continue;
            }
            if (patterns.stream().anyMatch(p -> p.matcher(index).matches())) {
                out.put(index, rename == null ? index : rename.matcher(index).replaceAll(s.renameReplacement().get()));
            }
        }
        return out;
    }

    static Pattern glob(String p) {
        StringBuilder re = new StringBuilder();
        for (char ch : p.toCharArray()) {
            re.append(ch == '*' ? ".*" : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString());
    }

    private UpgradeStep restore() {
        return UpgradeStep.builder("restore")
                .description("restore " + s.repository() + "/" + s.snapshot() + " into " + s.target().displayName()
                        + " and wait for recovery")
                .execute(ctx -> {
                    try (EsClient c = clients.apply(s.target())) {
                        restoreInto(c, ctx);
                    }
                })
                .dryRun(ctx -> {
                    Map<String, String> d = new LinkedHashMap<>();
                    d.put("snapshot", s.repository() + "/" + s.snapshot());
                    d.put("global_state", "" + s.includeGlobalState());
                    d.put("system_indices", "" + s.includeSystemIndices());
                    s.renamePattern().ifPresent(p -> d.put("rename", p + " -> " + s.renameReplacement().get()));
                    return List.of(PlannedAction.of("restore", s.target().displayName(), d));
                })
                .compensation(ctx -> {
                    try (EsClient c = clients.apply(s.target())) {
                        if (c.getIfExists(snapshotPath()).isPresent()) {
                            for (String t : selection(c).values()) {
                                c.exchange("DELETE", "/" + DocumentCopier.enc(t), null);
                            }
                        }
                    }
                })
                .build();
    }

    /**
     * Restores the selected indices the target lacks (all of them on a first run) and waits until
     * every selected index has recovered. A first run refuses target indices that exist already; a
     * resumed run takes them for its own and restores only the rest.
     */
    void restoreInto(EsClient c, StepContext ctx) {
        Map<String, String> selected = requireSelection(c);
        boolean resumed = restoreRequested(ctx).isPresent();
        Set<String> existing = c.existing(selected.values());
        List<String> missing = new ArrayList<>();
        List<String> present = new ArrayList<>();
        selected.forEach((src, dst) -> (existing.contains(dst) ? present : missing).add(src));
        if (!present.isEmpty() && !resumed) {
            throw new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, "the target " + c.name()
                    + " already has indices named " + present.stream().map(selected::get).toList()
                    + "; delete them there or restore under other names with rename(pattern, replacement)");
        }
        ctx.saveCursor(new RestoreRequested(s.snapshot()));
        CompletableFuture<JsonNode> answer = missing.isEmpty() ? null : requestRestore(c, missing, present.isEmpty(), resumed);
        ctx.progress(0, selected.size(), "restore requested for " + missing.size() + " indices ("
                + present.size() + " already there)");
        awaitRecovery(c, ctx, selected, answer);
    }

    private Map<String, String> requireSelection(EsClient c) {
        Map<String, String> selected = selection(c);
        if (selected.isEmpty()) {
            throw new UpgradeException(ElasticsearchErrorCode.SNAPSHOT_FAILED, "snapshot " + s.snapshot()
                    + " holds no index matching " + s.indices() + "; check the index patterns");
        }
        return selected;
    }

    /**
     * Sends the blocking restore request for {@code indices} on a background thread (the wait for
     * recovery ends as soon as it answers). Global state only with the first restore: a resumed run
     * restores just the missing indices.
     */
    private CompletableFuture<JsonNode> requestRestore(EsClient c, List<String> indices, boolean first,
            boolean resumed) {
        ObjectNode body = JSON.createObjectNode();
        body.put("indices", String.join(",", indices));
        body.put("ignore_unavailable", false);
        body.put("include_global_state", s.includeGlobalState() && first);
        body.put("include_aliases", s.includeAliases());
        if (!s.includeSystemIndices() && c.version().major() >= 8) {
            body.putArray("feature_states").add("none");
        }
        s.renamePattern().ifPresent(p -> {
            body.put("rename_pattern", p);
            body.put("rename_replacement", s.renameReplacement().get());
        });
        return Waits.inBackground("es-restore-" + s.snapshot(), () -> sendBlocking(c, "POST",
                snapshotPath() + "/_restore?wait_for_completion=true", body, resumed));
    }

    /** Waits until every selected target index has all primaries active and nothing initializing. */
    private void awaitRecovery(EsClient c, StepContext ctx, Map<String, String> selected,
            CompletableFuture<JsonNode> answer) {
        List<String> targetLists = EsClient.nameLists(selected.values());
        new Waits(ctx.clock(), sleeper, poll).until("recovery of the restored indices on " + c.name(), s.timeout(),
                "check GET /_cat/recovery and /_cluster/allocation/explain on the target; a failed index can be "
                        + "deleted there and the plan rerun", answer, () -> {
                    failOnFailedRestore(c, answer);
                    Optional<JsonNode> health = indexHealth(c, targetLists);
                    if (health.isEmpty()) {
                        return false;
                    }
                    long done = selected.values().stream().filter(t -> recovered(health.get().path(t))).count();
                    ctx.progress(done, selected.size(), "restored indices recovered");
                    return done == selected.size();
                });
    }

    /** A refused restore request, or one that failed shards, fails the step at once. */
    private void failOnFailedRestore(EsClient c, CompletableFuture<JsonNode> answer) {
        JsonNode shards = Waits.outcome(answer).map(a -> a.path("snapshot").path("shards"))
                .orElse(JSON.createObjectNode());
        if (shards.path("failed").asInt() > 0) {
            throw new UpgradeException(ElasticsearchErrorCode.SNAPSHOT_FAILED, "restoring " + s.snapshot()
                    + " on " + c.name() + " failed for " + shards.path("failed").asInt() + " of "
                    + shards.path("total").asInt() + " shards; check GET /_cat/recovery there, delete the "
                    + "restored indices and rerun");
        }
    }

    /**
     * Index name to index health for the target indices; empty while some index does not exist yet
     * (408/404: the background request is still being registered).
     */
    private static Optional<JsonNode> indexHealth(EsClient c, List<String> targetLists) {
        ObjectNode indices = JSON.createObjectNode();
        for (String targets : targetLists) {
            EsClient.EsResponse r = c.exchange("GET", "/_cluster/health/" + targets + "?level=indices", null);
            if (r.status() == 408 || r.status() == 404) {
                return Optional.empty();
            }
            if (r.status() / 100 != 2) {
                throw c.failure("GET", "/_cluster/health/" + targets, r.status(), r.body());
            }
            r.body().path("indices").fields().forEachRemaining(i -> indices.set(i.getKey(), i.getValue()));
        }
        return Optional.of(indices);
    }

    /**
     * 8.x reports a restoring index yellow while its primaries are still unassigned: require every
     * primary active and nothing initializing.
     */
    private static boolean recovered(JsonNode indexHealth) {
        return !indexHealth.isMissingNode() && indexHealth.path("number_of_shards").asInt() > 0
                && indexHealth.path("active_primary_shards").asInt() == indexHealth.path("number_of_shards").asInt()
                && indexHealth.path("initializing_shards").asInt() == 0;
    }

    private UpgradeStep verify() {
        return UpgradeStep.builder("verify")
                .description("compare document counts, mappings, aliases" + (s.includeGlobalState() ? " and templates" : "")
                        + " of the restored indices with the source")
                .execute(ctx -> {
                    try (EsClient src = clients.apply(s.source()); EsClient dst = clients.apply(s.target())) {
                        verify(src, dst, ctx);
                    }
                })
                .dryRun(ctx -> List.of(PlannedAction.of("verify", s.target().displayName())))
                .build();
    }

    void verify(EsClient src, EsClient dst, StepContext ctx) {
        Map<String, String> selected = selection(dst);
        List<String> problems = new ArrayList<>();
        long checked = 0;
        for (Map.Entry<String, String> e : selected.entrySet()) {
            String a = DocumentCopier.enc(e.getKey());
            String b = DocumentCopier.enc(e.getValue());
            long ca = src.get("/" + a + "/_count").path("count").asLong();
            long cb = dst.get("/" + b + "/_count").path("count").asLong();
            if (ca != cb) {
                problems.add(e.getValue() + " has " + cb + " documents, source " + e.getKey() + " has " + ca);
            }
            JsonNode ma = src.get("/" + a + "/_mapping").path(e.getKey()).path("mappings");
            JsonNode mb = dst.get("/" + b + "/_mapping").path(e.getValue()).path("mappings");
            if (!ma.equals(mb)) {
                problems.add("mapping of " + e.getValue() + " differs from " + e.getKey() + ": " + mb + " vs " + ma);
            }
            if (s.includeAliases()) {
                Set<String> aa = names(src.get("/" + a + "/_alias").path(e.getKey()).path("aliases"));
                Set<String> ab = names(dst.get("/" + b + "/_alias").path(e.getValue()).path("aliases"));
                if (!aa.equals(ab)) {
                    problems.add("aliases of " + e.getValue() + " are " + ab + ", source has " + aa);
                }
            }
            ctx.progress(++checked, selected.size(), "verified " + e.getValue());
        }
        if (s.includeGlobalState()) {
            for (String api : List.of("/_index_template", "/_template")) {
                Set<String> ta = templateNames(src, api);
                Set<String> tb = templateNames(dst, api);
                ta.removeAll(tb);
                if (!ta.isEmpty()) {
                    problems.add("templates missing on the target (" + api + "): " + ta);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new UpgradeException(ElasticsearchErrorCode.VERIFICATION_FAILED, "the restored data on " + dst.name()
                    + " does not match the source: " + problems + "; stop writes to the source before the snapshot, "
                    + "delete the restored indices on the target, and rerun (or roll back)");
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> templateNames(EsClient c, String api) {
        Set<String> out = new TreeSet<>();
        JsonNode t = c.get(api);
        if (t.has("index_templates")) {
            t.path("index_templates").forEach(x -> out.add(x.path("name").asText()));
        } else {
            out.addAll(names(t));
        }
        out.removeIf(n -> n.startsWith("."));
        return out;
    }

    private UpgradeStep deleteSource() {
        return UpgradeStep.builder("delete-source-indices").phase(Phase.FINISH).pointOfNoReturn()
                .description("delete the restored indices from the source cluster " + s.source().displayName())
                .execute(ctx -> {
                    try (EsClient src = clients.apply(s.source()); EsClient dst = clients.apply(s.target())) {
                        for (String index : selection(dst).keySet()) {
                            EsClient.EsResponse r = src.exchange("DELETE", "/" + DocumentCopier.enc(index), null);
                            if (r.status() / 100 != 2 && r.status() != 404) {
                                throw src.failure("DELETE", "/" + index, r.status(), r.body());
                            }
                        }
                    }
                })
                .dryRun(ctx -> List.of(PlannedAction.of("delete-indices", s.source().displayName(),
                        Map.of("indices", String.join(",", s.indices())))))
                .build();
    }
}
