package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.NodeHost;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import io.upgradesdk.upgrade.elasticsearch.RollingUpgradeSettings;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import io.upgradesdk.upgrade.elasticsearch.TestContext;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The steps' typed cursors resume checkpoints written before they existed. Each "today" string is
 * exactly what the step saved as its cursor before the typed form: the rolling upgrade's captured
 * by running that code against this fake, the others read from it (plain strings and the task id
 * Elasticsearch answers). Every cluster here is a {@link FakeElasticsearch}.
 */
class CheckpointCompatibilityTest {

    private static final Duration NO_WAIT = Duration.ZERO;

    // ---- rolling upgrade -------------------------------------------------------------------

    /** The five cursors the hand-built ObjectNode cursor wrote for a two-node upgrade (n2 first, n1 the master). */
    private static final List<String> ROLLING_TODAY = List.of(
            "{\"order\":[\"n2\",\"n1\"],\"size\":2,\"done\":[]}",
            "{\"order\":[\"n2\",\"n1\"],\"size\":2,\"done\":[],\"current\":\"n2\"}",
            "{\"order\":[\"n2\",\"n1\"],\"size\":2,\"done\":[\"n2\"]}",
            "{\"order\":[\"n2\",\"n1\"],\"size\":2,\"done\":[\"n2\"],\"current\":\"n1\"}",
            "{\"order\":[\"n2\",\"n1\"],\"size\":2,\"done\":[\"n2\",\"n1\"]}");

    /** Two master-eligible nodes whose versions the host changes; n1 is the elected master. */
    private static final class TwoNodes implements Function<Request, Answer> {
        final Map<String, String> versions = new ConcurrentHashMap<>(Map.of("n1", "7.17.29", "n2", "7.17.29"));
        final List<String> hostCalls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Answer apply(Request r) {
            if (r.is("GET", "/_nodes")) {
                StringBuilder b = new StringBuilder("{\"nodes\":{");
                versions.forEach((n, v) -> b.append("\"id-").append(n).append("\":{\"name\":\"").append(n)
                        .append("\",\"version\":\"").append(v).append("\",\"roles\":[\"master\",\"data\"]},"));
                b.setLength(b.length() - 1);
                return Answer.ok(b + "}}");
            }
            if (r.is("GET", "/_cat/master")) {
                return Answer.ok("[{\"node\":\"n1\"}]");
            }
            if (r.path().equals("/_cluster/health")) {
                return Answer.ok("{\"status\":\"green\",\"number_of_nodes\":2,\"timed_out\":false}");
            }
            return Answer.ok("{}");
        }

        NodeHost host() {
            return node -> {
                hostCalls.add(node);
                versions.put(node, "8.19.21");
            };
        }
    }

    private static RollingUpgradeStep rolling(FakeElasticsearch es, TwoNodes nodes) {
        return new RollingUpgradeStep(RollingUpgradeSettings.builder(es.endpoint(), "8.19.21").build(), nodes.host(),
                es.clients(), d -> { }, NO_WAIT);
    }

    @Test
    void aRollingUpgradeWritesTheSameCursorsAsBefore() throws Exception {
        TwoNodes nodes = new TwoNodes();
        try (FakeElasticsearch es = new FakeElasticsearch(nodes)) {
            TestContext ctx = new TestContext();
            rolling(es, nodes).execute(ctx);
            assertThat(ctx.saved).containsExactlyElementsOf(ROLLING_TODAY);
            assertThat(nodes.hostCalls).containsExactly("n2", "n1");
        }
    }

    @Test
    void aRollingUpgradeResumesMidNodeFromTodaysCursor() throws Exception {
        TwoNodes nodes = new TwoNodes();
        nodes.versions.put("n2", "8.19.21");
        try (FakeElasticsearch es = new FakeElasticsearch(nodes)) {
            TestContext ctx = TestContext.resumingFrom(ROLLING_TODAY.get(3));
            rolling(es, nodes).execute(ctx);
            assertThat(nodes.hostCalls).containsExactly("n1");
            assertThat(es.requests("POST", "/_flush")).as("n1 was prepared before the crash").isEmpty();
            assertThat(ctx.saved).containsExactly(ROLLING_TODAY.get(4));
        }
    }

