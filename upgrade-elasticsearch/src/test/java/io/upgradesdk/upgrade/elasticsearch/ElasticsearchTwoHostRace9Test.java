package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import io.upgradesdk.upgrade.testkit.twohost.TwoHostRaceContract;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/** Two host JVMs racing for one plan whose checkpoints live in an index on a real 9.2.4 node. */
@Tag("integration")
@Tag("long") // several real nodes restarted on new versions: not in CI's bin/test, run with -Plong
class ElasticsearchTwoHostRace9Test extends TwoHostRaceContract {

    @Override
    protected Class<? extends HostStoreFactory> storeFactory() {
        return ElasticsearchHostStoreFactory.class;
    }

    @Override
    protected Map<String, String> storeSettings() {
        ElasticsearchServer es = ElasticsearchServer.get(ElasticsearchServer.V9);
        return Map.of("url", es.url(), "index", es.newIndexPrefix("race9") + "checkpoints");
    }
}
