package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.CheckpointStoreContract;
import io.upgradesdk.upgrade.testkit.MutableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The store contract against a real 9.2.4 node (the store of a host already on 9.x). */
@Tag("integration")
class ElasticsearchCheckpointStore9ContractTest extends CheckpointStoreContract {

    private static ElasticsearchServer es;
    private static String index;

    @BeforeAll
    static void start() {
        es = ElasticsearchServer.get(ElasticsearchServer.V9);
        index = es.newIndexPrefix("store9") + "checkpoints";
    }

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return ElasticsearchCheckpointStore.builder(ElasticsearchEndpoint.of(es.url())).index(index).clock(clock).build();
    }
}
