package io.upgradesdk.upgrade.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.MutableClock;
import io.upgradesdk.upgrade.testkit.UpgradeSequenceContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** Plan sequences kept in a real Redis: the sequence record and each plan's checkpoint under one prefix. */
@Tag("integration")
class RedisSequenceTest extends UpgradeSequenceContract {

    private static RedisClient client;
    private static String prefix;

    @BeforeAll
    static void startRedis() {
        RedisServer server = RedisServer.get();
        client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withDatabase(server.freshDatabase()).withTimeout(Duration.ofSeconds(10)).build());
        prefix = server.uniqueKeyPrefix("sequence");
    }

    @AfterAll
    static void stopClient() {
        client.shutdown();
    }

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return RedisCheckpointStore.builder().client(client).keyPrefix(prefix).build();
    }
}
