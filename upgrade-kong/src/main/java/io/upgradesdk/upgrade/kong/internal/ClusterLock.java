package io.upgradesdk.upgrade.kong.internal;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kong's {@code locks}-table mutex, with three deviations: the expiry is computed by the database
 * clock ({@code clock_timestamp() + ttl}, Kong uses the node's clock), a renewal thread extends it
 * while held (Kong has no heartbeat), and {@link #checkHeld} fences a write: it locks the row
 * {@code FOR SHARE} inside the caller's transaction, so nobody can take the lock over until that
 * transaction ends.
 */
public final class ClusterLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLock.class);

    /** The holder of a lock row. */
    public record Holder(String owner, Instant expiresAt) {
    }

    private final DataSource dataSource;
    private final SchemaMetaDao dao;
    private final String key;
    private final String owner;
    private final Duration ttl;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicReference<String> lostWhy = new AtomicReference<>();
    private ScheduledExecutorService renewer;

    public ClusterLock(DataSource dataSource, SchemaMetaDao dao, String key, String owner, Duration ttl) {
        this.dataSource = dataSource;
        this.dao = dao;
        this.key = key;
        this.owner = owner;
        this.ttl = ttl;
    }

    public String owner() {
        return owner;
    }

    /** One attempt: delete expired rows, insert ours if absent. True when we hold it. */
    public boolean tryAcquire() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String table = SchemaMetaDao.quote(dao.schema(c)) + ".locks";
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE ttl < clock_timestamp()")) {
                    ps.executeUpdate();
                }
                int inserted;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (key, owner, ttl) VALUES (?, ?, "
                        + "clock_timestamp() + ? * INTERVAL '1 millisecond') ON CONFLICT DO NOTHING")) {
                    ps.setString(1, key);
                    ps.setString(2, owner);
                    ps.setLong(3, ttl.toMillis());
                    inserted = ps.executeUpdate();
                }
                c.commit();
                return inserted == 1;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The current (unexpired) holder, or null. */
    public Holder holder() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT owner, ttl FROM " + SchemaMetaDao.quote(dao.schema(c)) + ".locks WHERE key = ? AND ttl >= clock_timestamp()")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Holder(rs.getString(1), rs.getTimestamp(2).toInstant()) : null;
            }
        }
    }

    /** Starts extending the expiry every {@code every} until {@link #close()}. */
    public void startRenewal(Duration every) {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kong-lock-renewal-" + owner);
            t.setDaemon(true);
            return t;
        });
        renewer.scheduleWithFixedDelay(this::renewOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Extends the expiry by the ttl from now (database clock); marks the lock lost when our row is gone. */
    public void renewOnce() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + SchemaMetaDao.quote(dao.schema(c)) + ".locks SET ttl = clock_timestamp() + ? * INTERVAL "
                        + "'1 millisecond' WHERE key = ? AND owner = ?")) {
            ps.setLong(1, ttl.toMillis());
            ps.setString(2, key);
            ps.setString(3, owner);
            if (ps.executeUpdate() != 1) {
                markLost("the lock row was deleted or taken over");
            }
        } catch (SQLException e) {
            LOG.warn("could not renew the '{}' lock: {}", key, e.getMessage());
        }
    }

    private void markLost(String why) {
        if (lost.compareAndSet(false, true)) {
            lostWhy.set(why);
            LOG.warn("lost the '{}' lock held by {}: {}", key, owner, why);
        }
    }

    /**
     * Fencing: inside the caller's transaction, checks we still hold an unexpired lock and locks its
     * row until the transaction ends; {@code LOCK_LOST} otherwise.
     */
    public void checkHeld(Connection c) throws SQLException {
        if (!lost.get()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + SchemaMetaDao.quote(dao.schema(c))
                    + ".locks WHERE key = ? AND owner = ? AND ttl > clock_timestamp() FOR SHARE")) {
                ps.setString(1, key);
                ps.setString(2, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            markLost("the lock expired or was taken over");
        }
        throw lostError();
    }

    /** True once the renewal or a fenced write found the lock gone. */
    public boolean isLost() {
        return lost.get();
    }

    /** Marks the lock lost (a fenced write found it gone) and returns the {@code LOCK_LOST} error to throw. */
    public UpgradeException fenceFailed() {
        markLost("the lock expired or was taken over");
        return lostError();
    }

    private UpgradeException lostError() {
        return new UpgradeException(KongErrorCode.LOCK_LOST, "this run (node " + owner + ") lost the '" + key + "' lock ("
                + lostWhy.get() + ") and did not record its last migration; another node may be migrating. Check "
                + "'list'/'status', then run again (migrations are re-entrant); raise the lock timeout if runs are slow");
    }

    /** Deletes our row (only ours) and stops the renewal. */
    public void release() {
        stopRenewal();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM " + SchemaMetaDao.quote(dao.schema(c)) + ".locks WHERE key = ? AND owner = ?")) {
            ps.setString(1, key);
            ps.setString(2, owner);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("could not release the '{}' lock (it expires by itself): {}", key, e.getMessage());
        }
    }

    public void stopRenewal() {
        if (renewer != null) {
            renewer.shutdownNow();
            try {
                renewer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            renewer = null;
        }
    }

    @Override
    public void close() {
        stopRenewal();
    }
}
