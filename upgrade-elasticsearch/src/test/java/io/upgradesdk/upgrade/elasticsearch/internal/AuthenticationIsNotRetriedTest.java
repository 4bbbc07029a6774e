package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cluster answering 401 or 403 fails the step at its first attempt, naming the credentials, even under a retrying policy. */
class AuthenticationIsNotRetriedTest {

    private static UpgradeReport runAgainstAClusterAnswering(int status) throws Exception {
        String body = "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user [upgrader]\"},"
                + "\"status\":" + status + "}";
        try (FakeElasticsearch cluster = new FakeElasticsearch(r -> new Answer(status, body));
                FakeElasticsearch target = new FakeElasticsearch(r -> new Answer(status, body))) {
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore())
                    .retryPolicy(RetryPolicy.ofDefaults()).sleeper(d -> { }).heartbeat(false).build();
            UpgradeReport report = runner.up(ElasticsearchUpgrade.create().snapshotRestorePlan(SnapshotRestoreSettings
                    .builder(cluster.endpoint(), target.endpoint()).repository("repo", "/srv/snapshots/up")
                    .snapshot("snap").indices(List.of("logs-*")).withoutPreflight().build()));
            assertThat(cluster.requests.size() + target.requests.size()).isEqualTo(1);
            return report;
        }
    }

    @Test
    void http401IsNotRetriedAndNamesTheCredentials() throws Exception {
        UpgradeReport report = runAgainstAClusterAnswering(401);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.steps().get(0).attempts()).isEqualTo(1);
        assertThat(report.steps().get(0).error()).contains("HTTP 401", "check credentials");
    }

    @Test
    void http403IsNotRetriedEither() throws Exception {
        UpgradeReport report = runAgainstAClusterAnswering(403);

        assertThat(report.steps().get(0).attempts()).isEqualTo(1);
        assertThat(report.steps().get(0).error()).contains("HTTP 403", "privileges");
    }
}
