package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.kong.internal.SchemaMetaDao;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Test helper: writes {@code schema_meta} the way Kong's own commands record it (duplicates and
 * all), with no-op migration bodies, so tests get the database state of real releases.
 */
final class KongRecorder {

    private final DataSource ds;
    private final SchemaMetaDao dao;

    KongRecorder(DataSource ds, String schema) {
        this.ds = ds;
        this.dao = new SchemaMetaDao(schema, false);
    }

    /** {@code kong migrations bootstrap}: tables, then every migration up + teardown. */
    void bootstrap(List<KongSubsystem> subsystems) throws SQLException {
        try (Connection c = ds.getConnection()) {
            dao.bootstrap(c);
            for (KongSubsystem s : subsystems) {
                for (KongMigration m : s.migrations()) {
                    if (m.teardown()) {
                        dao.recordPending(c, s.name(), m.name());
                        dao.recordTeardown(c, s.name(), m.name());
                    } else {
                        dao.recordExecuted(c, s.name(), m.name());
                    }
                }
            }
        }
    }

    /** {@code kong migrations up}: the new migrations, up only. */
    void up(List<KongSubsystem> subsystems) throws SQLException {
        MigrationState state;
        try (Connection c = ds.getConnection()) {
            state = MigrationState.compute(subsystems, dao.readRows(c));
            for (SubsystemMigrations s : state.newMigrations()) {
                KongSubsystem sub = subsystems.stream().filter(x -> x.name().equals(s.subsystem())).findFirst().orElseThrow();
                for (String name : s.migrations()) {
                    if (sub.migration(name).teardown()) {
                        dao.recordPending(c, s.subsystem(), name);
                    } else {
                        dao.recordExecuted(c, s.subsystem(), name);
                    }
                }
            }
        }
    }

    /** {@code kong migrations finish}: teardown of the pending ones. */
    void finish(List<KongSubsystem> subsystems) throws SQLException {
        try (Connection c = ds.getConnection()) {
            MigrationState state = MigrationState.compute(subsystems, dao.readRows(c));
            for (SubsystemMigrations s : state.pending()) {
                for (String name : s.migrations()) {
                    dao.recordTeardown(c, s.subsystem(), name);
                }
            }
        }
    }
}
