package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.elasticsearch.NodeHost;
import io.upgradesdk.upgrade.elasticsearch.RollingUpgradeSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What the host tells while it upgrades a node is a notice of the rolling upgrade's step. */
class RollingUpgradeNodeOutputTest {

    @Test
    void eachLineTheHostTellsIsANoticeOfTheStepNamingTheNode() throws Exception {
        RollingUpgradeStopTest.StoppableContext ctx = new RollingUpgradeStopTest.StoppableContext();
        AtomicBoolean upgraded = new AtomicBoolean();
        NodeHost host = new NodeHost() {
            @Override
            public void upgradeNode(String nodeName) {
                throw new AssertionError("the rolling upgrade calls the variant that takes the output");
            }

            @Override
            public void upgradeNode(String nodeName, Consumer<String> output) {
                output.accept("stopping elasticsearch");
                output.accept("installing 8.19.0");
                upgraded.set(true);
            }
        };
        try (FakeElasticsearch es = new FakeElasticsearch(r -> {
            if (r.is("GET", "/_nodes")) {
                return FakeElasticsearch.Answer.ok("{\"nodes\":{\"a\":{\"name\":\"node-a\",\"version\":\""
                        + (upgraded.get() ? "8.19.0" : "7.17.29") + "\",\"roles\":[\"master\",\"data\"]}}}");
            }
            if (r.is("GET", "/_cat/master")) {
                return FakeElasticsearch.Answer.ok("[{\"node\":\"node-a\"}]");
            }
            if (r.is("GET", "/_cluster/health")) {
                return FakeElasticsearch.Answer.ok("{\"status\":\"green\",\"number_of_nodes\":1,"
                        + "\"timed_out\":false,\"initializing_shards\":0,\"relocating_shards\":0}");
            }
            if (r.is("PUT", "/_cluster/settings") || r.is("POST", "/_flush")
                    || r.is("DELETE", "/_cluster/voting_config_exclusions")) {
                return FakeElasticsearch.Answer.ok("{\"acknowledged\":true}");
            }
            return null;
        })) {
            RollingUpgradeStep step = new RollingUpgradeStep(RollingUpgradeSettings.builder(es.endpoint(), "8")
                    .nodeTimeout(Duration.ofSeconds(10)).build(),
                    host, es.clients(), d -> { }, Duration.ofMillis(1));

            step.execute(ctx);

            assertThat(ctx.progress).containsSubsequence("0/-1 node node-a: stopping elasticsearch",
                    "0/-1 node node-a: installing 8.19.0");
            assertThat(ctx.progress.get(ctx.progress.size() - 1)).startsWith("1/1 node node-a upgraded in");
        }
    }
}
