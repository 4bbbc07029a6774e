package io.upgradesdk.upgrade.kong;

import java.util.List;
import java.util.Objects;

/**
 * The migrations of one subsystem in one state category (executed, pending, missing or new), in the
 * subsystem's run order. Mirrors Kong's {@code {subsystem, namespace, migrations}} entries.
 *
 * @param subsystem  {@code core} or a plugin
 * @param namespace  Kong's module namespace ({@code kong.db.migrations.core}, ...)
 * @param migrations names, non-empty
 */
public record SubsystemMigrations(String subsystem, String namespace, List<String> migrations) {
    public SubsystemMigrations {
        Objects.requireNonNull(subsystem, "subsystem");
        Objects.requireNonNull(namespace, "namespace");
        migrations = List.copyOf(migrations);
    }
}
