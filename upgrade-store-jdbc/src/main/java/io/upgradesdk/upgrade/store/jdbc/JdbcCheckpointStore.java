package io.upgradesdk.upgrade.store.jdbc;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.spi.LeaseRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link CheckpointStore} in two tables of a relational database reached through a plain
 * {@link DataSource} (bring your own driver and pool). Checkpoints are stored in the SDK's one
 * serial form ({@link Checkpoint#toJson()}).
 *
 * <p><b>Lease.</b> One row per plan holds the holder, the fencing token and the expiry. Every lease
 * operation and every save runs in one transaction that locks that row ({@code SELECT ... FOR
 * UPDATE}) and takes "now" from the <em>database</em> clock, so hosts with skewed clocks agree on
 * expiry; the token only grows (the row is kept, with a NULL owner, after a release).
 *
 * <p><b>Tables</b> (created on first use unless {@link Builder#createTables(boolean)} is false;
 * {@code upgrade_} is the default prefix). The DDL, for PostgreSQL:
 * <pre>
 * CREATE TABLE IF NOT EXISTS upgrade_checkpoints (
 *   plan_id    VARCHAR(255) PRIMARY KEY,
 *   body       TEXT NOT NULL,                       -- Checkpoint.toJson()
 *   revision   BIGINT NOT NULL,
 *   updated_at TIMESTAMP WITH TIME ZONE NOT NULL);  -- database clock
 * CREATE TABLE IF NOT EXISTS upgrade_leases (
 *   plan_id    VARCHAR(255) PRIMARY KEY,
 *   owner      VARCHAR(255),                        -- NULL: not held
 *   token      BIGINT NOT NULL,                     -- last fencing token issued
 *   expires_at TIMESTAMP WITH TIME ZONE);
 * </pre>
 * On other databases create equivalent tables yourself (e.g. {@code CLOB} for {@code body}) and
 * disable {@code createTables}.
 *
 * <p><b>Timeouts.</b> Each statement is cancelled by the database after the
 * {@linkplain Builder#queryTimeout(Duration) query timeout} (30 s by default), so that a lock held
 * by a stuck session cannot hang a run; a database that stops answering altogether is bounded only
 * by the driver's socket timeout, which the host sets on its {@code DataSource}.
 *
 * <pre>{@code
 * CheckpointStore store = JdbcCheckpointStore.builder(dataSource).build();
 * }</pre>
 */
public final class JdbcCheckpointStore implements CheckpointStore {

    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,40}");
    /** SQLState of a statement cancelled, by its query timeout among others (PostgreSQL {@code query_canceled}). */
    private static final String QUERY_CANCELED = "57014";

    private final DataSource dataSource;
    private final String checkpoints;
    private final String leases;
    private final boolean createTables;
    private final Duration queryTimeout;
    private volatile boolean tablesReady;
    private volatile String nowExpression;

    private JdbcCheckpointStore(Builder b) {
        this.dataSource = b.dataSource;
        this.checkpoints = b.tablePrefix + "checkpoints";
        this.leases = b.tablePrefix + "leases";
        this.createTables = b.createTables;
        this.queryTimeout = b.queryTimeout;
    }

    /** A builder over {@code dataSource} (required). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The checkpoints table's name. */
    public String checkpointsTable() {
        return checkpoints;
    }

    /** The leases table's name. */
    public String leasesTable() {
        return leases;
    }

    /** How long one statement may take before the database cancels it. */
    public Duration queryTimeout() {
        return queryTimeout;
    }

    @Override
    public Optional<Checkpoint> load(String planId) {
        return call("load the checkpoint of plan '" + planId + "'", c -> {
            try (PreparedStatement ps = prepare(c, "SELECT body FROM " + checkpoints + " WHERE plan_id = ?")) {
                ps.setString(1, planId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Checkpoint.fromJson(rs.getString(1), "jdbc:" + checkpoints + "/" + planId))
                            : Optional.<Checkpoint>empty();
                }
            }
        });
    }

    @Override
    public void save(Checkpoint checkpoint, Lease lease) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(lease, "lease");
        inTransaction("save the checkpoint of plan '" + checkpoint.planId() + "'", c -> {
            LeaseRow row = lockRow(c, checkpoint.planId(), false);
            LeaseRules.checkWritable(row == null ? null : row.current(), lease, row == null ? now(c) : row.now);
            String body = checkpoint.toJson();
            Timestamp now = Timestamp.from(row.now);
            try (PreparedStatement ps = prepare(c,
                    "UPDATE " + checkpoints + " SET body = ?, revision = ?, updated_at = ? WHERE plan_id = ?")) {
                ps.setString(1, body);
                ps.setLong(2, checkpoint.revision());
                ps.setTimestamp(3, now);
                ps.setString(4, checkpoint.planId());
                if (ps.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement ps = prepare(c,
                    "INSERT INTO " + checkpoints + " (plan_id, body, revision, updated_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, checkpoint.planId());
                ps.setString(2, body);
                ps.setLong(3, checkpoint.revision());
                ps.setTimestamp(4, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Lease acquireLease(String planId, String owner, Duration duration) {
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(owner, "owner");
        LeaseRules.checkDuration(duration);
        return inTransaction("acquire the lease of plan '" + planId + "'", c -> {
            LeaseRow row = lockRow(c, planId, true);
            Lease lease = LeaseRules.acquire(row.current(), row.token, planId, owner, duration, row.now);
            writeLease(c, lease);
            return lease;
        });
    }

    @Override
    public Lease renewLease(Lease lease, Duration duration) {
        Objects.requireNonNull(lease, "lease");
        LeaseRules.checkDuration(duration);
        return inTransaction("renew the lease of plan '" + lease.planId() + "'", c -> {
            LeaseRow row = lockRow(c, lease.planId(), false);
            Lease renewed = LeaseRules.renew(row == null ? null : row.current(), lease, duration,
                    row == null ? Instant.EPOCH : row.now);
            writeLease(c, renewed);
            return renewed;
        });
    }

    @Override
    public void releaseLease(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        inTransaction("release the lease of plan '" + lease.planId() + "'", c -> {
            LeaseRow row = lockRow(c, lease.planId(), false);
            if (row != null && row.current() != null && row.current().sameAcquisition(lease)) {
                clearLease(c, lease.planId());
            }
            return null;
        });
    }

    @Override
    public Optional<Lease> currentLease(String planId) {
        return call("read the lease of plan '" + planId + "'", c -> {
            try (PreparedStatement ps = prepare(c,
                    "SELECT owner, token, expires_at FROM " + leases + " WHERE plan_id = ?")) {
                ps.setString(1, planId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getString(1) == null) {
                        return Optional.<Lease>empty();
                    }
                    return Optional.of(new Lease(planId, rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant()));
                }
            }
        });
    }

    @Override
    public void forceReleaseLease(String planId) {
        inTransaction("force-release the lease of plan '" + planId + "'", c -> {
            clearLease(c, planId);
            return null;
        });
    }

    // --------------------------------------------------------------------------------------------

    private static final class LeaseRow {
        final String planId;
        final String owner;
        final long token;
        final Instant expiresAt;
        final Instant now;

        LeaseRow(String planId, String owner, long token, Instant expiresAt, Instant now) {
            this.planId = planId;
            this.owner = owner;
            this.token = token;
            this.expiresAt = expiresAt;
            this.now = now;
        }

        Lease current() {
            return owner == null ? null : new Lease(planId, owner, token, expiresAt);
        }
    }

    /** Locks the plan's lease row (creating it first when {@code create}); null if absent. */
    private LeaseRow lockRow(Connection c, String planId, boolean create) throws SQLException {
        if (create) {
            try (PreparedStatement ps = prepare(c, "INSERT INTO " + leases + " (plan_id, owner, token, expires_at) "
                    + "SELECT ?, NULL, 0, NULL WHERE NOT EXISTS (SELECT 1 FROM " + leases + " WHERE plan_id = ?)")) {
                ps.setString(1, planId);
                ps.setString(2, planId);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                }
                // a concurrent acquirer inserted it first: start over on a clean transaction
                c.rollback();
            }
        }
        try (PreparedStatement ps = prepare(c,
                "SELECT owner, token, expires_at FROM " + leases + " WHERE plan_id = ? FOR UPDATE")) {
            ps.setString(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Timestamp expires = rs.getTimestamp(3);
                return new LeaseRow(planId, rs.getString(1), rs.getLong(2), expires == null ? null : expires.toInstant(),
                        now(c));
            }
        }
    }

    private void writeLease(Connection c, Lease lease) throws SQLException {
        try (PreparedStatement ps = prepare(c,
                "UPDATE " + leases + " SET owner = ?, token = ?, expires_at = ? WHERE plan_id = ?")) {
            ps.setString(1, lease.owner());
            ps.setLong(2, lease.token());
            ps.setTimestamp(3, Timestamp.from(lease.expiresAt()));
            ps.setString(4, lease.planId());
            ps.executeUpdate();
        }
    }

    private void clearLease(Connection c, String planId) throws SQLException {
        try (PreparedStatement ps = prepare(c,
                "UPDATE " + leases + " SET owner = NULL, expires_at = NULL WHERE plan_id = ?")) {
            ps.setString(1, planId);
            ps.executeUpdate();
        }
    }

    /** The database's current time (PostgreSQL: {@code clock_timestamp()}, else {@code CURRENT_TIMESTAMP}). */
    private Instant now(Connection c) throws SQLException {
        if (nowExpression == null) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            nowExpression = product.contains("postgres") ? "clock_timestamp()" : "CURRENT_TIMESTAMP";
        }
        try (Statement st = statement(c); ResultSet rs = st.executeQuery("SELECT " + nowExpression)) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        return timed(c.prepareStatement(sql));
    }

    private Statement statement(Connection c) throws SQLException {
        return timed(c.createStatement());
    }

    /** {@code statement}, cancelled by the database after the query timeout (a lock wait, an overloaded server). */
    private <S extends Statement> S timed(S statement) throws SQLException {
        statement.setQueryTimeout((int) queryTimeout.toSeconds());
        return statement;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T call(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            ensureTables(c);
            return work.run(c);
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            ensureTables(c);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private void ensureTables(Connection c) throws SQLException {
        if (tablesReady || !createTables) {
            return;
        }
        synchronized (this) {
            if (tablesReady) {
                return;
            }
            try (Statement st = statement(c)) {
                st.execute("CREATE TABLE IF NOT EXISTS " + checkpoints + " (plan_id VARCHAR(255) PRIMARY KEY, "
                        + "body TEXT NOT NULL, revision BIGINT NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                st.execute("CREATE TABLE IF NOT EXISTS " + leases + " (plan_id VARCHAR(255) PRIMARY KEY, "
                        + "owner VARCHAR(255), token BIGINT NOT NULL, expires_at TIMESTAMP WITH TIME ZONE)");
            } catch (SQLException e) {
                // two hosts creating at once: PostgreSQL may report a duplicate type/table; re-check
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23") && !"42P07".equals(e.getSQLState())) {
                    throw e;
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            tablesReady = true;
        }
    }

    private UpgradeException unavailable(String what, SQLException e) {
        if (QUERY_CANCELED.equals(e.getSQLState())) {
            return new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "JDBC checkpoint store could not " + what
                    + ": the database did not answer within the query timeout of " + queryTimeout.toSeconds()
                    + " s (tables " + checkpoints + ", " + leases + "). Another session may hold a lock on a row of "
                    + leases + " (look for it in pg_stat_activity and end it), or the database is overloaded; if it"
                    + " is only slow, raise JdbcCheckpointStore.builder(...).queryTimeout(...)", e);
        }
        return new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "JDBC checkpoint store could not " + what
                + " (tables " + checkpoints + ", " + leases + "): " + e.getMessage() + " [SQLState " + e.getSQLState()
                + "]. Check that the database is reachable and the user may create/read/write these tables", e);
    }

    /** Validating builder of {@link JdbcCheckpointStore}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = "upgrade_";
        private boolean createTables = true;
        private Duration queryTimeout = Duration.ofSeconds(30);

        private Builder(DataSource dataSource) {
            if (dataSource == null) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                        "JdbcCheckpointStore needs a DataSource; pass your pool or driver's DataSource");
            }
            this.dataSource = dataSource;
        }

        /** Table-name prefix (lower-case letters, digits, {@code _}; may include no schema). Default {@code upgrade_}. */
        public Builder tablePrefix(String prefix) {
            if (prefix == null || !PREFIX.matcher(prefix).matches()) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "table prefix '" + prefix
                        + "' is invalid: use 1-41 characters among a-z, 0-9 and _, starting with a letter or _");
            }
            this.tablePrefix = prefix;
            return this;
        }

        /** Whether to create the tables on first use (default true). */
        public Builder createTables(boolean create) {
            this.createTables = create;
            return this;
        }

        /**
         * How long one statement may take before the database cancels it and the operation fails
         * with {@code STORE_UNAVAILABLE} (default 30 s; whole seconds, at least 1): a row lock held by
         * a stuck session or an overloaded server cannot hang a run. It is no socket timeout: for a
         * database that stops answering at all (a network partition), give your driver one too
         * (PostgreSQL JDBC: {@code socketTimeout}), longer than this.
         */
        public Builder queryTimeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.toMillis() % 1000 != 0
                    || timeout.toSeconds() > Integer.MAX_VALUE) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "query timeout " + timeout
                        + " is invalid: give whole seconds, at least 1 (JDBC counts statement timeouts in seconds)");
            }
            this.queryTimeout = timeout;
            return this;
        }

        /** The store. */
        public JdbcCheckpointStore build() {
            return new JdbcCheckpointStore(this);
        }
    }
}
