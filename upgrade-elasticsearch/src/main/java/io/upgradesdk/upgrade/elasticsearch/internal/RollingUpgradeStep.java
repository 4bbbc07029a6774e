package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.HealthStatus;
import io.upgradesdk.upgrade.elasticsearch.NodeHost;
import io.upgradesdk.upgrade.elasticsearch.RollingUpgradeSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rolling upgrade as one resumable step: node by node, named gates, voting exclusion where
 * needed, replica allocation off, flush, host restart, rejoin with the new version, allocation
 * back, health. The cursor records the node order, the nodes done and the stage of the current one.
 */
public final class RollingUpgradeStep implements UpgradeStep {

    /** Gate names, reported when a gate does not open in time. */
    public static final String GATE_HEALTH = "cluster-health";
    public static final String GATE_ALL_NODES = "one-node-at-a-time";
    public static final String GATE_SHARDS = "replicas-started";

    private static final ObjectMapper JSON = EsClient.json();

    private final RollingUpgradeSettings s;
    private final NodeHost host;
    private final Preflight.Clients clients;
    private final Sleeper sleeper;
    private final Duration poll;

    public RollingUpgradeStep(RollingUpgradeSettings s, NodeHost host, Preflight.Clients clients, Sleeper sleeper,
            Duration poll) {
        this.s = s;
        this.host = host;
        this.clients = clients;
        this.sleeper = sleeper;
        this.poll = poll;
    }

    @Override
    public String id() {
        return "rolling-upgrade";
    }

    @Override
    public String description() {
        return "upgrade every node of " + s.cluster().displayName() + " to " + s.targetVersion() + ", one at a time";
    }

