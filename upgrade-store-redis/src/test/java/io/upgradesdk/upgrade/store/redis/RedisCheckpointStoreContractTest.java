package io.upgradesdk.upgrade.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.testkit.CheckpointStoreContract;
import io.upgradesdk.upgrade.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The store contract against a real Redis; lease expiry follows Redis's clock, so time really passes. */
@Tag("integration")
class RedisCheckpointStoreContractTest extends CheckpointStoreContract {

    private static RedisClient client;
    private static String prefix;

    @BeforeAll
    static void startRedis() {
        RedisServer server = RedisServer.get();
        client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withDatabase(server.freshDatabase()).withTimeout(Duration.ofSeconds(10)).build());
        prefix = server.uniqueKeyPrefix("contract");
        // Warm up (netty, lettuce, the scripts in Redis's cache, the checkpoint's JSON codec) so that
        // the first test's lease does not expire while a cold JVM connects and saves.
        UpgradePlan plan = UpgradePlan.builder("warm-up")
                .step(UpgradeStep.builder("warm-up").execute(ctx -> { }).build()).build();
        try (RedisCheckpointStore warm = RedisCheckpointStore.builder().client(client).keyPrefix(prefix).build()) {
            Lease lease = warm.acquireLease("warm-up", "warm-up", Duration.ofSeconds(30));
            warm.renewLease(lease, Duration.ofSeconds(30));
            warm.save(Checkpoint.start(plan, Instant.now()), lease);
            warm.load("warm-up");
            warm.releaseLease(lease);
        }
    }

    @AfterAll
    static void stopClient() {
        client.shutdown();
    }

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        // Each "host" gets its own connection; both share the database and the prefix.
        return RedisCheckpointStore.builder().client(client).keyPrefix(prefix).build();
    }

    @Override
    protected Duration leaseDuration() {
        // Long enough for a loaded 2-core CI machine (1 s expired before the first save once, with a
        // load average of 18), short enough to keep the suite near 20 s.
        return Duration.ofMillis(2000);
    }

    @Override
    protected void elapse(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
