/**
 * The upgrade SDK's plan engine.
 *
 * <p>Write {@link io.upgradesdk.upgrade.UpgradeStep}s, compose them into an immutable
 * {@link io.upgradesdk.upgrade.UpgradePlan}, and run it with an
 * {@link io.upgradesdk.upgrade.UpgradeRunner} against a
 * {@link io.upgradesdk.upgrade.CheckpointStore} ({@link io.upgradesdk.upgrade.FileCheckpointStore}
 * by default, {@link io.upgradesdk.upgrade.InMemoryCheckpointStore} in tests). Failures are
 * {@link io.upgradesdk.upgrade.UpgradeException}s with a stable
 * {@link io.upgradesdk.upgrade.ErrorCode}; progress is published as typed
 * {@link io.upgradesdk.upgrade.UpgradeEvent}s.
 *
 * <p>Those who write a store of their own find the lease rules and argument checks the built-in
 * stores use in {@link io.upgradesdk.upgrade.spi}. Everything under
 * {@code io.upgradesdk.upgrade.internal} is implementation, not exported, and may change in any
 * release.
 */
package io.upgradesdk.upgrade;
