/**
 * Traces of upgrade runs in OpenTelemetry:
 * {@link io.upgradesdk.upgrade.opentelemetry.OpenTelemetryUpgradeListener}, an
 * {@link io.upgradesdk.upgrade.UpgradeListener} to add to the runner.
 */
package io.upgradesdk.upgrade.opentelemetry;
