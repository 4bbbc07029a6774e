package io.upgradesdk.upgrade.testkit.userstore;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.CheckpointStoreContract;
import io.upgradesdk.upgrade.testkit.MutableClock;

/**
 * A store written outside the SDK's packages with only its public API (root and {@code spi})
 * passes the same contract as the built-in stores: the SPI is enough to write a store.
 */
class MapCheckpointStoreContractTest extends CheckpointStoreContract {

    private final MapCheckpointStore.Shelf shelf = new MapCheckpointStore.Shelf();

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        // Two instances on one shelf, as two hosts share one database.
        return new MapCheckpointStore(shelf, clock);
    }
}
