package io.upgradesdk.upgrade.testkit.twohost;

import io.upgradesdk.upgrade.CheckpointStore;
import java.util.Map;

/**
 * Opens a shared {@link CheckpointStore} from plain string settings, in the test JVM and in each
 * host JVM {@link TwoHostRaceContract} spawns. Implementations need a public no-arg constructor.
 */
public interface HostStoreFactory {

    /** A new store instance on the shared backing storage described by {@code settings}. */
    CheckpointStore open(Map<String, String> settings) throws Exception;
}
