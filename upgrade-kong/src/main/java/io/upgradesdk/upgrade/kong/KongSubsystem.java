package io.upgradesdk.upgrade.kong;

import java.util.List;
import java.util.Objects;

/**
 * A named group of migrations versioned on its own: {@code core} or a plugin. The list order is the
 * order Kong runs them (its index file), not file-name order.
 *
 * @param name       {@code core} or the plugin name
 * @param migrations in run order
 */
public record KongSubsystem(String name, List<KongMigration> migrations) {

    public KongSubsystem {
        Objects.requireNonNull(name, "name");
        migrations = List.copyOf(migrations);
    }

    /** A subsystem from names and teardown flags (e.g. a host's custom plugin). */
    public static KongSubsystem of(String name, KongMigration... migrations) {
        return new KongSubsystem(name, List.of(migrations));
    }

    /** Kong's namespace: {@code kong.db.migrations.core} or {@code kong.plugins.<name>.migrations}. */
    public String namespace() {
        return "core".equals(name) ? "kong.db.migrations.core" : "kong.plugins." + name + ".migrations";
    }

    public boolean isCore() {
        return "core".equals(name);
    }

    /** The migration with this name, or null. */
    public KongMigration migration(String migrationName) {
        for (KongMigration m : migrations) {
            if (m.name().equals(migrationName)) {
                return m;
            }
        }
        return null;
    }
}
