package io.upgradesdk.upgrade.kong.schema;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import io.upgradesdk.upgrade.kong.KongMigration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One migration of a host's own schema, Kong-style: {@code up} (SQL text and/or Java) must be
 * additive so old and new code can share the database; the optional {@code teardown} is the
 * destructive part, run by {@code finish}. Both must be re-entrant. Never edit a published migration.
 *
 * <p>By default {@code up} SQL, {@code up} Java and the recording of the migration run in ONE
 * transaction (so a crash cannot leave it applied but unrecorded, unlike Kong#12978); the same for
 * teardown. Mark a migration {@link Builder#nonTransactional()} for statements PostgreSQL cannot
 * run in a transaction (e.g. {@code CREATE INDEX CONCURRENTLY}); it is then recorded after it ran,
 * as Kong does.
 */
public final class SchemaMigration {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,199}");

    private final String name;
    private final String upSql;
    private final MigrationAction up;
    private final MigrationAction teardown;
    private final boolean transactional;

    private SchemaMigration(Builder b) {
        this.name = b.name;
        this.upSql = b.upSql == null ? "" : b.upSql.trim();
        this.up = b.up;
        this.teardown = b.teardown;
        this.transactional = b.transactional;
    }

    /** A migration whose {@code up} is SQL only (no teardown). */
    public static SchemaMigration sql(String name, String upSql) {
        return builder(name).upSql(upSql).build();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The (trimmed) up SQL; empty when none. */
    public String upSql() {
        return upSql;
    }

    public MigrationAction up() {
        return up;
    }

    public MigrationAction teardown() {
        return teardown;
    }

    public boolean hasTeardown() {
        return teardown != null;
    }

    public boolean isTransactional() {
        return transactional;
    }

    /** This migration as a catalogue entry (name, teardown flag). */
    public KongMigration toKongMigration() {
        return new KongMigration(name, hasTeardown());
    }

    @Override
    public String toString() {
        return "SchemaMigration[" + name + (hasTeardown() ? ", teardown" : "") + "]";
    }

    /** Validating builder of {@link SchemaMigration}. */
    public static final class Builder {
        private final String name;
        private String upSql;
        private MigrationAction up;
        private MigrationAction teardown;
        private boolean transactional = true;

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new UpgradeException(KongErrorCode.INVALID_MIGRATION, "migration name '" + name + "' is invalid: use "
                        + "letters, digits, '_', '.', '-' (Kong's convention: NNN_<from>_to_<to>, e.g. 001_100_to_110)");
            }
            this.name = name;
        }

        /** SQL run first in the up phase (several statements allowed). */
        public Builder upSql(String sql) {
            this.upSql = Objects.requireNonNull(sql, "sql");
            return this;
        }

        /** Java run after the up SQL (Kong's {@code up_f}). */
        public Builder up(MigrationAction action) {
            this.up = Objects.requireNonNull(action, "action");
            return this;
        }

        /** The destructive part, run by {@code finish} (or right after up by {@code bootstrap}). */
        public Builder teardown(MigrationAction action) {
            this.teardown = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Run outside a transaction; recorded only afterwards (must be re-entrant). */
        public Builder nonTransactional() {
            this.transactional = false;
            return this;
        }

        public SchemaMigration build() {
            if ((upSql == null || upSql.isBlank()) && up == null && teardown == null) {
                throw new UpgradeException(KongErrorCode.INVALID_MIGRATION, "migration '" + name + "' is invalid: at "
                        + "least one of these fields must be non-empty: 'postgres.up', 'postgres.up_f', 'postgres.teardown'"
                        + " (give it upSql, up or teardown)");
            }
            return new SchemaMigration(this);
        }
    }
}
