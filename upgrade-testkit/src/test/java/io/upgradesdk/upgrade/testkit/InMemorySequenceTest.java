package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;

class InMemorySequenceTest extends UpgradeSequenceContract {

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return new InMemoryCheckpointStore(clock);
    }
}
