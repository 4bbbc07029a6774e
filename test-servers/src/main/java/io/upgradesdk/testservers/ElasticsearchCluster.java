package io.upgradesdk.testservers;

import java.time.Duration;
import java.util.List;

/**
 * A dedicated cluster of {@link ElasticsearchNode}s on 127.0.0.1 (see
 * {@link ElasticsearchServer#newCluster(String, int)}). Nodes can be restarted one by one with a
 * newer version on their own data directory. Close it when done.
 */
public final class ElasticsearchCluster implements AutoCloseable {

    private final List<ElasticsearchNode> nodes;

    ElasticsearchCluster(List<ElasticsearchNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** The nodes, in creation order. */
    public List<ElasticsearchNode> nodes() {
        return nodes;
    }

    /** Node {@code i}. */
    public ElasticsearchNode node(int i) {
        return nodes.get(i);
    }

    /** The URL of the first running node. */
    public String url() {
        return nodes.stream().filter(ElasticsearchNode::isRunning).findFirst().orElse(nodes.get(0)).url();
    }

    /** Waits until {@code count} nodes are in the cluster. */
    public void awaitNodes(int count, Duration timeout) {
        ElasticsearchServer.Response r = ElasticsearchServer.request(url(), "GET",
                "/_cluster/health?wait_for_nodes=" + count + "&timeout=" + timeout.toSeconds() + "s", null, null);
        if (r.status() != 200 || r.body().contains("\"timed_out\":true")) {
            throw new IllegalStateException("cluster did not reach " + count + " nodes: " + r.body());
        }
    }

    @Override
    public void close() {
        nodes.parallelStream().forEach(ElasticsearchNode::stop);
    }
}
