package io.upgradesdk.upgrade.kong.schema;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import io.upgradesdk.upgrade.kong.KongSubsystem;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named, ordered list of {@link SchemaMigration}s versioned on its own (Kong's subsystem). The
 * list is the index: its order is the run order, and it only ever grows at the end.
 *
 * @param name       e.g. {@code core}, or a module of the host
 * @param migrations in run order, unique names
 */
public record SchemaSubsystem(String name, List<SchemaMigration> migrations) {

    public SchemaSubsystem {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new UpgradeException(KongErrorCode.INVALID_MIGRATION, "a subsystem needs a non-blank name");
        }
        migrations = List.copyOf(migrations);
        Set<String> seen = new HashSet<>();
        for (SchemaMigration m : migrations) {
            if (!seen.add(m.name())) {
                throw new UpgradeException(KongErrorCode.INVALID_MIGRATION, "migration '" + m.name() + "' appears twice in"
                        + " subsystem '" + name + "'; give each migration a unique name");
            }
        }
    }

    public static SchemaSubsystem of(String name, SchemaMigration... migrations) {
        return new SchemaSubsystem(name, List.of(migrations));
    }

    /** The migration with this name, or null. */
    public SchemaMigration migration(String migrationName) {
        return migrations.stream().filter(m -> m.name().equals(migrationName)).findFirst().orElse(null);
    }

    /** As a catalogue subsystem (names and teardown flags), for state computation. */
    public KongSubsystem toKongSubsystem() {
        return new KongSubsystem(name, migrations.stream().map(SchemaMigration::toKongMigration).toList());
    }
}
