/**
 * A host application's module: it reads the SDK's modules by their names, exactly as a modular
 * host would. Compiling and testing it proves the published module descriptors work on the module
 * path (the SDK's own tests run on the class path).
 */
module io.upgradesdk.consumercheck {
    requires io.upgradesdk.upgrade;
    requires io.upgradesdk.upgrade.store.redis;
    requires io.upgradesdk.upgrade.store.jdbc;
    requires io.upgradesdk.upgrade.elasticsearch;
    requires io.upgradesdk.upgrade.kuzzle;
    requires io.upgradesdk.upgrade.kong;
    requires io.upgradesdk.upgrade.micrometer;
    requires io.upgradesdk.upgrade.opentelemetry;

    exports io.upgradesdk.consumercheck;
}
