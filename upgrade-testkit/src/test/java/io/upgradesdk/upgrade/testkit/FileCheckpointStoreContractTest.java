package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreContractTest extends CheckpointStoreContract {

    @TempDir
    Path directory;

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        // Two instances on one file, as two processes would share it.
        return new FileCheckpointStore(directory.resolve("upgrade.checkpoint.json"), clock);
    }
}
