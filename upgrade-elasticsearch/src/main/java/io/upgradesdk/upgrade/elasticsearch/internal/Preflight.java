package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.StepBuilder;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.HealthStatus;
import io.upgradesdk.upgrade.elasticsearch.PreflightSettings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The pre-flight checks, each a step that changes nothing and fails with ES_PREFLIGHT_FAILED. */
public final class Preflight {

    private Preflight() {
    }

    /** Opens clients; tests and hosts may inject their own. */
    public interface Clients extends Function<ElasticsearchEndpoint, EsClient> {
    }

    /** All pre-flight steps for {@code s}, their ids prefixed with {@code prefix}. */
    public static List<UpgradeStep> steps(PreflightSettings s, String prefix, Clients clients) {
        ElasticsearchEndpoint e = s.cluster();
        List<UpgradeStep> steps = new ArrayList<>();
        steps.add(checkNow(prefix + "preflight-versions", "every node of " + e.displayName() + " runs "
                + s.requiredVersionLine() + ".x", clients, e, (c, ctx) -> checkVersions(c, s.requiredVersionLine())));
        steps.add(checkNow(prefix + "preflight-health", "cluster " + e.displayName() + " is at least "
                + s.minimumHealth().apiValue(), clients, e, (c, ctx) -> checkHealth(c, s.minimumHealth())));
        steps.add(checkNow(prefix + "preflight-deprecations", "no critical deprecation on " + e.displayName(),
                clients, e, (c, ctx) -> checkDeprecations(c, s.allowUncheckedDeprecations(), ctx)));
        steps.add(checkNow(prefix + "preflight-old-indices", "no index on " + e.displayName() + " was created before "
                + (s.targetMajor() - 1) + ".0" + (s.targetMajor() >= 9 ? " unless kept read-only" : ""), clients, e,
                (c, ctx) -> checkOldIndices(c, s, ctx)));
        steps.add(checkNow(prefix + "preflight-disk", "disk use on " + e.displayName() + " is under the high watermark",
                clients, e, (c, ctx) -> checkDisk(c, s.maxDiskPercent())));
        s.repositoryLocation().ifPresent(loc -> steps.add(checkNow(prefix + "preflight-repository",
                "the snapshot location " + loc + " is allowed by path.repo on " + e.displayName(), clients, e,
                (c, ctx) -> checkRepositoryPath(c, loc))));
        return steps;
    }

    interface Check {
        void run(EsClient client, StepContext ctx);
    }

    static UpgradeStep check(String id, String description, Clients clients, ElasticsearchEndpoint e, Check check) {
        return checkStep(id, description, clients, e, check)
                .dryRun(ctx -> List.of(PlannedAction.of("check", e.displayName(), Map.of("what", description))))
                .build();
    }

    /**
     * A check of the cluster as it is before the upgrade: it only reads, so its dry run runs it too
     * and answers "check" when it passes now, {@link Preview#REFUSE} with the reason when it fails
     * (an unreachable cluster fails the dry run: it could not answer).
     */
    static UpgradeStep checkNow(String id, String description, Clients clients, ElasticsearchEndpoint e, Check check) {
        return checkStep(id, description, clients, e, check)
                .dryRun(ctx -> List.of(checkedNow(description, clients, e, check, ctx)))
                .build();
    }

    private static StepBuilder checkStep(String id, String description, Clients clients,
            ElasticsearchEndpoint e, Check check) {
        return UpgradeStep.builder(id).description("check: " + description)
                .execute(ctx -> {
                    try (EsClient c = clients.apply(e)) {
                        check.run(c, ctx);
                    }
                });
    }

    private static PlannedAction checkedNow(String description, Clients clients, ElasticsearchEndpoint e, Check check,
            StepContext ctx) {
        try (EsClient c = clients.apply(e)) {
            check.run(c, ctx);
            return PlannedAction.of("check", e.displayName(), Map.of("what", description, "now", "passes"));
        } catch (UpgradeException failed) {
            if (failed.code() != ElasticsearchErrorCode.PREFLIGHT_FAILED) {
                throw failed;
            }
            return PlannedAction.of(Preview.REFUSE, e.displayName(), Map.of("what", description, "reason",
                    failed.getMessage()));
        }
    }

