/**
 * Test helpers for users of the SDK. Plan authors start at
 * {@link io.upgradesdk.upgrade.testkit.UpgradeTestKit}: a runner preset
 * ({@link io.upgradesdk.upgrade.testkit.UpgradeTestRunner}), AssertJ assertions
 * ({@link io.upgradesdk.upgrade.testkit.UpgradeAssertions}), stored states on demand
 * ({@link io.upgradesdk.upgrade.testkit.PlanState}), in-process crashes
 * ({@link io.upgradesdk.upgrade.testkit.CrashPoint}), SIGKILL trials in child JVMs
 * ({@link io.upgradesdk.upgrade.testkit.KillHarness}) and a JUnit 5 extension
 * ({@link io.upgradesdk.upgrade.testkit.UpgradeTestExtension}). Store authors use
 * {@link io.upgradesdk.upgrade.testkit.CheckpointStoreContract}, the suite every checkpoint
 * store passes. Nothing here uses an internal package of another module.
 */
package io.upgradesdk.upgrade.testkit;
