package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.MutableClock;
import io.upgradesdk.upgrade.testkit.UpgradeSequenceContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** Plan sequences kept in a real 8.19 node: the sequence record and each plan's checkpoint in one index. */
@Tag("integration")
class ElasticsearchSequenceTest extends UpgradeSequenceContract {

    private static ElasticsearchServer es;
    private static String index;

    @BeforeAll
    static void start() {
        es = ElasticsearchServer.get(ElasticsearchServer.V8);
        index = es.newIndexPrefix("sequence") + "checkpoints";
    }

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return ElasticsearchCheckpointStore.builder(ElasticsearchEndpoint.of(es.url())).index(index).clock(clock).build();
    }
}
