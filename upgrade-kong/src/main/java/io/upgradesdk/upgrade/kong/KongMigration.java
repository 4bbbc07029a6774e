package io.upgradesdk.upgrade.kong;

import java.util.Objects;

/**
 * One migration of a Kong release as the catalogue lists it.
 *
 * @param name     e.g. {@code 016_280_to_300}
 * @param teardown whether it has a PostgreSQL teardown (run by {@code kong migrations finish}), so
 *                 {@code up} records it as pending
 */
public record KongMigration(String name, boolean teardown) {
    public KongMigration {
        Objects.requireNonNull(name, "name");
    }
}
