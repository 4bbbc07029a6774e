package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.StepContext;

/**
 * Dual-cluster upgrades: fills the NEW cluster's database from the backup of the old one (e.g.
 * {@code pg_restore --clean} into a fresh database). Must be idempotent.
 */
@FunctionalInterface
public interface KongRestore {
    void restore(StepContext context) throws Exception;
}
