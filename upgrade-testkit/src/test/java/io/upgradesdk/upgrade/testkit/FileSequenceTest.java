package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileSequenceTest extends UpgradeSequenceContract {

    @TempDir
    Path directory;

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return new FileCheckpointStore(directory.resolve("upgrade.checkpoint.json"), clock);
    }
}
