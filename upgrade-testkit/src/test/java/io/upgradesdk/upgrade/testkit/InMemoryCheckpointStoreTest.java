package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;

class InMemoryCheckpointStoreTest extends CheckpointStoreContract {

    private InMemoryCheckpointStore shared;

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        // Both "hosts" share one in-memory store, as two threads of one JVM would.
        if (shared == null) {
            shared = new InMemoryCheckpointStore(clock);
        }
        return shared;
    }
}
