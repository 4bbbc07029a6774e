/**
 * Implementation of the Kong module; not exported, free to change. One internal package serves both
 * public packages, because they read and write the same tables: {@code SchemaMetaDao} (Kong's
 * {@code schema_meta} and {@code locks} layout, used by {@code KongDatabase} and the schema engine),
 * {@code ClusterLock} (the schema engine's renewed, fenced {@code migrations} lock),
 * {@code DatabaseErrors} (the one wording of a failed database access) and {@code KongUpgradeSteps}
 * (the steps of a Kong upgrade plan built by {@code KongUpgrade}).
 */
package io.upgradesdk.upgrade.kong.internal;