    @Override
    public List<PlannedAction> dryRun(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster())) {
            List<PlannedAction> out = new ArrayList<>();
            Map<String, NodeInfo> nodes = nodes(c);
            for (String n : order(c, nodes)) {
                NodeInfo info = nodes.get(n);
                boolean done = info != null && matches(info.version);
                out.add(PlannedAction.of(done ? "skip-node" : "upgrade-node", n, Map.of("version",
                        info == null ? "?" : info.version, "target", s.targetVersion(), "gates",
                        GATE_HEALTH + "," + GATE_ALL_NODES + "," + GATE_SHARDS)));
            }
            return out;
        }
    }

    record NodeInfo(String name, String version, boolean master) {
    }

    static Map<String, NodeInfo> nodes(EsClient c) {
        Map<String, NodeInfo> out = new LinkedHashMap<>();
        c.get("/_nodes?filter_path=nodes.*.name,nodes.*.version,nodes.*.roles").path("nodes").forEach(n -> {
            boolean master = false;
            for (JsonNode r : n.path("roles")) {
                master |= r.asText().equals("master");
            }
            out.put(n.path("name").asText(), new NodeInfo(n.path("name").asText(), n.path("version").asText(), master));
        });
        return out;
    }

    private List<String> order(EsClient c, Map<String, NodeInfo> nodes) {
        if (s.nodeOrder().isPresent()) {
            return s.nodeOrder().get();
        }
        String master = c.get("/_cat/master?format=json").path(0).path("node").asText("");
        List<String> names = new ArrayList<>(nodes.keySet());
        names.sort((a, b) -> a.equals(master) ? 1 : b.equals(master) ? -1 : a.compareTo(b));
        return names;
    }

    private boolean matches(String version) {
        return (version + ".").startsWith(s.targetVersion() + ".");
    }

    /**
     * The typed cursor: the node order and cluster size fixed at the start, the nodes done, and the
     * node between "prepared" and "rejoined" (absent otherwise). Its JSON is the one the step wrote
     * as a hand-built object before, so checkpoints of either version resume with the other.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Progress(List<String> order, int size, List<String> done, String current) {

        Progress {
            order = List.copyOf(order);
            done = List.copyOf(done);
        }

        static Progress start(List<String> order, int size) {
            return new Progress(order, size, List.of(), null);
        }

        boolean isDone(String node) {
            return done.contains(node);
        }

        boolean isMidway(String node) {
            return node.equals(current);
        }

        Progress preparing(String node) {
            return new Progress(order, size, done, node);
        }

        Progress finished(String node) {
            List<String> more = new ArrayList<>(done);
            more.add(node);
            return new Progress(order, size, more, null);
        }
    }

    @Override
    public void execute(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster())) {
            Waits waits = new Waits(ctx.clock(), sleeper, poll);
            Progress progress = ctx.cursor(Progress.class).orElseGet(() -> start(c, ctx));
            for (String node : progress.order()) {
                if (!progress.isDone(node)) {
                    progress = upgradeNode(c, ctx, waits, progress, node);
                }
            }
        }
    }

    /** Fixes the node order and cluster size, checks every ordered node is in the cluster, saves them. */
    private Progress start(EsClient c, StepContext ctx) {
        Map<String, NodeInfo> nodes = nodes(c);
        List<String> order = order(c, nodes);
        for (String node : order) {
            if (!nodes.containsKey(node)) {
                throw new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, "node " + node
                        + " is not in the cluster " + c.name() + " (nodes: " + nodes.keySet()
                        + "); fix nodeOrder or start the node");
            }
        }
        Progress progress = Progress.start(order, nodes.size());
        ctx.saveCursor(progress);
        return progress;
    }

    /**
     * One node: skipped when it already runs the target version; else gates, preparation (saved as
     * "current", so a resumed run goes straight to the restart), the host's upgrade, rejoin and
     * recovery, then recorded as done.
     */
    private Progress upgradeNode(EsClient c, StepContext ctx, Waits waits, Progress progress, String node) {
        long t0 = System.nanoTime();
        boolean midway = progress.isMidway(node);
        NodeInfo before = nodes(c).get(node);
        if (before != null && matches(before.version) && !midway) {
            Progress done = progress.finished(node);
            ctx.saveCursor(done);
            ctx.progress(done.done().size(), done.order().size(), "node " + node + " already on " + before.version);
            return done;
        }
        if (!midway) {
            gates(c, waits, progress.size(), node);
            if (ctx.stopRequested()) {
                // a safe point between nodes, before this one is prepared: saving the unchanged cursor ends
                // the attempt with the run's stop, and leaves the cluster's allocation as it was
                ctx.saveCursor(progress);
            }
            prepare(c, node, before);
            progress = progress.preparing(node);
            ctx.saveCursor(progress);
        }
        long hostMs = upgradeThroughHost(c, ctx, node);
        long waitMs = awaitRejoinAndRecovery(c, waits, node);
        long totalMs = (System.nanoTime() - t0) / 1_000_000;
        Progress done = progress.finished(node);
        ctx.saveCursor(done);
        ctx.progress(done.done().size(), done.order().size(), "node " + node + " upgraded in " + totalMs
                + " ms (host " + hostMs + " ms, rejoin+recovery " + waitMs + " ms, plan "
                + (totalMs - hostMs - waitMs) + " ms)");
        return done;
    }

    /** Has the host upgrade the node unless it already runs the target version; returns the time taken (ms). */
    private long upgradeThroughHost(EsClient c, StepContext ctx, String node) {
        long h0 = System.nanoTime();
        NodeInfo now = nodes(c).get(node);
        if (now == null || !matches(now.version)) {
            try {
                // what the host says it does is a notice of the step: a long restart is not silent
                host.upgradeNode(node, line -> ctx.progress(0, -1, "node " + node + ": " + line));
            } catch (UpgradeException e) {
                throw e;
            } catch (Exception e) {
                throw new UpgradeException(ElasticsearchErrorCode.NODE_RESTART_FAILED, "the host could not "
                        + "upgrade node " + node + ": " + e + "; fix the node (it must come back on the same "
                        + "data directory with " + s.targetVersion() + ") and rerun: the plan resumes with it", e);
            }
        }
        return (System.nanoTime() - h0) / 1_000_000;
    }

    /** Waits for the node to rejoin on the target version, re-enables allocation, waits for health (ms). */
    private long awaitRejoinAndRecovery(EsClient c, Waits waits, String node) {
        long w0 = System.nanoTime();
        waits.until("node " + node + " to rejoin " + c.name() + " with " + s.targetVersion(), s.nodeTimeout(),
                "check the node's logs; the plan resumes when rerun", () -> {
                    NodeInfo i = nodes(c).get(node);
                    return i != null && matches(i.version);
                });
        c.exchange("DELETE", "/_cluster/voting_config_exclusions?wait_for_removal=false", null);
        allocation(c, null);
        waitHealth(c, waits, "after node " + node);
        return (System.nanoTime() - w0) / 1_000_000;
    }

    /** The named gates checked before each node; waits until they all pass. */
    void gates(EsClient c, Waits waits, int size, String node) {
        String[] failing = new String[1];
        try {
            waits.until("the gates before node " + node, s.nodeTimeout(), "see the gate named above", () -> {
                JsonNode h = c.get("/_cluster/health");
                HealthStatus status = HealthStatus.parse(h.path("status").asText("red"));
                if (!status.isAtLeast(s.requiredHealth())) {
                    failing[0] = GATE_HEALTH + " (cluster is " + status.apiValue() + ", " + s.requiredHealth().apiValue()
                            + " required)";
                    return false;
                }
                if (h.path("number_of_nodes").asInt() < size) {
                    failing[0] = GATE_ALL_NODES + " (" + h.path("number_of_nodes").asInt() + " of " + size
                            + " nodes in the cluster: another node is down or restarting)";
                    return false;
                }
                if (h.path("initializing_shards").asInt() > 0 || h.path("relocating_shards").asInt() > 0) {
                    failing[0] = GATE_SHARDS + " (" + h.path("initializing_shards").asInt() + " initializing, "
                            + h.path("relocating_shards").asInt() + " relocating)";
                    return false;
                }
                return true;
            });
        } catch (UpgradeException e) {
            if (e.code() == ElasticsearchErrorCode.TIMEOUT && failing[0] != null) {
                throw new UpgradeException(ElasticsearchErrorCode.TIMEOUT, "gate " + failing[0] + " still closed after "
                        + s.nodeTimeout().toSeconds() + " s before node " + node + "; fix the cluster and rerun", e);
            }
            throw e;
        }
    }

    private void prepare(EsClient c, String node, NodeInfo info) {
        long masters = nodes(c).values().stream().filter(NodeInfo::master).count();
        if (info != null && info.master && masters <= 2 && masters > 1) {
            c.send("POST", "/_cluster/voting_config_exclusions?node_names=" + DocumentCopier.enc(node), null);
        }
        allocation(c, "primaries");
        c.send("POST", "/_flush", null);
    }

    private static void allocation(EsClient c, String value) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode p = body.putObject("persistent");
        if (value == null) {
            p.putNull("cluster.routing.allocation.enable");
        } else {
            p.put("cluster.routing.allocation.enable", value);
        }
        c.send("PUT", "/_cluster/settings", body);
    }

    private void waitHealth(EsClient c, Waits waits, String when) {
        waits.until("cluster health " + s.requiredHealth().apiValue() + " " + when, s.nodeTimeout(),
                "check GET /_cluster/allocation/explain; the plan resumes when rerun", () -> {
                    JsonNode h = c.get("/_cluster/health?wait_for_status=" + s.requiredHealth().apiValue()
                            + "&timeout=5s");
                    return !h.path("timed_out").asBoolean(true)
                            && HealthStatus.parse(h.path("status").asText("red")).isAtLeast(s.requiredHealth());
                });
    }

}
