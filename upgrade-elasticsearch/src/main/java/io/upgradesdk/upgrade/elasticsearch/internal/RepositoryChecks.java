package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the snapshot-restore plan checks about its fs repository before it registers anything: the
 * location is allowed by {@code path.repo} on every node (a relative location resolved against
 * {@code path.repo}, as Elasticsearch does), and a repository of the same name that exists already
 * is reused only when it is an fs repository at the same location (never re-pointed).
 */
public final class RepositoryChecks {

    private RepositoryChecks() {
    }

    /** An existing repository: its type and location setting. */
    record Existing(String type, String location) {
    }

    /**
     * Where Elasticsearch puts {@code location} given the {@code path.repo} roots: an absolute
     * location as it is, a relative one under the first root it stays within; empty when no root
     * allows it.
     */
    static Optional<Path> resolve(String location, List<String> roots) {
        Path given;
        try {
            given = Path.of(location);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        for (String root : roots) {
            Path base = Path.of(root).normalize();
            Path resolved = base.resolve(given).normalize();
            if (resolved.startsWith(base)) {
                return Optional.of(resolved);
            }
        }
        return Optional.empty();
    }

    /** Node name to its {@code path.repo} roots. */
    static Map<String, List<String>> pathRepo(EsClient c) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        c.get("/_nodes/settings?filter_path=nodes.*.name,nodes.*.settings.path.repo").path("nodes").forEach(n -> {
            JsonNode repo = n.path("settings").path("path").path("repo");
            List<String> roots = new ArrayList<>();
            if (repo.isArray()) {
                repo.forEach(r -> roots.add(r.asText()));
            } else if (repo.isTextual()) {
                roots.add(repo.asText());
            }
            out.put(n.path("name").asText(), roots);
        });
        return out;
    }

    /** Fails, naming the nodes and the fix, unless every node's {@code path.repo} allows {@code location}. */
    public static void requireAllowedByPathRepo(EsClient c, String location) {
        List<String> refusing = new ArrayList<>();
        pathRepo(c).forEach((node, roots) -> {
            if (resolve(location, roots).isEmpty()) {
                refusing.add(node + " (path.repo " + roots + ")");
            }
        });
        if (!refusing.isEmpty()) {
            throw Preflight.failed("the snapshot location " + location + " is not allowed by path.repo on "
                    + c.name() + ": " + refusing + "; add it (or a parent directory) to path.repo in elasticsearch.yml"
                    + " on every node, restart them, and rerun (nothing was registered)");
        }
    }

    /** The repository named {@code name} on the cluster, if it exists. */
    static Optional<Existing> existing(EsClient c, String name) {
        EsClient.EsResponse r = c.exchange("GET", "/_snapshot/" + name, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() / 100 != 2) {
            throw c.failure("GET", "/_snapshot/" + name, r.status(), r.body());
        }
        JsonNode repo = r.body().path(name);
        if (repo.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Existing(repo.path("type").asText(""), repo.path("settings").path("location").asText("")));
    }

    /**
     * True when the repository {@code name} exists on the cluster as an fs repository at
     * {@code location} (the same path once both are resolved against {@code path.repo}): the plan
     * reuses it. False when there is none. Fails, naming the repository, its current location and
     * the fix, when one exists with another type or location: registering would re-point it.
     */
    public static boolean reusable(EsClient c, String name, String location) {
        Optional<Existing> found = existing(c, name);
        if (found.isEmpty()) {
            return false;
        }
        Existing repo = found.get();
        if ("fs".equals(repo.type()) && sameLocation(c, repo.location(), location)) {
            return true;
        }
        throw new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, "the cluster " + c.name()
                + " already has a snapshot repository named '" + name + "' (type " + repo.type() + ", location "
                + (repo.location().isEmpty() ? "none" : repo.location()) + "); this plan would re-point it to fs at "
                + location + ". Nothing was changed. Give the plan another repository name"
                + " (SnapshotRestoreSettings.Builder.repository(name, location)), or the location " + repo.location()
                + " if that repository is meant to be used");
    }

    private static boolean sameLocation(EsClient c, String current, String wanted) {
        if (current.equals(wanted)) {
            return true;
        }
        for (List<String> roots : pathRepo(c).values()) {
            Optional<Path> a = resolve(current, roots);
            if (a.isEmpty() || !a.equals(resolve(wanted, roots))) {
                return false;
            }
        }
        return true;
    }
}
