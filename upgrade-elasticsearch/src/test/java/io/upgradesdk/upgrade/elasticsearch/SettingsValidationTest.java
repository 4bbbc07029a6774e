package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builders refuse bad input with ES_INVALID_CONFIGURATION and say what to do; plans have the documented steps. */
class SettingsValidationTest {

    private static void invalid(Runnable r, String text) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION);
            assertThat(e.code().id()).isEqualTo("ES_INVALID_CONFIGURATION");
            assertThat(e.getMessage()).contains(text);
        });
    }

    @Test
    void endpointValidation() {
        invalid(() -> ElasticsearchEndpoint.builder().build(), "no URL");
        invalid(() -> ElasticsearchEndpoint.builder().url("ftp://x"), "not an http(s) URL");
        invalid(() -> ElasticsearchEndpoint.builder().url("http://u:p@host:9200"), "carries credentials");
        invalid(() -> ElasticsearchEndpoint.builder().url("http://h:9200").basicAuth("u", Secret.of("p", "x"))
                .apiKey(Secret.of("k", "y")).build(), "keep one");
        invalid(() -> ElasticsearchEndpoint.builder().url("http://h:9200").caCertificate(Path.of("/nonexistent.pem"))
                .build(), "not readable");
        ElasticsearchEndpoint e = ElasticsearchEndpoint.builder().url("https://h:9200")
                .basicAuth("elastic", Secret.of("es.password", "hunter2")).build();
        assertThat(e.toString()).doesNotContain("hunter2").contains("basic elastic");
    }

    @Test
    void snapshotRestoreSettingsValidation() {
        ElasticsearchEndpoint a = ElasticsearchEndpoint.of("http://a:9200");
        ElasticsearchEndpoint b = ElasticsearchEndpoint.of("http://b:9200");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).build(), "no snapshot repository");
        invalid(() -> SnapshotRestoreSettings.builder(a, ElasticsearchEndpoint.of("http://a:9200")).repository("r", "/x")
                .build(), "same cluster");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).repository("Bad Name", "/x"), "lower case");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).rename("(", "x"), "not a valid regex");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).indices(List.of()), "non-empty");
    }

    @Test
    void snapshotRestorePlanHasPreflightRestoreVerifyAndAnOptionalPointOfNoReturn() {
        ElasticsearchEndpoint a = ElasticsearchEndpoint.of("http://a:9200");
        ElasticsearchEndpoint b = ElasticsearchEndpoint.of("http://b:9200");
        var plan = ElasticsearchUpgrade.create().snapshotRestorePlan(SnapshotRestoreSettings.builder(a, b)
                .repository("r", "/snap").deleteSourceIndicesOnFinish(true).build());
        assertThat(plan.steps()).extracting(UpgradeStep::id).containsExactly("source-preflight-versions",
                "source-preflight-health", "source-preflight-deprecations", "source-preflight-old-indices",
                "source-preflight-disk", "source-preflight-repository", "target-versions", "register-source-repository",
                "register-target-repository", "snapshot", "restore", "verify", "post-upgrade-checks",
                "delete-source-indices");
        assertThat(plan.steps()).filteredOn(UpgradeStep::isPointOfNoReturn).extracting(UpgradeStep::id)
                .containsExactly("delete-source-indices");
        var noFinish = ElasticsearchUpgrade.create().snapshotRestorePlan(SnapshotRestoreSettings.builder(a, b)
                .repository("r", "/snap").withoutPreflight().build());
        assertThat(noFinish.steps()).extracting(UpgradeStep::id).first().isEqualTo("target-versions");
        assertThat(noFinish.steps()).noneMatch(UpgradeStep::isPointOfNoReturn);
    }

    @Test
    void rollingAndReindexValidation() {
        ElasticsearchEndpoint a = ElasticsearchEndpoint.of("http://a:9200");
        invalid(() -> RollingUpgradeSettings.builder(a, "eight"), "targetVersion");
        invalid(() -> RollingUpgradeSettings.builder(a, "8").requiredHealth(HealthStatus.RED), "lose data");
        invalid(() -> RollingUpgradeSettings.builder(a, "8").nodeOrder(List.of("n1", "n1")), "distinct");
        invalid(() -> RollingUpgradeSettings.builder(a, "8").nodeTimeout(Duration.ZERO), "positive");
        invalid(() -> ReindexSettings.builder(a, "same", "same"), "pick a new destination");
        invalid(() -> ReindexSettings.builder(a, "old", "new").remoteSource(ElasticsearchEndpoint.builder()
                .url("http://r:9200").apiKey(Secret.of("k", "v")).build()), "basic auth only");
        invalid(() -> PreflightSettings.builder(a).requiredVersionLine("seven"), "7.17");
        invalid(() -> new CommandNodeHost("restart-node.sh", Duration.ofMinutes(1)), "{node}");
        assertThat(HealthStatus.GREEN.isAtLeast(HealthStatus.YELLOW)).isTrue();
        assertThat(HealthStatus.RED.isAtLeast(HealthStatus.YELLOW)).isFalse();
    }

    @Test
    void commandNodeHostRunsTheCommandAndReportsItsFailure() throws Exception {
        Path marker = java.nio.file.Files.createTempFile("node", ".txt");
        new CommandNodeHost("echo {node} > " + marker, Duration.ofSeconds(10)).upgradeNode("es-node-1");
        assertThat(java.nio.file.Files.readString(marker)).isEqualTo("es-node-1\n");
        assertThatThrownBy(() -> new CommandNodeHost("echo broken {node}; exit 3", Duration.ofSeconds(10))
                .upgradeNode("n2")).isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.NODE_RESTART_FAILED);
                    assertThat(e.getMessage()).contains("exited with 3").contains("broken n2");
                });
        assertThatThrownBy(() -> new CommandNodeHost("echo {node}", Duration.ofSeconds(10)).upgradeNode("a; rm -rf /"))
                .hasMessageContaining("unsafe");
    }
}
