package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import java.nio.file.Path;
import java.util.Map;

/** Opens a {@link FileCheckpointStore} on the path in {@code file}, in the test and in host JVMs. */
public final class FileHostStoreFactory implements HostStoreFactory {

    @Override
    public CheckpointStore open(Map<String, String> settings) {
        return new FileCheckpointStore(Path.of(settings.get("file")));
    }
}
