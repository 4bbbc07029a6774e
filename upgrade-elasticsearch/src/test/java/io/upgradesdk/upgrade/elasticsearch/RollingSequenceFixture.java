package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.testservers.ElasticsearchCluster;
import io.upgradesdk.testservers.ElasticsearchNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import java.time.Duration;
import java.util.List;

/**
 * The ready-made sequence's real-node setup, shared by {@code RollingSequenceTest} and the
 * {@code bench.RollingSequenceBench}: a two-node 7.17 cluster seeded with an index whose green
 * health needs both nodes, and the 7.17 → 8.19 → 9.x settings for it (that index write-blocked
 * before 9.x, nodes restarted in a fixed order).
 */
public final class RollingSequenceFixture {

    /** Name of the seeded index, created on 7.17 and kept read-only on 9.x. */
    public static final String INDEX = "docs";
    /** Documents seeded in {@link #INDEX}. */
    public static final int DOCUMENTS = 300;

    private RollingSequenceFixture() {
    }

    /** A new two-node cluster on 7.17, seeded; the caller closes it. */
    public static ElasticsearchCluster seededCluster() {
        ElasticsearchCluster cluster = ElasticsearchServer.newCluster(ElasticsearchServer.V7, 2);
        seed(cluster.node(0));
        return cluster;
    }

    /** 7.17 → 8.19 → 9.x over both nodes of {@code cluster}, node 0 first, four minutes per node. */
    public static RollingSequenceSettings settings(ElasticsearchCluster cluster) {
        ElasticsearchNode n0 = cluster.node(0);
        ElasticsearchNode n1 = cluster.node(1);
        ElasticsearchEndpoint endpoint = ElasticsearchEndpoint.builder().url(n0.url()).url(n1.url()).build();
        return RollingSequenceSettings.builder(endpoint, List.of(ElasticsearchServer.V8, ElasticsearchServer.V9))
                .fromVersion(ElasticsearchServer.V7).readOnlyBefore9(List.of(INDEX))
                .nodeOrder(List.of(n0.name(), n1.name())).nodeTimeout(Duration.ofMinutes(4)).build();
    }

    /** The cluster's node called {@code name}. */
    public static ElasticsearchNode node(ElasticsearchCluster cluster, String name) {
        return cluster.node(0).name().equals(name) ? cluster.node(0) : cluster.node(1);
    }

    /** {@value #DOCUMENTS} documents in an index created on 7.17, two shards with a replica each: green needs both nodes. */
    private static void seed(ElasticsearchNode node) {
        node.request("PUT", "/" + INDEX, "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":1}}").ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCUMENTS; i++) {
            bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"").append(i)
                    .append("\"}}\n{\"n\":").append(i).append("}\n");
        }
        node.request("POST", "/_bulk?refresh=true", bulk.toString()).ok();
        node.request("GET", "/_cluster/health?wait_for_status=green&timeout=60s", null).ok();
    }
}
