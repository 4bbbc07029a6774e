package io.upgradesdk.upgrade.store.redis;

import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import java.time.Duration;
import java.util.Map;

/** Opens a {@link RedisCheckpointStore} from {@code uri} and {@code prefix}, in the test and in host JVMs. */
public final class RedisHostStoreFactory implements HostStoreFactory {

    @Override
    public CheckpointStore open(Map<String, String> settings) {
        RedisURI uri = RedisURI.create(settings.get("uri"));
        uri.setTimeout(Duration.ofSeconds(10));
        return RedisCheckpointStore.builder().uri(uri).keyPrefix(settings.get("prefix")).build();
    }
}
