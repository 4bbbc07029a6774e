package io.upgradesdk.upgrade.kong.schema;

import static io.upgradesdk.upgrade.kong.internal.DatabaseErrors.databaseError;

import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.CommandOutput;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import io.upgradesdk.upgrade.kong.KongSubsystem;
import io.upgradesdk.upgrade.kong.MigrationState;
import io.upgradesdk.upgrade.kong.SubsystemMigrations;
import io.upgradesdk.upgrade.kong.internal.ClusterLock;
import io.upgradesdk.upgrade.kong.internal.SchemaMetaDao;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kong-style expand/contract migration engine for the host's own PostgreSQL schema: subsystems of
 * {@link SchemaMigration}s, the commands {@code bootstrap | up | finish | list | status | reset}
 * with {@code force}, and state kept in Kong's {@code schema_meta} / {@code locks} layout (so
 * {@link io.upgradesdk.upgrade.kong.KongDatabase} and Kong-aware tooling read it). Messages follow Kong's.
 *
 * <p><b>Deviations from Kong</b> (each fixes a defect from Kong's issues; each is tested):
 * <ol>
 *   <li>a migration's {@code up} and its recording run in ONE transaction (teardown too), so a crash
 *       between them cannot leave it applied but unrecorded (Kong#12978); opt out per migration
 *       with {@link SchemaMigration.Builder#nonTransactional()};</li>
 *   <li>the lock expiry comes from the database clock, not the node's;</li>
 *   <li>the lock is renewed while held (every {@code lockTimeout/3}), so long migrations keep it;</li>
 *   <li>fencing: the recording statement itself writes only if this run still holds the unexpired
 *       lock (pinning the lock row {@code FOR SHARE} until commit); a run that lost it rolls the
 *       migration back with {@code KONG_LOCK_LOST};</li>
 *   <li>{@code executed} (and {@code pending}) stay sets: {@code force} re-runs do not append
 *       duplicates;</li>
 *   <li>another node holding the lock is a distinct failure ({@code KONG_LOCK_HELD}, naming the
 *       holder), never a silent exit 0; {@code up} waits up to {@code lockWait} and then re-reads
 *       the state instead of aborting;</li>
 *   <li>a database that records migrations this code does not know is refused
 *       ({@code KONG_DATABASE_NEWER_THAN_CODE}) unless {@link Builder#allowUnknownMigrations};</li>
 *   <li>{@code bootstrap} re-reads the state inside the lock.</li>
 * </ol>
 * Migration SQL runs with {@code search_path} set to the schema.
 */
public final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final String LOCK_KEY = "migrations";

    private final DataSource dataSource;
    private final String schema;
    private final List<SchemaSubsystem> subsystems;
    private final List<KongSubsystem> kongSubsystems;
    private final Duration lockTimeout;
    private final Duration lockWait;
    private final Duration renewEvery;
    private final String owner;
    private final Sleeper sleeper;
    private final boolean allowUnknown;
    private final String codeVersion;
    private final Consumer<String> output;
    private volatile SchemaMetaDao dao;

    private SchemaMigrator(Builder b) {
        this.dataSource = b.dataSource;
        this.schema = b.schema;
        this.subsystems = List.copyOf(b.subsystems.values());
        this.kongSubsystems = subsystems.stream().map(SchemaSubsystem::toKongSubsystem).toList();
        this.lockTimeout = b.lockTimeout;
        this.lockWait = b.lockWait == null ? b.lockTimeout : b.lockWait;
        this.renewEvery = b.renewEvery == null ? b.lockTimeout.dividedBy(3) : b.renewEvery;
        this.owner = b.owner == null ? UUID.randomUUID().toString() : b.owner;
        this.sleeper = b.sleeper;
        this.allowUnknown = b.allowUnknown;
        this.codeVersion = b.codeVersion;
        this.output = b.output;
        this.dao = schema == null ? null : new SchemaMetaDao(schema, true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The declared subsystems, in run order. */
    public List<SchemaSubsystem> subsystems() {
        return subsystems;
    }

    /** The node id this migrator writes into the {@code locks} table. */
    public String owner() {
        return owner;
    }

    // ------------------------------------------------------------------ read-only commands

    /** The current state (Kong's §4 algorithm over the declared subsystems). */
    public MigrationState status() {
        try (Connection c = dataSource.getConnection()) {
            return MigrationState.compute(kongSubsystems, dao().readRows(c));
        } catch (SQLException e) {
            throw databaseError("read schema_meta", e);
        }
    }

    /** {@code list}: Kong's text and exit code (0 up to date, 3 needs bootstrap, 4 pending, 5 new). */
    public CommandOutput list() {
        return status().listOutput(codeVersion);
    }

    // ------------------------------------------------------------------ bootstrap

    /** {@code bootstrap}: creates the tables and runs every migration (up + teardown). */
    public MigrationRun bootstrap() {
        return bootstrap(false);
    }

    /** {@code bootstrap --force}: reset first, then bootstrap. */
    public MigrationRun bootstrap(boolean force) {
        Run run = new Run("bootstrap");
        if (force) {
            try {
                run.out.append(reset().output());
            } catch (UpgradeException e) {
                LOG.debug("reset before forced bootstrap: {}", e.getMessage());
            }
        }
        if (!status().needsBootstrap()) {
            run.say("Database already bootstrapped");
            return run.done(0, status());
        }
        run.say("Bootstrapping database...");
        try (Connection c = dataSource.getConnection()) {
            dao().bootstrap(c);
        } catch (SQLException e) {
            throw databaseError("create schema_meta and locks", e);
        }
        withLock(Duration.ZERO, lock -> {
            MigrationState state = status();
            runMigrations(run, lock, state.newMigrations(), Phase.UP_AND_TEARDOWN);
            run.say("Database is up-to-date");
        });
        return run.done(0, status());
    }

    // ------------------------------------------------------------------ up

    /** {@code up}: runs the new migrations' up parts (those with a teardown become pending). */
    public MigrationRun up() {
        return up(false);
    }

    /**
     * {@code up --force}: first re-runs every executed migration (up + teardown), then, if nothing
     * is pending, the new ones.
     */
    public MigrationRun up(boolean force) {
        Run run = new Run("up");
        MigrationState state = checkRunnable("run migrations");
        if (state.hasPending() && !force) {
            throw pendingError();
        }
        withLock(lockWait, lock -> {
            MigrationState inside = checkRunnable("run migrations");
            if (inside.hasPending() && !force) {
                throw pendingError();
            }
            if (force && !inside.executed().isEmpty()) {
                LOG.debug("forcing re-execution of these migrations:\n{}", MigrationState.render(inside.executed()));
                runMigrations(run, lock, inside.executed(), Phase.UP_AND_TEARDOWN);
                inside = status();
                if (inside.hasPending()) {
                    run.say("\nDatabase has pending migrations; run 'kong migrations finish' when ready");
                    return;
                }
            }
            if (!inside.hasNew()) {
                if (!force) {
                    run.say("Database is already up-to-date");
                }
                return;
            }
            runMigrations(run, lock, inside.newMigrations(), Phase.UP);
            if (status().hasPending()) {
                run.say("\nDatabase has pending migrations; run 'kong migrations finish' when ready");
            }
        });
        return run.done(0, status());
    }

    // ------------------------------------------------------------------ finish

    /** {@code finish}: runs the teardown of the pending migrations (the point of no return). */
    public MigrationRun finish() {
        return finish(false);
    }

    /** {@code finish --force}: re-runs every executed migration first, then finishes the pending ones. */
    public MigrationRun finish(boolean force) {
        Run run = new Run("finish");
        checkRunnable("run migrations");
        withLock(Duration.ZERO, lock -> {
            MigrationState inside = checkRunnable("run migrations");
            if (force && !inside.executed().isEmpty()) {
                runMigrations(run, lock, inside.executed(), Phase.UP_AND_TEARDOWN);
                inside = status();
            }
            boolean hadPending = inside.hasPending();
            if (hadPending) {
                LOG.debug("pending migrations to finish:\n{}", MigrationState.render(inside.pending()));
                runMigrations(run, lock, inside.pending(), Phase.TEARDOWN);
                inside = status();
            }
            if (inside.hasNew()) {
                run.say("\nNew migrations available; run 'kong migrations up' to proceed");
                return;
            }
            if (!force && !hadPending) {
                run.say("No pending migrations to finish");
            }
        });
        return run.done(0, status());
    }

    // ------------------------------------------------------------------ reset

    /**
     * {@code reset}: drops the whole schema ({@code CASCADE}) and recreates it empty. Irreversible:
     * callers must have the operator's confirmation. {@code KONG_NOTHING_TO_RESET} when not bootstrapped.
     */
    public MigrationRun reset() {
        Run run = new Run("reset");
        if (status().needsBootstrap()) {
            throw new UpgradeException(KongErrorCode.NOTHING_TO_RESET,
                    "Database not bootstrapped, nothing to reset (run bootstrap to create it)");
        }
        ClusterLock lock = new ClusterLock(dataSource, dao(), LOCK_KEY, owner, lockTimeout);
        boolean locked;
        try {
            locked = lock.tryAcquire();
        } catch (SQLException e) {
            LOG.warn("{} - retrying without cluster lock", e.getMessage());
            locked = true;
        }
        if (!locked) {
            throw lockHeld(lock);
        }
        run.say("Resetting database...");
        try (Connection c = dataSource.getConnection()) {
            String s = dao().schema(c);
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + SchemaMetaDao.quote(s) + " CASCADE");
                st.execute("CREATE SCHEMA " + SchemaMetaDao.quote(s) + " AUTHORIZATION CURRENT_USER");
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw databaseError("reset the schema", e);
        }
        run.say("Database successfully reset");
        return run.done(0, status());
    }

    // ------------------------------------------------------------------ internals

    private enum Phase { UP, UP_AND_TEARDOWN, TEARDOWN }

    /** The DAO, with the schema resolved once (the connection's current schema when none was configured). */
    private SchemaMetaDao dao() {
        SchemaMetaDao d = dao;
        if (d == null) {
            try (Connection c = dataSource.getConnection()) {
                d = new SchemaMetaDao(new SchemaMetaDao(null, true).schema(c), true);
            } catch (SQLException e) {
                throw databaseError("resolve the current schema", e);
            }
            dao = d;
        }
        return d;
    }

    private interface Locked {
        void run(ClusterLock lock) throws SQLException;
    }

    private MigrationState checkRunnable(String what) {
        MigrationState state = status();
        if (state.needsBootstrap()) {
            throw new UpgradeException(KongErrorCode.NEEDS_BOOTSTRAP, "Cannot " + what + ": "
                    + MigrationState.NEEDS_BOOTSTRAP_MSG.trim());
        }
        if (!allowUnknown && !state.unknownRecorded().isEmpty()) {
            throw new UpgradeException(KongErrorCode.DATABASE_NEWER_THAN_CODE, "the database records migrations this "
                    + "code does not know " + state.unknownRecorded() + ": it was migrated by newer code. Run the newer "
                    + "version (downgrades are not supported), or allowUnknownMigrations(true) if they were removed on purpose");
        }
        return state;
    }

    private static UpgradeException pendingError() {
        return new UpgradeException(KongErrorCode.PENDING_MIGRATIONS, "Database has pending migrations; run 'kong "
                + "migrations finish' (finish) first: the previous upgrade was never finished");
    }

    private UpgradeException lockHeld(ClusterLock lock) {
        ClusterLock.Holder holder;
        try {
            holder = lock.holder();
        } catch (SQLException e) {
            holder = null;
        }
        return new UpgradeException(KongErrorCode.LOCK_HELD, "another node is performing database changes ("
                + (holder == null ? "the lock was just released" : "node " + holder.owner() + ", lock expires at "
                        + holder.expiresAt()) + "). Wait for it and check 'list'; if that node is dead, wait for the "
                + "expiry or delete its row: DELETE FROM locks WHERE key = 'migrations'");
    }

    private void withLock(Duration wait, Locked body) {
        ClusterLock lock = new ClusterLock(dataSource, dao(), LOCK_KEY, owner, lockTimeout);
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            long delayMs = 100;
            while (!lock.tryAcquire()) {
                if (System.nanoTime() >= deadline) {
                    throw lockHeld(lock);
                }
                sleeper.sleep(Duration.ofMillis(Math.min(delayMs, Math.max(1, (deadline - System.nanoTime()) / 1_000_000))));
                delayMs = Math.min(delayMs * 3, 2000);
            }
        } catch (SQLException e) {
            throw new UpgradeException(KongErrorCode.DATABASE_ERROR, "[PostgreSQL error] failed to insert cluster lock: "
                    + e.getMessage() + ". Check the database connection (and that bootstrap created the locks table)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED, "interrupted while waiting for the migrations lock");
        }
        lock.startRenewal(renewEvery);
        try {
            body.run(lock);
        } catch (SQLException e) {
            throw databaseError("run migrations", e);
        } finally {
            lock.release();
        }
    }

    private void runMigrations(Run run, ClusterLock lock, List<SubsystemMigrations> todo, Phase phase) throws SQLException {
        int executed = 0;
        int pending = 0;
        try (Connection c = dataSource.getConnection()) {
            String s = dao().schema(c);
            try (Statement st = c.createStatement()) {
                st.execute("SET search_path TO " + SchemaMetaDao.quote(s));
            }
            try {
                String db = c.getCatalog();
                for (SubsystemMigrations group : todo) {
                    SchemaSubsystem subsystem = subsystem(group.subsystem());
                    run.say("migrating " + subsystem.name() + " on database '" + db + "'...");
                    for (String name : group.migrations()) {
                        SchemaMigration m = subsystem.migration(name);
                        boolean isPending = runOne(c, lock, subsystem.name(), m, phase);
                        String id = subsystem.name() + "/" + name;
                        if (isPending) {
                            pending++;
                            run.pending.add(id);
                        } else {
                            executed++;
                            run.executed.add(id);
                        }
                        run.say(subsystem.name() + " migrated up to: " + name + (isPending ? " (pending)" : " (executed)"));
                    }
                }
            } finally {
                try (Statement st = c.createStatement()) {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                        c.setAutoCommit(true);
                    }
                    st.execute("RESET search_path");
                } catch (SQLException e) {
                    LOG.debug("could not reset the connection (it is closed next): {}", e.getMessage());
                }
            }
        }
        int total = executed + pending;
        run.say(total + " migration" + (total == 1 ? "" : "s") + " processed");
        if (executed > 0) {
            run.say(executed + " executed");
        }
        if (pending > 0) {
            run.say(pending + " pending");
        }
    }

    /** Runs one migration's phase; returns true when it was recorded pending. */
    private boolean runOne(Connection c, ClusterLock lock, String subsystem, SchemaMigration m, Phase phase)
            throws SQLException {
        if (phase != Phase.TEARDOWN) {
            step(c, m, "up", m.isTransactional(), () -> {
                if (!m.upSql().isEmpty()) {
                    try (Statement st = c.createStatement()) {
                        st.execute(m.upSql().endsWith(";") ? m.upSql() : m.upSql() + ";");
                    }
                }
                if (m.up() != null) {
                    m.up().run(c);
                }
            }, () -> {
                if (lock.isLost() || !(m.hasTeardown() ? dao().recordPending(c, subsystem, m.name(), lock.owner())
                        : dao().recordExecuted(c, subsystem, m.name(), lock.owner()))) {
                    throw lock.fenceFailed();
                }
            });
            if (phase == Phase.UP || !m.hasTeardown()) {
                return phase == Phase.UP && m.hasTeardown();
            }
        }
        if (m.hasTeardown()) {
            step(c, m, "teardown", m.isTransactional(), () -> m.teardown().run(c), () -> {
                if (lock.isLost() || !dao().recordTeardown(c, subsystem, m.name(), lock.owner())) {
                    throw lock.fenceFailed();
                }
            });
        }
        return false;
    }

    private interface Body {
        void run() throws Exception;
    }

    private interface Record {
        void run() throws SQLException;
    }

    private static void step(Connection c, SchemaMigration m, String part, boolean transactional, Body body, Record record)
            throws SQLException {
        c.setAutoCommit(!transactional);
        try {
            try {
                body.run();
            } catch (UpgradeException e) {
                throw e;
            } catch (Exception e) {
                throw new UpgradeException(KongErrorCode.MIGRATION_FAILED, "[PostgreSQL error] failed to run migration '"
                        + m.name() + "' " + part + ": " + e.getMessage() + ". Nothing of it was recorded"
                        + (transactional ? " or kept (rolled back)" : "") + "; fix the cause and run again (earlier "
                        + "migrations of this run stay recorded)", e);
            }
            if (!transactional) {
                c.setAutoCommit(false);
            }
            record.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private SchemaSubsystem subsystem(String name) {
        for (SchemaSubsystem s : subsystems) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("unknown subsystem " + name);
    }

    private final class Run {
        final String command;
        final StringBuilder out = new StringBuilder();
        final List<String> executed = new ArrayList<>();
        final List<String> pending = new ArrayList<>();

        Run(String command) {
            this.command = command;
        }

        void say(String line) {
            out.append(line).append('\n');
            LOG.info("{}", line.strip());
            output.accept(line);
        }

        MigrationRun done(int exit, MigrationState state) {
            return new MigrationRun(command, exit, out.toString(), executed, pending, state);
        }
    }

    /** Validating builder of {@link SchemaMigrator}. */
    public static final class Builder {
        private DataSource dataSource;
        private String schema;
        private final Map<String, SchemaSubsystem> subsystems = new LinkedHashMap<>();
        private Duration lockTimeout = Duration.ofSeconds(60);
        private Duration lockWait;
        private Duration renewEvery;
        private String owner;
        private Sleeper sleeper = Sleeper.system();
        private boolean allowUnknown;
        private String codeVersion = "unknown";
        private Consumer<String> output = line -> { };

        private Builder() {
        }

        /** Required. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The schema holding the tables; default the connection's current schema. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** Adds a subsystem; subsystems run in the order added. */
        public Builder subsystem(SchemaSubsystem subsystem) {
            Objects.requireNonNull(subsystem, "subsystem");
            if (subsystems.putIfAbsent(subsystem.name(), subsystem) != null) {
                throw new UpgradeException(KongErrorCode.INVALID_MIGRATION, "subsystem '" + subsystem.name()
                        + "' was added twice; add each subsystem once");
            }
            return this;
        }

        /** Lock TTL (Kong's --lock-timeout; default 60 s); renewed every third of it while held. */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = positive(timeout, "lockTimeout");
            return this;
        }

        /** How long {@code up} waits for another node's lock (default the lock timeout; 0 = fail at once). */
        public Builder lockWait(Duration wait) {
            this.lockWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** Renewal period (default lockTimeout / 3). */
        public Builder renewEvery(Duration every) {
            this.renewEvery = positive(every, "renewEvery");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, name + " must be positive");
            }
            return value;
        }

        /** Node id written in {@code locks.owner}; default a random UUID (as Kong). */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Accept a database recording migrations this code does not declare (default false). */
        public Builder allowUnknownMigrations(boolean allow) {
            this.allowUnknown = allow;
            return this;
        }

        /** The host's version, shown by {@code list}. */
        public Builder codeVersion(String version) {
            this.codeVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Receives each output line as it is printed (e.g. System.out::println). */
        public Builder output(Consumer<String> output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        public SchemaMigrator build() {
            if (dataSource == null) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                        "SchemaMigrator needs a dataSource(...) for the host's PostgreSQL database");
            }
            if (subsystems.isEmpty()) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                        "SchemaMigrator needs at least one subsystem(...) with the host's migrations");
            }
            return new SchemaMigrator(this);
        }
    }
}
