/**
 * Test helpers for users of the SDK: {@link io.upgradesdk.upgrade.testkit.CheckpointStoreContract},
 * the suite every checkpoint store passes, and {@link io.upgradesdk.upgrade.testkit.MutableClock}.
 */
package io.upgradesdk.upgrade.testkit;
