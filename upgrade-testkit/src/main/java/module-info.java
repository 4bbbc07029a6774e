/**
 * Test kit for users' own tests: the contract suites every checkpoint store passes
 * ({@code CheckpointStoreContract}, {@code twohost.TwoHostRaceContract}) and a manual clock.
 */
module io.upgradesdk.upgrade.testkit {
    exports io.upgradesdk.upgrade.testkit;
    exports io.upgradesdk.upgrade.testkit.twohost;

    requires transitive io.upgradesdk.upgrade;
    requires transitive org.junit.jupiter.api;      // the suites are JUnit 5 classes to extend
    requires org.assertj.core;
}
