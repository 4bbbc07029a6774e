package io.upgradesdk.upgrade.kong;

import static io.upgradesdk.upgrade.kong.internal.DatabaseErrors.databaseError;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.internal.SchemaMetaDao;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Reads a real Kong PostgreSQL database (read-only) and answers what {@code kong migrations list} /
 * {@code status} would say for a given Kong version: the subsystems of that release from the
 * {@link KongCatalog} (all bundled plugins, or the configured {@code plugins}), plus any extra
 * subsystems the host declares (custom plugins).
 *
 * <pre>{@code
 * KongDatabase db = KongDatabase.builder().dataSource(ds).schema("kong").build();
 * MigrationState state = db.state(KongVersion.parse("3.4.2"));
 * CommandOutput list = db.list(KongVersion.parse("3.4.2"));   // exit code 0/3/4/5
 * }</pre>
 */
public final class KongDatabase {

    private final DataSource dataSource;
    private final String schema;
    private final KongCatalog catalog;
    private final Set<String> plugins;
    private final List<KongSubsystem> extraSubsystems;
    private final SchemaMetaDao dao;
    /** Per target version, the migration names of the releases up to it (computed once; the catalogue never changes). */
    private final Map<KongVersion, Map<String, Set<String>>> earlierNames = new ConcurrentHashMap<>();

    private KongDatabase(Builder b) {
        this.dataSource = b.dataSource;
        this.schema = b.schema;
        this.catalog = b.catalog != null ? b.catalog : KongCatalog.bundled();
        this.plugins = b.plugins == null ? null : Set.copyOf(b.plugins);
        this.extraSubsystems = List.copyOf(b.extra.values());
        this.dao = new SchemaMetaDao(schema, true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where Kong's database is (an upgrade plan takes its lock there). */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Kong's {@code pg_schema}, or empty for the connection's current schema. */
    public Optional<String> schema() {
        return Optional.ofNullable(schema);
    }

    public KongCatalog catalog() {
        return catalog;
    }

    /**
     * The subsystems Kong {@code version} loads with this configuration: core, then the plugins
     * (bundled ones filtered by {@code plugins}, plus the extra ones) sorted by name.
     */
    public List<KongSubsystem> subsystems(KongVersion version) {
        KongRelease release = catalog.release(version);
        List<KongSubsystem> result = new ArrayList<>();
        List<KongSubsystem> pluginSubsystems = new ArrayList<>();
        for (KongSubsystem s : release.subsystems()) {
            if (s.isCore()) {
                result.add(s);
            } else if (plugins == null || plugins.contains(s.name())) {
                pluginSubsystems.add(s);
            }
        }
        for (KongSubsystem s : extraSubsystems) {
            pluginSubsystems.removeIf(p -> p.name().equals(s.name()));
            pluginSubsystems.add(s);
        }
        pluginSubsystems.sort(Comparator.comparing(KongSubsystem::name));
        result.addAll(pluginSubsystems);
        return result;
    }

    /** The {@code schema_meta} rows; null when the table does not exist. */
    public List<SchemaMetaRow> rows() {
        try (Connection c = dataSource.getConnection()) {
            return dao.readRows(c);
        } catch (SQLException e) {
            throw databaseError("read schema_meta", e);
        }
    }

    /**
     * The state for Kong {@code version} (one connection, two queries). Recorded migrations that
     * neither {@code version} nor an earlier catalogued release knows make it
     * {@linkplain MigrationState.Status#NEWER_THAN_CODE newer than the code}; those earlier
     * releases dropped are not counted.
     */
    public MigrationState state(KongVersion version) {
        List<KongSubsystem> subsystems = subsystems(version);
        return MigrationState.compute(subsystems, rows(), namesOfEarlierReleases(version));
    }

    /** Per subsystem, the migration names the catalogued releases up to {@code version} declare. */
    private Map<String, Set<String>> namesOfEarlierReleases(KongVersion version) {
        return earlierNames.computeIfAbsent(version.ossBase(), this::collectNamesUpTo);
    }

    private Map<String, Set<String>> collectNamesUpTo(KongVersion base) {
        Map<String, Set<String>> names = new HashMap<>();
        for (KongRelease release : catalog.releases()) {
            if (release.version().compareTo(base) <= 0) {
                for (KongSubsystem subsystem : release.subsystems()) {
                    Set<String> known = names.computeIfAbsent(subsystem.name(), k -> new HashSet<>());
                    subsystem.migrations().forEach(m -> known.add(m.name()));
                }
            }
        }
        names.replaceAll((subsystem, known) -> Set.copyOf(known));
        return Map.copyOf(names);
    }

    /**
     * The state for {@code version}, or empty when the catalogue does not know its OSS base (pre-1.0,
     * newer than the catalogue). For an Enterprise version the state covers only the OSS migrations of
     * the same OSS release (Enterprise-only migrations are not catalogued).
     */
    public Optional<MigrationState> find(KongVersion version) {
        if (catalog.find(version).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(state(version));
    }

    /**
     * {@code kong migrations list} for Kong {@code version}: the text and exit code (0 up to date,
     * 3 needs bootstrap, 4 pending, 5 new). A database error gives exit 1 with {@code Error: ...}
     * on stderr, as Kong does.
     */
    public CommandOutput list(KongVersion version) {
        MigrationState state;
        try {
            state = state(version);
        } catch (UpgradeException e) {
            if (e.code() != KongErrorCode.DATABASE_ERROR) {
                throw e;
            }
            return new CommandOutput(1, "", "Error: " + e.getMessage() + "\n");
        }
        return state.listOutput(version.toString());
    }

    /** {@code kong migrations status} for Kong {@code version}: the state as JSON. */
    public String status(KongVersion version) {
        return state(version).toStatusJson();
    }

    /** The {@code migrations} row of the {@code locks} table (holder and expiry), if any. */
    public Optional<LockInfo> migrationsLock() {
        try (Connection c = dataSource.getConnection()) {
            if (!dao.tableExists(c, "locks")) {
                return Optional.empty();
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT owner, ttl, ttl < now() FROM " + SchemaMetaDao.quote(dao.schema(c))
                            + ".locks WHERE key = 'migrations'")) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LockInfo(rs.getString(1),
                        rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant(), rs.getBoolean(3)));
            }
        } catch (SQLException e) {
            throw databaseError("read the locks table", e);
        }
    }

