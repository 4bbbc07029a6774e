package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The snapshot-restore plan and a repository of the same name that exists already: reused when it
 * is fs at the plan's location, refused before anything is registered (dry run too) when it points
 * elsewhere; and a location relative to {@code path.repo}, which Elasticsearch accepts.
 */
class SnapshotRepositoryReuseTest {

    private static final String REPO = "upgrade-repo";

    /** A cluster of one node running {@code version} with {@code path.repo} {@code /srv/snapshots}, and the repository {@code existing} (a JSON object) or none. */
    private static Function<FakeElasticsearch.Request, Answer> cluster(String version, String existing) {
        return r -> {
            if (r.path().equals("/_nodes/_local")) {
                return Answer.ok("{\"nodes\":{\"n1\":{\"version\":\"" + version + "\"}}}");
            }
            if (r.path().equals("/_nodes")) {
                return Answer.ok("{\"nodes\":{\"n1\":{\"name\":\"node-1\",\"version\":\"" + version + "\"}}}");
            }
            if (r.path().equals("/_nodes/settings")) {
                return Answer.ok("{\"nodes\":{\"n1\":{\"name\":\"node-1\",\"settings\":{\"path\":{\"repo\":[\"/srv/snapshots\"]}}}}}");
            }
            if (r.is("GET", "/_snapshot/" + REPO)) {
                return existing == null
                        ? new Answer(404, "{\"error\":{\"type\":\"repository_missing_exception\",\"reason\":\"[" + REPO
                                + "] missing\"},\"status\":404}")
                        : Answer.ok("{\"" + REPO + "\":" + existing + "}");
            }
            if (r.is("PUT", "/_snapshot/" + REPO)) {
                return Answer.ok("{\"acknowledged\":true}");
            }
            return null;
        };
    }

    private static UpgradePlan plan(FakeElasticsearch source, FakeElasticsearch target, String location) {
        return ElasticsearchUpgrade.create().snapshotRestorePlan(SnapshotRestoreSettings.builder(
                        source.endpoint(), target.endpoint())
                .repository(REPO, location).snapshot("snap").indices(List.of("logs-*")).withoutPreflight().build());
    }

    private static UpgradeRunner runner() {
        return UpgradeRunner.builder().store(new InMemoryCheckpointStore()).retryPolicy(RetryPolicy.none())
                .heartbeat(false).build();
    }

    private static UpgradeReport runUntilSnapshot(UpgradePlan plan) {
        return runner().up(plan);
    }

    private static boolean registered(FakeElasticsearch cluster) {
        return !cluster.requests("PUT", "/_snapshot/" + REPO).isEmpty();
    }

    @Test
    void aRepositoryOfTheSameNameAtAnotherLocationIsRefusedBeforeAnythingIsRegistered() throws Exception {
        try (FakeElasticsearch source = new FakeElasticsearch(cluster("7.17.0",
                "{\"type\":\"fs\",\"settings\":{\"location\":\"/srv/snapshots/production\"}}"));
                FakeElasticsearch target = new FakeElasticsearch(cluster("8.19.0", null))) {
            UpgradeReport report = runUntilSnapshot(plan(source, target, "/srv/snapshots/upgrade"));

            assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
            assertThat(report.step("repository-check").orElseThrow().error()).contains(
                    "already has a snapshot repository named '" + REPO + "'", "location /srv/snapshots/production",
                    "would re-point it", "another repository name");
            assertThat(registered(source)).isFalse();
            assertThat(registered(target)).isFalse();
        }
    }

    @Test
    void theDryRunReportsTheRepositoryItWouldRepoint() throws Exception {
        try (FakeElasticsearch source = new FakeElasticsearch(cluster("7.17.0", null));
                FakeElasticsearch target = new FakeElasticsearch(cluster("8.19.0",
                        "{\"type\":\"s3\",\"settings\":{\"bucket\":\"prod\"}}"))) {
            Preview preview = runner().preview(plan(source, target, "/srv/snapshots/upgrade"));

            assertThat(preview.warnings()).anySatisfy(w -> assertThat(w).contains("repository-check",
                    "already has a snapshot repository named '" + REPO + "' (type s3"));
            assertThat(registered(source)).isFalse();
            assertThat(registered(target)).isFalse();
        }
    }

    @Test
    void aRepositoryAlreadyThereAtTheSameLocationIsReusedAsItIs() throws Exception {
        try (FakeElasticsearch source = new FakeElasticsearch(cluster("7.17.0",
                "{\"type\":\"fs\",\"settings\":{\"location\":\"/srv/snapshots/upgrade\"}}"));
                FakeElasticsearch target = new FakeElasticsearch(cluster("8.19.0", null))) {
            UpgradeReport report = runUntilSnapshot(plan(source, target, "/srv/snapshots/upgrade"));

            assertThat(report.step("register-source-repository").orElseThrow().outcome())
                    .isEqualTo(UpgradeReport.StepOutcome.SUCCEEDED);
            assertThat(registered(source)).isFalse();
            assertThat(registered(target)).isTrue();
        }
    }

    @Test
    void aLocationRelativeToPathRepoIsAcceptedAndMatchesTheSameAbsolutePath() throws Exception {
        assertThat(RepositoryChecks.resolve("upgrade", List.of("/srv/snapshots")))
                .isEqualTo(Optional.of(Path.of("/srv/snapshots/upgrade")));
        assertThat(RepositoryChecks.resolve("../etc", List.of("/srv/snapshots"))).isEmpty();
        assertThat(RepositoryChecks.resolve("/elsewhere", List.of("/srv/snapshots"))).isEmpty();
        try (FakeElasticsearch source = new FakeElasticsearch(cluster("7.17.0",
                "{\"type\":\"fs\",\"settings\":{\"location\":\"/srv/snapshots/upgrade\"}}"));
                FakeElasticsearch target = new FakeElasticsearch(cluster("8.19.0", null))) {
            UpgradeReport report = runUntilSnapshot(plan(source, target, "upgrade"));

            assertThat(report.step("repository-check").orElseThrow().outcome())
                    .isEqualTo(UpgradeReport.StepOutcome.SUCCEEDED);
            assertThat(registered(source)).isFalse();
            assertThat(registered(target)).isTrue();
        }
    }

    @Test
    void aLocationTheTargetsPathRepoRefusesFailsBeforeTheSourceRepositoryIsRegistered() throws Exception {
        try (FakeElasticsearch source = new FakeElasticsearch(cluster("7.17.0", null));
                FakeElasticsearch target = new FakeElasticsearch(r -> r.path().equals("/_nodes/settings")
                        ? Answer.ok("{\"nodes\":{\"n1\":{\"name\":\"new-1\",\"settings\":{}}}}")
                        : cluster("8.19.0", null).apply(r))) {
            UpgradeReport report = runUntilSnapshot(plan(source, target, "/srv/snapshots/upgrade"));

            assertThat(report.step("repository-check").orElseThrow().error())
                    .contains("not allowed by path.repo", "new-1", "nothing was registered");
            assertThat(registered(source)).isFalse();
        }
    }
}
