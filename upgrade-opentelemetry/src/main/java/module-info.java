/**
 * OpenTelemetry traces of upgrade runs:
 * {@link io.upgradesdk.upgrade.opentelemetry.OpenTelemetryUpgradeListener}. Only the root package
 * is exported.
 */
module io.upgradesdk.upgrade.opentelemetry {
    exports io.upgradesdk.upgrade.opentelemetry;

    requires transitive io.upgradesdk.upgrade;
    requires transitive io.opentelemetry.api;       // the builder takes an OpenTelemetry or a Tracer
    requires io.opentelemetry.context;
}