    @Test
    void aRollingUpgradeResumesBetweenNodesFromTodaysCursor() throws Exception {
        TwoNodes nodes = new TwoNodes();
        nodes.versions.put("n2", "8.19.21");
        try (FakeElasticsearch es = new FakeElasticsearch(nodes)) {
            TestContext ctx = TestContext.resumingFrom(ROLLING_TODAY.get(2));
            rolling(es, nodes).execute(ctx);
            assertThat(nodes.hostCalls).containsExactly("n1");
            assertThat(es.requests("POST", "/_flush")).hasSize(1);
            assertThat(ctx.saved).containsExactly(ROLLING_TODAY.get(3), ROLLING_TODAY.get(4));
        }
    }

    // ---- snapshot and restore --------------------------------------------------------------

    private static SnapshotRestoreSettings snapshotSettings(FakeElasticsearch es) {
        return SnapshotRestoreSettings.builder(es.endpoint(), ElasticsearchEndpoint.of("http://127.0.0.2:1")).repository("repo", "/snap").snapshot("snap").withoutPreflight().build();
    }

    private static UpgradeStep step(List<UpgradeStep> steps, String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * A repository where the crashed run's snapshot request lands just after the resumed run
     * looked: the run's own request is refused as "already exists", and the crashed run's snapshot
     * shows up 300 ms later.
     */
    private static Function<Request, Answer> lateSnapshot() {
        AtomicLong visibleAt = new AtomicLong(Long.MAX_VALUE);
        String done = "{\"snapshots\":[{\"state\":\"SUCCESS\",\"shards\":{\"failed\":0,\"total\":1},\"indices\":[\"logs\"]}]}";
        return r -> {
            boolean visible = System.nanoTime() >= visibleAt.get();
            if (r.is("PUT", "/_snapshot/repo/snap")) {
                visibleAt.set(System.nanoTime() + 300_000_000L);
                return new Answer(400, "{\"error\":{\"type\":\"invalid_snapshot_name_exception\",\"reason\":"
                        + "\"[repo:snap] Invalid snapshot name [snap], snapshot with the same name already exists\"}}");
            }
            if (!visible) {
                return new Answer(404, "{}");
            }
            if (r.is("GET", "/_snapshot/repo/snap")) {
                return Answer.ok(done);
            }
            if (r.is("GET", "/_snapshot/repo/snap/_status")) {
                return Answer.ok("{\"snapshots\":[{\"state\":\"SUCCESS\",\"shards_stats\":{\"done\":1,\"total\":1}}]}");
            }
            return null;
        };
    }

    @Test
    void aSnapshotResumesFromTodaysMarkerAndWaitsOnTheCrashedRunsSnapshot() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(lateSnapshot())) {
            SnapshotRestoreSteps steps = new SnapshotRestoreSteps(snapshotSettings(es), es.clients(), d -> { }, NO_WAIT);
            TestContext ctx = TestContext.resumingFrom("snapshot-started");
            step(steps.steps(), "snapshot").execute(ctx);
            assertThat(es.requests("PUT", "/_snapshot/repo/snap")).hasSize(1);
            assertThat(ctx.progress).last().asString().contains("snapshot snap SUCCESS");
            assertThat(ctx.saved).containsExactly("{\"snapshot\":\"snap\"}");
        }
        try (FakeElasticsearch es = new FakeElasticsearch(lateSnapshot())) {
            SnapshotRestoreSteps steps = new SnapshotRestoreSteps(snapshotSettings(es), es.clients(), d -> { }, NO_WAIT);
            assertThatThrownBy(() -> step(steps.steps(), "snapshot").execute(new TestContext()))
                    .as("a first run does not take the refusal for its own snapshot")
                    .isInstanceOf(UpgradeException.class).hasMessageContaining("already exists");
        }
    }

    /** A target that already holds the restored index, recovered. */
    private static Answer restoredTarget(Request r) {
        if (r.is("GET", "/_snapshot/repo/snap")) {
            return Answer.ok("{\"snapshots\":[{\"state\":\"SUCCESS\",\"indices\":[\"logs\"]}]}");
        }
        if (r.is("GET", "/logs/_alias")) {
            return Answer.ok("{\"logs\":{\"aliases\":{}}}");
        }
        if (r.is("GET", "/_cluster/health/logs")) {
            return Answer.ok("{\"indices\":{\"logs\":{\"number_of_shards\":1,\"active_primary_shards\":1,"
                    + "\"initializing_shards\":0}}}");
        }
        return null;
    }

    @Test
    void aRestoreResumesFromTodaysMarkerAndKeepsTheIndicesItRestored() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(CheckpointCompatibilityTest::restoredTarget)) {
            SnapshotRestoreSteps steps = new SnapshotRestoreSteps(snapshotSettings(es), es.clients(), d -> { }, NO_WAIT);
            TestContext ctx = TestContext.resumingFrom("restore-requested");
            step(steps.steps(), "restore").execute(ctx);
            assertThat(es.requests("POST", "/_snapshot/repo/snap/_restore")).isEmpty();
            assertThat(ctx.progress).contains("restore requested for 0 indices (1 already there)");
            assertThat(ctx.saved).containsExactly("{\"snapshot\":\"snap\"}");

            assertThatThrownBy(() -> step(steps.steps(), "restore").execute(new TestContext()))
                    .as("a first run refuses indices it did not restore")
                    .isInstanceOf(UpgradeException.class).hasMessageContaining("already has indices named [logs]");
        }
    }

    @Test
    void aPlainCursorOtherThanTheStepsOwnMarkerIsRefusedAsUnreadable() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(CheckpointCompatibilityTest::restoredTarget)) {
            SnapshotRestoreSteps steps = new SnapshotRestoreSteps(snapshotSettings(es), es.clients(), d -> { }, NO_WAIT);
            assertThatThrownBy(() -> step(steps.steps(), "restore").execute(TestContext.resumingFrom("snapshot-started")))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE);
                        assertThat(e.getMessage()).contains("'restore-requested'").contains("mark the step undone");
                    });
        }
    }

    // ---- reindex ---------------------------------------------------------------------------

    private static List<UpgradeStep> reindexSteps(FakeElasticsearch es) {
        return new ReindexSteps(ReindexSettings.builder(es.endpoint(), "old", "new").build(), es.clients(), d -> { },
                NO_WAIT).steps();
    }

    @Test
    void creatingTheDestinationResumesFromTodaysMarker() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(r -> r.is("HEAD", "/new") ? Answer.ok("") : null)) {
            step(reindexSteps(es), "create-dest-index").execute(TestContext.resumingFrom("creating"));
            assertThat(es.requests("PUT", "/new")).isEmpty();
            assertThatThrownBy(() -> step(reindexSteps(es), "create-dest-index").execute(new TestContext()))
                    .isInstanceOf(UpgradeException.class).hasMessageContaining("new already exists");
        }
    }

    @Test
    void theReindexResumesPollingTheTaskWhoseIdIsTodaysCursor() throws Exception {
        String taskId = "oTUltX4IQMOUUVeiohTt8A:12345";
        try (FakeElasticsearch es = new FakeElasticsearch(r -> r.is("GET", "/_tasks/" + taskId)
                ? Answer.ok("{\"completed\":true,\"task\":{\"status\":{\"total\":3,\"created\":3}},"
                        + "\"response\":{\"failures\":[]}}")
                : null)) {
            TestContext ctx = TestContext.resumingFrom(taskId);
            step(reindexSteps(es), "reindex").execute(ctx);
            assertThat(es.requests("POST", "/_reindex")).isEmpty();
            assertThat(ctx.saved).isEmpty();
            assertThat(ctx.progress).anyMatch(m -> m.startsWith("reindex old -> new (task " + taskId + ", 1 slice: #0 3/3"));
        }
    }

    @Test
    void aNewReindexSavesItsTaskAsATypedCursor() throws Exception {
        String taskId = "oTUltX4IQMOUUVeiohTt8A:777";
        try (FakeElasticsearch es = new FakeElasticsearch(r -> {
            if (r.is("POST", "/_reindex")) {
                return r.body().equals("{}") ? new Answer(400, "{\"error\":{\"type\":\"action_request_validation_exception\"}}")
                        : Answer.ok("{\"task\":\"" + taskId + "\"}");
            }
            if (r.is("GET", "/old/_settings/index.number_of_shards")) {
                return Answer.ok("{\"old\":{\"settings\":{\"index\":{\"number_of_shards\":\"1\"}}}}");
            }
            return r.is("GET", "/_tasks/" + taskId) ? Answer.ok("{\"completed\":true,\"response\":{}}") : null;
        })) {
            TestContext ctx = new TestContext();
            step(reindexSteps(es), "reindex").execute(ctx);
            assertThat(ctx.saved).containsExactly("{\"taskId\":\"" + taskId + "\",\"slices\":1}");
        }
    }
}
