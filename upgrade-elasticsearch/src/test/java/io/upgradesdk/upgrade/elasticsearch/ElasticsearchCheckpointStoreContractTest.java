package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.CheckpointStoreContract;
import io.upgradesdk.upgrade.testkit.MutableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The store contract against a real 8.19 node (lease expiry follows the injected clock). */
@Tag("integration")
class ElasticsearchCheckpointStoreContractTest extends CheckpointStoreContract {

    private static ElasticsearchServer es;
    private static String index;

    @BeforeAll
    static void start() {
        es = ElasticsearchServer.get(ElasticsearchServer.V8);
        index = es.newIndexPrefix("store") + "checkpoints";
    }

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return ElasticsearchCheckpointStore.builder(ElasticsearchEndpoint.of(es.url())).index(index).clock(clock).build();
    }
}
