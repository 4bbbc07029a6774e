package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        invalid(() -> SnapshotRestoreSettings.builder(a, b).repository("Bad Name", "/x").build(), "lower case");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).rename("(", "x").repository("r", "/x").build(), "not a valid regex");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).indices(List.of()).repository("r", "/x").build(), "non-empty");
    }

    @Test
    void snapshotRestorePlanHasPreflightRestoreVerifyAndAnOptionalPointOfNoReturn() {
        ElasticsearchEndpoint a = ElasticsearchEndpoint.of("http://a:9200");
        ElasticsearchEndpoint b = ElasticsearchEndpoint.of("http://b:9200");
        var plan = ElasticsearchUpgrade.create().snapshotRestorePlan(SnapshotRestoreSettings.builder(a, b)
                .repository("r", "/snap").deleteSourceIndicesOnFinish(true).build());
        assertThat(plan.steps()).extracting(UpgradeStep::id).containsExactly("source-preflight-versions",
                "source-preflight-health", "source-preflight-deprecations", "source-preflight-old-indices",
                "source-preflight-disk", "source-preflight-repository", "target-versions", "repository-check",
                "register-source-repository",
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
        invalid(() -> RollingUpgradeSettings.builder(a, "eight").build(), "targetVersion");
        invalid(() -> RollingUpgradeSettings.builder(a, "8").requiredHealth(HealthStatus.RED).build(), "lose data");
        invalid(() -> RollingUpgradeSettings.builder(a, "8").nodeOrder(List.of("n1", "n1")).build(), "distinct");
        invalid(() -> RollingUpgradeSettings.builder(a, "8").nodeTimeout(Duration.ZERO).build(), "positive");
        invalid(() -> ReindexSettings.builder(a, "same", "same").build(), "pick a new destination");
        invalid(() -> ReindexSettings.builder(a, "old", "new").remoteSource(ElasticsearchEndpoint.builder()
                .url("http://r:9200").apiKey(Secret.of("k", "v")).build()).build(), "basic auth only");
        invalid(() -> ReindexSettings.builder(a, "old", "new").slices(0).build(), "slices must be within 1..128, was 0");
        invalid(() -> ReindexSettings.builder(a, "old", "new").slices(129).build(), "was 129; or leave it unset");
        invalid(() -> ReindexSettings.builder(a, "old", "new").remoteSource(ElasticsearchEndpoint.of("http://r:9200"))
                .slices(2).build(), "reindex from remote cannot run in slices");
        assertThat(ReindexSettings.builder(a, "old", "new").slices(4).slicesAuto().build().slices()).isEmpty();
        assertThat(ReindexSettings.builder(a, "old", "new").build().method()).isEqualTo(ReindexSettings.Method.AUTO);
        invalid(() -> PreflightSettings.builder(a).requiredVersionLine("seven").build(), "7.17");
        invalid(() -> new CommandNodeHost("restart-node.sh", Duration.ofMinutes(1)), "{node}");
        assertThat(HealthStatus.GREEN.isAtLeast(HealthStatus.YELLOW)).isTrue();
        assertThat(HealthStatus.RED.isAtLeast(HealthStatus.YELLOW)).isFalse();
    }

    @Test
    void buildersCheckEverySettingAtBuildAndTheRecordsCannotBeBuiltAroundTheChecks() {
        ElasticsearchEndpoint a = ElasticsearchEndpoint.of("http://a:9200");
        ElasticsearchEndpoint b = ElasticsearchEndpoint.of("http://b:9200");
        PreflightSettings.Builder preflight = PreflightSettings.builder(a).targetMajor(5);
        invalid(preflight::build, "targetMajor must be 6 or more, was 5");
        invalid(() -> PreflightSettings.builder(a).maxDiskPercent(101).build(), "within 1..100");
        invalid(() -> PreflightSettings.builder(a).maxDiskPercent(-1).build(), "was -1");
        invalid(() -> new PreflightSettings(a, "7.x", 8, HealthStatus.GREEN, false, Optional.empty(), 0), "7.17");
        invalid(() -> ReindexSettings.builder(a, "old", "New").build(), "destination index name 'New'");
        invalid(() -> ReindexSettings.builder(a, "old", "new").alias("Bad").build(), "alias name 'Bad'");
        invalid(() -> ReindexSettings.builder(a, "old", "new").timeout(Duration.ofSeconds(-1)).build(),
                "timeout must be positive");
        invalid(() -> ReindexSettings.builder(a, "old", "new").remoteSource(ElasticsearchEndpoint.builder()
                .url("https://r:9200").caCertificate(Path.of("/dev/null")).build()).build(), "reindex.ssl");
        invalid(() -> new ReindexSettings(a, Optional.empty(), "same", "same", Optional.empty(), Duration.ofHours(1)),
                "pick a new destination");
        invalid(() -> RollingUpgradeSettings.builder(a, "8").nodeOrder(List.of()).build(), "non-empty");
        invalid(() -> new RollingUpgradeSettings(a, "8", HealthStatus.RED, Optional.empty(), Duration.ofMinutes(1),
                Optional.empty()), "lose data");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).repository("r", "/x").snapshot("Snap!").build(),
                "snapshot name 'Snap!'");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).repository("r", "/x").timeout(Duration.ZERO).build(),
                "timeout must be positive");
        invalid(() -> SnapshotRestoreSettings.builder(a, b).repository("r", "/x").targetMajor(5).build(),
                "targetMajor must be 6 or more");
        invalid(() -> ElasticsearchUpgrade.builder().pollInterval(Duration.ofMillis(-1)).build(),
                "pollInterval must not be negative");
    }

    @Test
    void buildersKeepTheirDocumentedDefaults() {
        ElasticsearchEndpoint a = ElasticsearchEndpoint.of("http://a:9200");
        ElasticsearchEndpoint b = ElasticsearchEndpoint.of("http://b:9200");
        assertThat(PreflightSettings.builder(a).build()).isEqualTo(
                new PreflightSettings(a, "7.17", 8, HealthStatus.YELLOW, false, Optional.empty(), 0));
        assertThat(ReindexSettings.builder(a, "old", "new").build()).isEqualTo(
                new ReindexSettings(a, Optional.empty(), "old", "new", Optional.empty(), Duration.ofHours(2)));
        assertThat(RollingUpgradeSettings.builder(a, "8").build()).isEqualTo(new RollingUpgradeSettings(a, "8",
                HealthStatus.GREEN, Optional.empty(), Duration.ofMinutes(15), Optional.empty()));
        SnapshotRestoreSettings s = SnapshotRestoreSettings.builder(a, b).repository("r", "/snap").build();
        assertThat(s.snapshot()).isEqualTo("upgrade-snapshot");
        assertThat(s.indices()).containsExactly("*");
        assertThat(s.includeAliases()).isTrue();
        assertThat(s.includeGlobalState() || s.includeSystemIndices() || s.deleteSourceIndices()).isFalse();
        assertThat(s.renamePattern()).isEmpty();
        assertThat(s.targetMajor()).isEqualTo(8);
        assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.preflight()).contains(PreflightSettings.builder(a).repositoryLocation("/snap").build());
        assertThat(SnapshotRestoreSettings.builder(a, b).repository("r", "/snap").withoutPreflight().build().preflight())
                .isEmpty();
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