    /**
     * A row of the {@code locks} table.
     *
     * @param owner     the holder's node id
     * @param expiresAt the {@code ttl} column (an absolute instant)
     * @param expired   {@code ttl < now()} by the database clock
     */
    public record LockInfo(String owner, java.time.Instant expiresAt, boolean expired) {
    }

    static UpgradeException invalid(String message) {
        return new UpgradeException(io.upgradesdk.upgrade.UpgradeErrorCode.INVALID_CONFIGURATION, message);
    }

    /** Validating builder of {@link KongDatabase}. */
    public static final class Builder {
        private DataSource dataSource;
        private String schema;
        private KongCatalog catalog;
        private Set<String> plugins;
        private final Map<String, KongSubsystem> extra = new LinkedHashMap<>();

        private Builder() {
        }

        /** Required: where Kong's database is. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** Kong's {@code pg_schema}; default the connection's current schema. */
        public Builder schema(String schema) {
            if (schema != null && schema.isBlank()) {
                throw invalid("schema must not be blank; pass null for the current schema");
            }
            this.schema = schema;
            return this;
        }

        /** Default {@link KongCatalog#bundled()}. */
        public Builder catalog(KongCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            return this;
        }

        /**
         * Kong's {@code plugins} setting, bundled plugins only (extra subsystems are always loaded).
         * Default: all bundled plugins ({@code plugins = bundled}).
         */
        public Builder plugins(Set<String> plugins) {
            this.plugins = new TreeSet<>(Objects.requireNonNull(plugins, "plugins"));
            return this;
        }

        /** A host-declared subsystem (custom plugin) loaded with every version. */
        public Builder extraSubsystem(KongSubsystem subsystem) {
            Objects.requireNonNull(subsystem, "subsystem");
            if (subsystem.isCore()) {
                throw invalid("an extra subsystem cannot be named 'core'; use the plugin's name");
            }
            extra.put(subsystem.name(), subsystem);
            return this;
        }

        public KongDatabase build() {
            if (dataSource == null) {
                throw invalid("KongDatabase needs a dataSource(...) pointing at Kong's PostgreSQL database");
            }
            return new KongDatabase(this);
        }
    }
}
