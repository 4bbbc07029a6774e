package io.upgradesdk.upgrade.kong.internal;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock a Kong plan run holds in Kong's own PostgreSQL database, so that two runs with
 * different checkpoint stores cannot both change the same database: a session-level advisory lock
 * ({@code pg_try_advisory_lock}) on a key derived from the database name and Kong's schema, held
 * on one dedicated connection whose {@code application_name} names the holder. PostgreSQL releases
 * it when that connection ends, so a run that dies holds nothing.
 */
public final class PlanDatabaseLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlanDatabaseLock.class);
    /** The first key of the two-key advisory lock: the SDK's Kong plans ("KPLN"). */
    private static final int LOCK_CLASS = 0x4B504C4E;
    private static final String KEY = "hashtext('upgrade-sdk kong plan ' || current_database() || '/' || coalesce(?, current_schema()))";

    private final DataSource dataSource;
    private final String schema;
    private final String planId;
    private Connection held;

    public PlanDatabaseLock(DataSource dataSource, String schema, String planId) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.planId = planId;
    }

    /** Takes the lock unless this instance holds it; {@code KONG_PLAN_LOCK_HELD}, naming the holder, when another session does. */
    public synchronized void acquire() {
        if (held != null && stillConnected(held)) {
            return;
        }
        if (held != null) {
            LOG.warn("the connection holding the plan lock of '{}' ended; taking the lock again", planId);
            closeQuietly(held);
            held = null;
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (PreparedStatement name = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                name.setString(1, holderName());
                name.execute();
            }
            if (tryLock(connection)) {
                held = connection;
                return;
            }
            String holder = holder(connection);
            closeQuietly(connection);
            throw new UpgradeException(KongErrorCode.PLAN_LOCK_HELD, "another upgrade run holds the plan lock of this"
                    + " Kong database (" + holder + "); nothing was changed by this run. Wait until it ends (its"
                    + " checkpoint store is not this one's), or stop it, then run again");
        } catch (SQLException e) {
            closeQuietly(connection);
            throw DatabaseErrors.databaseError("take the plan lock", e);
        }
    }

    /** Releases the lock (ends its connection) if held. */
    public synchronized void release() {
        if (held != null) {
            try (PreparedStatement unlock = held.prepareStatement("SELECT pg_advisory_unlock(?, " + KEY + ")")) {
                unlock.setInt(1, LOCK_CLASS);
                unlock.setString(2, schema);
                unlock.execute();
                try (PreparedStatement name = held.prepareStatement("RESET application_name")) {
                    name.execute();
                }
            } catch (SQLException e) {
                LOG.debug("could not unlock the plan lock before closing its connection: {}", e.getMessage());
            }
            closeQuietly(held);
            held = null;
        }
    }

    /** True while this instance holds the lock. */
    public synchronized boolean isHeld() {
        return held != null;
    }

    @Override
    public void close() {
        release();
    }

    private static boolean stillConnected(Connection connection) {
        try {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, " + KEY + ")")) {
            lock.setInt(1, LOCK_CLASS);
            lock.setString(2, schema);
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Who holds the lock, as far as this user may see: application name, PostgreSQL pid, client, since when. */
    private String holder(Connection connection) {
        try (PreparedStatement query = connection.prepareStatement("SELECT a.application_name, a.pid, a.client_addr,"
                + " a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype ="
                + " 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = (?::int4)::oid AND l.objid = ("
                + KEY + ")::oid AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            query.setInt(1, LOCK_CLASS);
            query.setString(2, schema);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return "held by a session that just ended or that this user cannot see";
                }
                String name = rs.getString(1);
                return "held by " + (name == null || name.isBlank() ? "an unnamed session" : "'" + name + "'")
                        + ", PostgreSQL backend pid " + rs.getInt(2)
                        + (rs.getString(3) == null ? "" : " from " + rs.getString(3))
                        + (rs.getTimestamp(4) == null ? "" : " connected since " + rs.getTimestamp(4).toInstant());
            }
        } catch (SQLException e) {
            return "its holder could not be read: " + e.getMessage();
        }
    }

    private String holderName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        String name = "upgrade-sdk " + planId + " pid " + ProcessHandle.current().pid() + "@" + host;
        return name.length() <= 63 ? name : name.substring(0, 63);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the plan lock's connection failed: {}", e.getMessage());
            }
        }
    }
}