    static UpgradeException failed(String message) {
        return new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, message);
    }

    /** Node name to version, for every node. */
    public static Map<String, EsVersion> nodeVersions(EsClient c) {
        Map<String, EsVersion> out = new TreeMap<>();
        c.get("/_nodes?filter_path=nodes.*.name,nodes.*.version").path("nodes").forEach(
                n -> out.put(n.path("name").asText(), EsVersion.parse(n.path("version").asText())));
        return out;
    }

    static void checkVersions(EsClient c, String line) {
        List<String> wrong = new ArrayList<>();
        nodeVersions(c).forEach((node, v) -> {
            if (!(v.toString() + ".").startsWith(line + ".")) {
                wrong.add(node + " runs " + v);
            }
        });
        if (!wrong.isEmpty()) {
            throw failed("not every node of " + c.name() + " is on " + line + ".x: " + wrong + "; upgrade every node to "
                    + "the latest " + line + " release first (rolling restart), then rerun");
        }
    }

    /** The cluster's health colour. */
    public static HealthStatus health(EsClient c) {
        return HealthStatus.parse(c.get("/_cluster/health").path("status").asText("red"));
    }

    static void checkHealth(EsClient c, HealthStatus minimum) {
        JsonNode h = c.get("/_cluster/health");
        HealthStatus status = HealthStatus.parse(h.path("status").asText("red"));
        if (!status.isAtLeast(minimum)) {
            throw failed("cluster " + c.name() + " is " + status.apiValue() + " (unassigned shards: "
                    + h.path("unassigned_shards").asInt() + "), at least " + minimum.apiValue() + " is required; "
                    + "fix the unassigned shards (GET /_cluster/allocation/explain) and rerun");
        }
    }

    static void checkDeprecations(EsClient c, boolean allowUnchecked, StepContext ctx) {
        EsClient.EsResponse r = c.exchange("GET", "/_migration/deprecations", null);
        if (r.status() == 404 || r.status() == 405 || r.status() == 400 || r.status() == 501) {
            if (!allowUnchecked) {
                throw failed("deprecations not checked: " + c.name() + " has no Deprecation Info API "
                        + "(GET /_migration/deprecations answered " + r.status() + "); check deprecations another way "
                        + "(Kibana Upgrade Assistant, deprecation log) and opt in with allowUncheckedDeprecations(true)");
            }
            ctx.progress(0, -1, "deprecations not checked: the Deprecation Info API is missing on " + c.name());
            return;
        }
        if (r.status() / 100 != 2) {
            throw c.failure("GET", "/_migration/deprecations", r.status(), r.body());
        }
        List<String> critical = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        collect(r.body(), "", critical, warnings);
        if (!warnings.isEmpty()) {
            ctx.progress(0, -1, "deprecation warnings on " + c.name() + ": " + warnings);
        }
        if (!critical.isEmpty()) {
            throw failed("critical deprecation issues on " + c.name() + " block the upgrade: " + critical
                    + "; fix each one (see its url) and rerun");
        }
    }

    /** Walks the Deprecation Info answer (cluster/node/index/ml/... settings), collecting issues by level. */
    static void collect(JsonNode node, String where, List<String> critical, List<String> warnings) {
        if (node.isArray()) {
            for (JsonNode issue : node) {
                if (issue.has("level")) {
                    String text = (where.isEmpty() ? "" : where + ": ") + issue.path("message").asText()
                            + (issue.has("url") ? " (" + issue.path("url").asText() + ")" : "");
                    if ("critical".equals(issue.path("level").asText())) {
                        critical.add(text);
                    } else {
                        warnings.add(text);
                    }
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                boolean container = f.getKey().endsWith("_settings");
                collect(f.getValue(), container ? where : f.getKey(), critical, warnings);
            }
        }
    }

    /**
     * Indices whose {@code index.version.created} major is older than {@code targetMajor - 1}
     * (e.g. created on 6.x for an 8.x target), from {@code GET /_all/_settings?flat_settings}.
     */
    public static List<String> oldIndices(JsonNode settings, int targetMajor) {
        List<String> old = new ArrayList<>();
        settings.fields().forEachRemaining(e -> {
            String created = e.getValue().path("settings").path("index.version.created").asText("");
            if (!created.isEmpty()) {
                int major = (int) (Long.parseLong(created) / 1_000_000L);
                if (major < targetMajor - 1) {
                    old.add(e.getKey() + " (created on " + major + ".x)");
                }
            }
        });
        old.sort(String::compareTo);
        return old;
    }

    /** Blocks on indices the target cannot open, naming the fixes; reports those kept read-only. */
    static void checkOldIndices(EsClient c, PreflightSettings s, StepContext ctx) {
        OldIndices old = OldIndices.of(c.get("/_all/_settings?flat_settings=true"
                + (c.version().major() >= 7 ? "&expand_wildcards=all" : "")), s.targetMajor());
        if (!old.keptReadOnly().isEmpty()) {
            ctx.progress(0, -1, "kept read-only by " + s.targetMajor() + ".x (write block): " + old.keptReadOnly());
        }
        if (old.clear()) {
            return;
        }
        String before = (s.targetMajor() - 1) + ".0";
        StringBuilder m = new StringBuilder();
        if (!old.blocking().isEmpty()) {
            m.append("these indices were created before ").append(before).append(" and cannot be read by ")
                    .append(s.targetMajor()).append(".x: ").append(old.blocking()).append("; reindex them on ")
                    .append(s.requiredVersionLine()).append(" first (ElasticsearchUpgrade.reindexPlan)");
            if (s.targetMajor() >= 9) {
                m.append(", or, for an index that needs no more writes, add a write block so that ")
                        .append(s.targetMajor()).append(".x keeps it read-only (ElasticsearchUpgrade.markReadOnlyPlan: ")
                        .append("PUT /<index>/_block/write)");
            }
            m.append(" or delete them");
        }
        if (!old.system().isEmpty()) {
            m.append(m.length() == 0 ? "" : "; ").append("system or hidden indices created before ").append(before)
                    .append(" (not touched by this SDK): ").append(old.system()).append("; migrate them with ")
                    .append("Elastic's feature migration (POST /_migration/system_features, or Kibana's Upgrade ")
                    .append("Assistant) or delete them, then rerun");
        }
        throw failed(m.toString());
    }

    static void checkDisk(EsClient c, int maxPercent) {
        int limit = maxPercent > 0 ? maxPercent : highWatermarkPercent(c);
        List<String> full = new ArrayList<>();
        for (JsonNode n : c.get("/_cat/allocation?format=json&h=node,disk.percent")) {
            String p = n.path("disk.percent").asText("");
            if (!p.isEmpty() && !"null".equals(p) && Integer.parseInt(p) >= limit) {
                full.add(n.path("node").asText() + " at " + p + "%");
            }
        }
        if (!full.isEmpty()) {
            throw failed("disk use is at or over " + limit + "% on " + full + "; free disk space or add nodes so that "
                    + "shards can be allocated during the upgrade, then rerun");
        }
    }

    static int highWatermarkPercent(EsClient c) {
        JsonNode s = c.get("/_cluster/settings?include_defaults=true&flat_settings=true");
        String key = "cluster.routing.allocation.disk.watermark.high";
        for (String section : List.of("transient", "persistent", "defaults")) {
            String v = s.path(section).path(key).asText("");
            if (v.endsWith("%")) {
                return (int) Double.parseDouble(v.substring(0, v.length() - 1));
            }
        }
        return 90;
    }

    static void checkRepositoryPath(EsClient c, String location) {
        List<String> refusing = new ArrayList<>();
        c.get("/_nodes/settings?filter_path=nodes.*.name,nodes.*.settings.path.repo").path("nodes").forEach(n -> {
            JsonNode repo = n.path("settings").path("path").path("repo");
            List<String> allowed = new ArrayList<>();
            if (repo.isArray()) {
                repo.forEach(r -> allowed.add(r.asText()));
            } else if (repo.isTextual()) {
                allowed.add(repo.asText());
            }
            boolean ok = RepositoryChecks.resolve(location, allowed).isPresent();
            if (!ok) {
                refusing.add(n.path("name").asText() + " (path.repo " + allowed + ")");
            }
        });
        if (!refusing.isEmpty()) {
            throw failed("the snapshot location " + location + " is not allowed by path.repo on " + refusing
                    + "; add it (or a parent directory) to path.repo in elasticsearch.yml on every node, restart "
                    + "them, and rerun");
        }
    }
}
