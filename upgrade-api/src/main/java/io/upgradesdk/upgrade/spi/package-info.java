/**
 * Service-provider interface for those who extend the SDK: what a
 * {@link io.upgradesdk.upgrade.CheckpointStore} of your own (or a step library) needs beyond the
 * root package, with the same guarantees as the built-in stores.
 *
 * <ul>
 *   <li>{@link io.upgradesdk.upgrade.spi.LeaseRules}: the lease and fencing rules of the store
 *       contract, and the {@code LOCK_HELD} / {@code LEASE_LOST} errors;</li>
 *   <li>{@link io.upgradesdk.upgrade.spi.Check}: argument, plan-id and step-id checks throwing
 *       {@link io.upgradesdk.upgrade.UpgradeException}s with the SDK's error codes;</li>
 *   <li>{@link io.upgradesdk.upgrade.spi.ProcessRunner}: the one way a step library runs an
 *       external command (timeout killing the process tree, bounded output, secrets only in the
 *       environment), shared by the product modules, which may not use each other's internals;</li>
 *   <li>{@link io.upgradesdk.upgrade.spi.ForwardingCheckpointStore}: the base of store decorators
 *       (fault injection, counting, recording), forwarding every store method to a delegate.</li>
 * </ul>
 *
 * <p>A store proves itself by extending {@code CheckpointStoreContract} (and, when several hosts
 * share it, {@code TwoHostRaceContract}) from {@code upgrade-testkit}. Every built-in store uses
 * only this package and the root package of {@code upgrade-api}. This package is public API:
 * it changes only as the root package does.
 */
package io.upgradesdk.upgrade.spi;
