/**
 * Metrics of upgrade runs in a Micrometer {@code MeterRegistry}:
 * {@link io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener}, an
 * {@link io.upgradesdk.upgrade.UpgradeListener} to add to the runner.
 */
package io.upgradesdk.upgrade.micrometer;
