package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import java.util.Map;

/** Opens an {@link ElasticsearchCheckpointStore} from {@code url} and {@code index}, in the test and in host JVMs. */
public final class ElasticsearchHostStoreFactory implements HostStoreFactory {

    @Override
    public CheckpointStore open(Map<String, String> settings) {
        return ElasticsearchCheckpointStore.builder(ElasticsearchEndpoint.of(settings.get("url")))
                .index(settings.get("index")).build();
    }
}
