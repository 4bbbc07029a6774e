package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchCluster;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ready-made sequence on real nodes: a two-node 7.17.29 cluster rolled to 8.19.21 then 9.2.4
 * on the same data directories, its 7.x index write-blocked on 8.19 between the hops; the host
 * crashes after the first node of the 9.x hop, and the resumed run neither runs an applied plan
 * again nor restarts a node already upgraded.
 */
@Tag("integration")
@Tag("long") // several real nodes restarted on new versions: not in CI's bin/test, run with -Plong
class RollingSequenceTest {

    @Test
    void twoNode717ClusterRollsTo819Then924AndResumesMidHopAfterAHostCrash(@TempDir Path tmp) {
        try (ElasticsearchCluster cluster = RollingSequenceFixture.seededCluster()) {
            ElasticsearchNode n0 = cluster.node(0);
            ElasticsearchNode n1 = cluster.node(1);
            RollingSequenceSettings settings = RollingSequenceFixture.settings(cluster);
            List<String> restarts = Collections.synchronizedList(new ArrayList<>());
            boolean[] crashOnSecond9Node = {true};
            ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().pollInterval(Duration.ofMillis(250)).build();
            UpgradeSequence sequence = es.rollingSequence(settings, version -> name -> {
                ElasticsearchNode n = name.equals(n0.name()) ? n0 : n1;
                if (n == n1 && version.equals(ElasticsearchServer.V9) && crashOnSecond9Node[0]) {
                    crashOnSecond9Node[0] = false;
                    throw new IllegalStateException("host crashed before restarting " + name);
                }
                restarts.add(name + "@" + version);
                n.stop();
                n.start(version);
            });
            Path checkpoints = tmp.resolve("sequence.json");

            long t0 = System.nanoTime();
            SequenceReport crashed = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoints))
                    .retryPolicy(RetryPolicy.none()).build().run(sequence);
            long crashedMs = (System.nanoTime() - t0) / 1_000_000;

            assertThat(crashed.isSuccess()).isFalse();
            assertThat(crashed.appliedPlans()).as(crashed.toString()).containsExactly("es-rolling/8.19.21",
                    "es-rolling/mark-read-only-before-9.2.4");
            assertThat(crashed.stoppedAt().orElseThrow().planId()).isEqualTo("es-rolling/9.2.4");
            assertThat(n0.version()).isEqualTo(ElasticsearchServer.V9);
            assertThat(n1.version()).isEqualTo(ElasticsearchServer.V8);
            SequenceStatus midway = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoints)).build()
                    .status(sequence);
            assertThat(midway.plansIn(SequenceStatus.State.APPLIED)).hasSize(2);
            assertThat(midway.plan("es-rolling/9.2.4").state()).isEqualTo(SequenceStatus.State.IN_PROGRESS);

            long t1 = System.nanoTime();
            SequenceReport resumed = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoints)).build()
                    .run(sequence);
            long resumedMs = (System.nanoTime() - t1) / 1_000_000;
            System.out.println("ES rolling sequence 7.17.29 -> 8.19.21 -> 9.2.4 (two nodes): first run " + crashedMs
                    + " ms (crashed mid-9.x hop), resumed run " + resumedMs + " ms");

            assertThat(resumed.isSuccess()).as(resumed.toString()).isTrue();
            assertThat(resumed.alreadyAppliedPlans()).containsExactly("es-rolling/8.19.21",
                    "es-rolling/mark-read-only-before-9.2.4");
            assertThat(resumed.appliedPlans()).containsExactly("es-rolling/9.2.4");
            assertThat(restarts).as("each node restarted once per hop, none redone").containsExactly(
                    n0.name() + "@8.19.21", n1.name() + "@8.19.21", n0.name() + "@9.2.4", n1.name() + "@9.2.4");
            assertThat(n1.request("GET", "/_nodes?filter_path=nodes.*.version", null).ok().body())
                    .doesNotContain("8.19").doesNotContain("7.17").contains(ElasticsearchServer.V9);
            assertThat(n1.request("GET", "/docs/_count", null).ok().body()).contains("\"count\":300");
            assertThat(n1.request("PUT", "/docs/_doc/x", "{\"n\":-1}").status()).as("kept read-only").isEqualTo(403);
            assertThat(UpgradeRunner.builder().store(new FileCheckpointStore(checkpoints)).build().status(sequence)
                    .isComplete()).isTrue();
            es.close();
        }
    }
}
