package io.upgradesdk.upgrade.store.redis;

import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import io.upgradesdk.upgrade.testkit.twohost.TwoHostRaceContract;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/** Two host JVMs racing for one plan on a real Redis. */
@Tag("integration")
class RedisTwoHostRaceTest extends TwoHostRaceContract {

    @Override
    protected Class<? extends HostStoreFactory> storeFactory() {
        return RedisHostStoreFactory.class;
    }

    @Override
    protected Map<String, String> storeSettings() {
        RedisServer server = RedisServer.get();
        return Map.of("uri", server.uri(server.freshDatabase()), "prefix", server.uniqueKeyPrefix("race"));
    }
}
