package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchCluster;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.OperatorNote;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real two-node 7.17.29 cluster upgraded node by node to 8.19.21 on the same data directories. */
@Tag("integration")
class RollingUpgradeTest {

    @Test
    void twoNode717ClusterUpgradedTo819NodeByNodeWithAKillBetweenNodes(@TempDir Path tmp) throws Exception {
        try (ElasticsearchCluster cluster = ElasticsearchServer.newCluster(ElasticsearchServer.V7, 2)) {
            ElasticsearchNode n0 = cluster.node(0);
            ElasticsearchNode n1 = cluster.node(1);
            n0.request("PUT", "/docs", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":1}}").ok();
            StringBuilder nd = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                nd.append("{\"index\":{\"_index\":\"docs\",\"_id\":\"").append(i).append("\"}}\n{\"n\":").append(i)
                        .append("}\n");
            }
            n0.request("POST", "/_bulk?refresh=true", nd.toString()).ok();
            n0.request("GET", "/_cluster/health?wait_for_status=green&timeout=60s", null).ok();

            // reads go on during the whole upgrade, against whichever node is up
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            List<String> readFailures = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                while (reading.get()) {
                    ElasticsearchNode up = n0.isRunning() ? n0 : n1;
                    try {
                        ElasticsearchServer.Response r = up.request("GET", "/docs/_count", null);
                        if (r.status() == 200 && r.body().contains("\"count\":300")) {
                            reads.incrementAndGet();
                        } else if (up.isRunning()) {
                            readFailures.add(up.name() + ": " + r.status() + " " + r.body());
                        }
                    } catch (RuntimeException e) {
                        // the node went down between isRunning and the request: try the other one next
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "reader");
            reader.setDaemon(true);
            reader.start();

            ElasticsearchEndpoint endpoint = ElasticsearchEndpoint.builder().url(n0.url()).url(n1.url()).build();
            RollingUpgradeSettings settings = RollingUpgradeSettings.builder(endpoint, ElasticsearchServer.V8)
                    .nodeOrder(List.of(n0.name(), n1.name())).nodeTimeout(Duration.ofMinutes(4)).build();
            ElasticsearchUpgrade es = ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(250)).build();
            List<String> hostCalls = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch stuck = new CountDownLatch(1);
            NodeHost dyingHost = node -> {
                hostCalls.add(node);
                if (node.equals(n1.name())) {
                    stuck.countDown();
                    Thread.sleep(Long.MAX_VALUE); // the upgrading process "dies" here: it never writes again
                }
                restart(node, n0, n1);
            };
            Path checkpoint = tmp.resolve("rolling.json");
            UpgradePlan first = es.rollingUpgradePlan(settings, dyingHost);
            Thread run = new Thread(() -> UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint))
                    .owner("dead-host").heartbeat(false).leaseDuration(Duration.ofMinutes(10)).build().up(first));
            run.setDaemon(true);
            run.start();
            assertThat(stuck.await(4, TimeUnit.MINUTES)).isTrue();
            assertThat(n0.version()).isEqualTo(ElasticsearchServer.V8);
            assertThat(n1.version()).isEqualTo(ElasticsearchServer.V7);

            // an operator releases the dead run's lease; the resumed run continues with node 1 only
            List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
            UpgradeRunner runner = UpgradeRunner.builder().store(new FileCheckpointStore(checkpoint)).owner("resumer")
                    .listener(events::add).build();
            NodeHost host = node -> {
                hostCalls.add(node);
                restart(node, n0, n1);
            };
            UpgradePlan plan = es.rollingUpgradePlan(settings, host);
            runner.forceReleaseLock(plan, OperatorNote.by("test", "the first upgrading process died"));
            UpgradeReport report = runner.up(plan);
            run.interrupt();
            reading.set(false);
            reader.join(5000);

            assertThat(report.outcome()).as(report.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(hostCalls).containsExactly(n0.name(), n1.name(), n1.name());
            assertThat(n1.version()).isEqualTo(ElasticsearchServer.V8);
            String nodes = n0.request("GET", "/_nodes?filter_path=nodes.*.version", null).ok().body();
            assertThat(nodes).doesNotContain("7.17").contains(ElasticsearchServer.V8);
            assertThat(n0.request("GET", "/docs/_count", null).ok().body()).contains("\"count\":300");
            assertThat(n1.request("GET", "/_cluster/health", null).ok().body()).contains("\"status\":\"green\"");
            assertThat(readFailures).isEmpty();
            assertThat(reads.get()).isGreaterThan(20);
            events.stream().filter(e -> e instanceof UpgradeEvent.StepProgress).map(e -> ((UpgradeEvent.StepProgress) e).message())
                    .filter(m -> m.contains("upgraded in")).forEach(m -> System.out.println("ROLLING " + m));
            assertThat(events).filteredOn(e -> e instanceof UpgradeEvent.StepProgress p && p.message().contains("upgraded in"))
                    .hasSize(1);
        }
    }

    private static void restart(String node, ElasticsearchNode... nodes) {
        for (ElasticsearchNode n : nodes) {
            if (n.name().equals(node)) {
                if (n.isRunning() && ElasticsearchServer.V8.equals(n.version())) {
                    return;
                }
                n.stop();
                n.start(ElasticsearchServer.V8);
                return;
            }
        }
        throw new IllegalArgumentException("unknown node " + node);
    }
}
