/**
 * Micrometer metrics for upgrade runs: {@link io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener}.
 * Only the root package is exported.
 */
module io.upgradesdk.upgrade.micrometer {
    exports io.upgradesdk.upgrade.micrometer;

    requires transitive io.upgradesdk.upgrade;
    requires transitive micrometer.core;            // the builder takes a MeterRegistry and Tags
}
