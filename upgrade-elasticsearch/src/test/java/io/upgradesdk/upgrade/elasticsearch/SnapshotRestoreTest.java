package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot on real 7.17.29, restore on real 8.19.21. */
@Tag("integration")
class SnapshotRestoreTest {

    static SnapshotRestoreSettings settings(String source, String target, String location, String prefix) {
        ElasticsearchEndpoint src = ElasticsearchEndpoint.of(source);
        return SnapshotRestoreSettings.builder(src, ElasticsearchEndpoint.of(target))
                .repository(prefix + "repo", location)
                .snapshot(prefix + "snap")
                .indices(List.of(prefix + "*"))
                .includeGlobalState(true)
                .deleteSourceIndicesOnFinish(true)
                .preflight(PreflightSettings.builder(src).allowUncheckedDeprecations(true).repositoryLocation(location).build())
                .build();
    }

    static void seed(ElasticsearchServer es, String prefix) {
        es.request("PUT", "/" + prefix + "logs", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"msg\":{\"type\":\"text\"},\"level\":{\"type\":\"keyword\"},"
                + "\"at\":{\"type\":\"date\"},\"n\":{\"type\":\"integer\"}}},"
                + "\"aliases\":{\"" + prefix + "current\":{}}}").ok();
        es.request("PUT", "/" + prefix + "users", "{\"settings\":{\"number_of_replicas\":0}}").ok();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(prefix).append("logs\",\"_id\":\"").append(i).append("\"}}\n")
                    .append("{\"msg\":\"message ").append(i).append("\",\"level\":\"info\",\"at\":\"2024-01-01\",\"n\":")
                    .append(i).append("}\n");
        }
        for (int i = 0; i < 30; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(prefix).append("users\",\"_id\":\"u").append(i).append("\"}}\n")
                    .append("{\"name\":\"user ").append(i).append("\"}\n");
        }
        es.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
        es.request("PUT", "/_index_template/" + prefix + "tpl", "{\"index_patterns\":[\"" + prefix
                + "future-*\"],\"template\":{\"settings\":{\"number_of_shards\":1}}}").ok();
        es.request("PUT", "/_template/" + prefix + "legacy", "{\"index_patterns\":[\"" + prefix
                + "legacy-*\"],\"settings\":{\"number_of_shards\":1}}").ok();
    }

    @Test
    void snapshotOn717RestoredOn819SurvivesAKillMidRestore(@TempDir Path tmp) throws Exception {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        String prefix = es7.newIndexPrefix("snaprestore");
        seed(es7, prefix);
        String location = ElasticsearchServer.newRepoDir("snaprestore").toString();
        Path checkpoint = tmp.resolve("checkpoint.json");

        // preview changes nothing
        UpgradeRunner previewRunner = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint)).build();
        Preview preview = previewRunner.preview(ElasticsearchUpgrade.create().snapshotRestorePlan(
                settings(es7.url(), es8.url(), location, prefix)));
        assertThat(preview.toString()).contains("restore");
        assertThat(es8.request("GET", "/_snapshot/" + prefix + "repo", null).status()).isEqualTo(404);

        // a separate JVM runs the plan and is killed once the restore is requested
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, SnapshotRestoreChild.class.getName(), es7.url(), es8.url(), location, prefix,
                checkpoint.toString()).redirectError(tmp.resolve("child.err").toFile()).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                out.add(line);
                if (line.equals("RESTORE_REQUESTED")) {
                    child.destroyForcibly();
                    break;
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("child stderr: %s", Files.exists(tmp.resolve("child.err"))
                ? Files.readString(tmp.resolve("child.err")) : "").contains("RESTORE_REQUESTED");

        // resume in this JVM: the dead child's lease expires, the restore step continues
        List<UpgradeEvent> events = new ArrayList<>();
        UpgradeRunner runner = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint)).owner("resumer")
                .lockWait(Duration.ofSeconds(30)).listener(events::add).build();
        assertThat(runner.status(ElasticsearchUpgrade.create().snapshotRestorePlan(
                settings(es7.url(), es8.url(), location, prefix))).step("restore").state())
                .isNotEqualTo(StepState.SUCCEEDED);
        UpgradeReport report = runner.up(ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(200)).build()
                .snapshotRestorePlan(settings(es7.url(), es8.url(), location, prefix)));
        assertThat(report.outcome()).as(report.toJson()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(events).filteredOn(e -> e instanceof UpgradeEvent.StepStarted s && s.stepId().equals("restore"))
                .singleElement().satisfies(e -> assertThat(((UpgradeEvent.StepStarted) e).resumeCursor())
                        .isEqualTo("{\"snapshot\":\"" + prefix + "snap\"}"));
        assertThat(events).filteredOn(e -> e instanceof UpgradeEvent.StepStarted s && s.stepId().equals("snapshot"))
                .isEmpty();

        // data, mappings, aliases and templates are on 8.19
        assertThat(es8.request("GET", "/" + prefix + "logs/_count", null).ok().body()).contains("\"count\":500");
        assertThat(es8.request("GET", "/" + prefix + "current/_search?q=n:42", null).ok().body())
                .contains("message 42");
        assertThat(es8.request("GET", "/" + prefix + "logs/_mapping", null).ok().body())
                .contains("\"level\":{\"type\":\"keyword\"}");
        assertThat(es8.request("GET", "/_index_template/" + prefix + "tpl", null).status()).isEqualTo(200);
        assertThat(es8.request("GET", "/_template/" + prefix + "legacy", null).status()).isEqualTo(200);
        assertThat(es8.request("GET", "/" + prefix + "logs/_settings", null).ok().body()).contains("7172999");

        // FINISH: the point of no return needs a confirmation, then deletes the source indices
        UpgradePlanHolder.finish(checkpoint, es7, es8, location, prefix);
    }

    /** FINISH checks, kept separate for readability. */
    static final class UpgradePlanHolder {
        static void finish(Path checkpoint, ElasticsearchServer es7, ElasticsearchServer es8, String location,
                String prefix) {
            var plan = ElasticsearchUpgrade.create().snapshotRestorePlan(settings(es7.url(), es8.url(), location, prefix));
            UpgradeReport denied = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint)).build().finish(plan);
            assertThat(denied.outcome()).isEqualTo(UpgradeReport.Outcome.AWAITING_CONFIRMATION);
            assertThat(es7.request("GET", "/" + prefix + "logs/_count", null).status()).isEqualTo(200);
            UpgradeReport done = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint))
                    .confirmation(Confirmation.givenInAdvance()).build().finish(plan);
            assertThat(done.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(es7.request("GET", "/" + prefix + "logs/_count", null).status()).isEqualTo(404);
            assertThat(es8.request("GET", "/" + prefix + "logs/_count", null).ok().body()).contains("\"count\":500");
        }
    }
}
