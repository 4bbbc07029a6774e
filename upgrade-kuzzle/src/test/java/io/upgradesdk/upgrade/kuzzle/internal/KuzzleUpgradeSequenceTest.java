package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceReport.PlanOutcome;
import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.PreflightSettings;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ready-made Kuzzle sequence on real nodes: Kuzzle 1 on Elasticsearch 5.6 → Kuzzle 2 on a new
 * 7.17 cluster → that cluster's indices snapshot-restored onto 8.19, one resumable sequence.
 */
@Tag("integration")
@Tag("long") // several real nodes restarted on new versions: not in CI's bin/test, run with -Plong
class KuzzleUpgradeSequenceTest {

    @TempDir
    Path work;

    private final ItScenario s = ItScenario.fresh();
    private final String es5 = ElasticsearchServer.get(ElasticsearchServer.V5).url();
    private final String es7 = ElasticsearchServer.get(ElasticsearchServer.V7).url();
    private final String es8 = ElasticsearchServer.get(ElasticsearchServer.V8).url();
    private final String location = ElasticsearchServer.newRepoDir("kuzzle-sequence").toString();

    @AfterEach
    void cleanUp() {
        for (String url : List.of(es5, es7, es8)) {
            EsFixtures.deleteAll(url, s.id());
        }
    }

    @Test
    void kuzzle1On56ToKuzzle2On717ThenOnto819StopsAtTheDeletionOfThe717IndicesUntilConfirmed() throws Exception {
        EsFixtures.load(es5, s.dataset(120, 0));
        AtomicBoolean confirm = new AtomicBoolean(false);
        UpgradeRunner runner = UpgradeRunner.builder().store(new FileCheckpointStore(work.resolve("checkpoint.json")))
                .owner("it").confirmation(request -> confirm.get()).build();
        UpgradeSequence sequence = sequence();
        assertThat(sequence.planIds()).containsExactly("kuzzle-" + s.id(), "kuzzle-" + s.id() + "/es-snapshot-restore");
        assertThat(runner.preview(sequence).pendingPlans()).hasSize(2);

        SequenceReport stopped = runner.run(sequence);

        assertThat(stopped.outcome()).as(stopped.toString()).isEqualTo(Outcome.AWAITING_CONFIRMATION);
        assertThat(stopped.appliedPlans()).containsExactly("kuzzle-" + s.id());
        String yellowtaxi = "&" + s.nyc() + ".yellowtaxi";
        Map<String, ObjectNode> on717 = new TreeMap<>(EsFixtures.docs(es7, yellowtaxi));
        assertThat(on717).isNotEmpty();
        assertThat(EsFixtures.docs(es8, yellowtaxi)).as("restored on 8.19 before the point of no return")
                .isEqualTo(on717);
        SequenceStatus status = runner.status(sequence);
        assertThat(status.plansIn(SequenceStatus.State.APPLIED)).containsExactly("kuzzle-" + s.id());
        assertThat(status.plansIn(SequenceStatus.State.IN_PROGRESS)).hasSize(1);

        confirm.set(true);
        SequenceReport finished = runner.run(sequence());

        assertThat(finished.outcome()).as(finished.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(finished.plan("kuzzle-" + s.id()).outcome()).isEqualTo(PlanOutcome.ALREADY_APPLIED);
        assertThat(finished.appliedPlans()).containsExactly("kuzzle-" + s.id() + "/es-snapshot-restore");
        assertThat(EsFixtures.indices(es7, s.id())).as("7.17 indices deleted at the confirmed FINISH").isEmpty();
        assertThat(EsFixtures.docs(es8, yellowtaxi)).isEqualTo(on717);
        assertThat(EsFixtures.docs(es8, "%" + s.v2Internal() + ".config")).containsKey(s.v2Internal() + ".done");
        assertThat(runner.status(sequence()).isComplete()).isTrue();
    }

    /** Built afresh for each run, as a host restarted between runs would. */
    private UpgradeSequence sequence() {
        ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(200)).build();
        SnapshotRestoreSettings to819 = SnapshotRestoreSettings.builder(ElasticsearchEndpoint.of(es7),
                        ElasticsearchEndpoint.of(es8))
                .repository("kzl-" + s.id(), location)
                .snapshot("kzl-" + s.id())
                .indices(List.of("*" + s.id() + "*"))
                .includeGlobalState(false)
                .deleteSourceIndicesOnFinish(true)
                .preflight(PreflightSettings.builder(ElasticsearchEndpoint.of(es7)).allowUncheckedDeprecations(true)
                        .repositoryLocation(location).build())   // the integ-test zip has no Deprecation Info API
                .build();
        return KuzzleUpgrade.create().upgradeSequence(s.settings(es5, es7, work).build(), es.snapshotRestorePlan(to819));
    }
}
