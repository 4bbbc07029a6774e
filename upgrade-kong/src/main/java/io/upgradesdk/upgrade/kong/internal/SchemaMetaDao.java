package io.upgradesdk.upgrade.kong.internal;

import io.upgradesdk.upgrade.kong.SchemaMetaRow;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SQL over Kong's {@code schema_meta} and {@code locks} tables (PostgreSQL), in one schema. The
 * DDL and the three recording upserts follow Kong's PostgreSQL connector; with {@code asSet} the
 * upserts do not append a name already present (deviation: Kong appends duplicates on --force).
 */
public final class SchemaMetaDao {

    private final String configuredSchema;
    private final boolean asSet;

    /**
     * @param schema the schema, or null for the connection's {@code current_schema()} ({@code public} if none)
     * @param asSet  keep {@code executed}/{@code pending} free of duplicates
     */
    public SchemaMetaDao(String schema, boolean asSet) {
        this.configuredSchema = schema;
        this.asSet = asSet;
    }

    /** The schema this DAO works in, for the connection. */
    public String schema(Connection c) throws SQLException {
        if (configuredSchema != null) {
            return configuredSchema;
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_schema()")) {
            String s = rs.next() ? rs.getString(1) : null;
            return s == null ? "public" : s;
        }
    }

    /** A double-quoted identifier. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private String table(Connection c, String name) throws SQLException {
        return quote(schema(c)) + "." + name;
    }

    /** Whether {@code table} exists in the schema. */
    public boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, schema(c));
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The {@code schema_meta} rows, or null when the table does not exist (needs bootstrap). */
    public List<SchemaMetaRow> readRows(Connection c) throws SQLException {
        String schema = schema(c);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'schema_meta'")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        List<SchemaMetaRow> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT subsystem, last_executed, executed, pending FROM " + quote(schema)
                        + ".schema_meta WHERE key = 'schema_meta' ORDER BY subsystem")) {
            while (rs.next()) {
                rows.add(new SchemaMetaRow(rs.getString(1), rs.getString(2), strings(rs.getArray(3)),
                        strings(rs.getArray(4))));
            }
        }
        return rows;
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        array.free();
        return Arrays.stream(values).map(String::valueOf).toList();
    }

    /** Kong's {@code schema_bootstrap}: schema (if allowed), {@code schema_meta}, {@code locks}; idempotent. */
    public void bootstrap(Connection c) throws SQLException {
        String schema = schema(c);
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN CREATE SCHEMA IF NOT EXISTS " + quote(schema) + " AUTHORIZATION CURRENT_USER; "
                    + "EXCEPTION WHEN insufficient_privilege THEN NULL; END $$");
            st.execute("CREATE TABLE IF NOT EXISTS " + quote(schema) + ".schema_meta (key TEXT, subsystem TEXT, "
                    + "last_executed TEXT, executed TEXT[], pending TEXT[], PRIMARY KEY (key, subsystem))");
            c.commit();
            st.execute("CREATE TABLE IF NOT EXISTS " + quote(schema) + ".locks (key TEXT PRIMARY KEY, owner TEXT, "
                    + "ttl TIMESTAMP WITH TIME ZONE)");
            st.execute("CREATE INDEX IF NOT EXISTS locks_ttl_idx ON " + quote(schema) + ".locks (ttl)");
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Records {@code up} of a migration without teardown. */
    public void recordExecuted(Connection c, String subsystem, String name) throws SQLException {
        recordExecuted(c, subsystem, name, null);
    }

    /** Records {@code up} of a migration with a teardown (pending). */
    public void recordPending(Connection c, String subsystem, String name) throws SQLException {
        recordPending(c, subsystem, name, null);
    }

    /** Records a teardown: executed appended, every occurrence removed from pending. */
    public void recordTeardown(Connection c, String subsystem, String name) throws SQLException {
        recordTeardown(c, subsystem, name, null);
    }

    /**
     * Like {@link #recordExecuted(Connection, String, String)}, fenced: writes only while
     * {@code fenceOwner} holds the unexpired {@code migrations} lock (its row is locked FOR SHARE
     * until the transaction ends). Returns false (nothing written) when it does not.
     */
    public boolean recordExecuted(Connection c, String subsystem, String name, String fenceOwner) throws SQLException {
        String t = table(c, "schema_meta");
        return upsert(c, "(key, subsystem, last_executed, executed)", "'schema_meta', ?, ?, ARRAY[?]::TEXT[]",
                new String[] {subsystem, name, name}, "last_executed = EXCLUDED.last_executed, executed = "
                        + appendExecuted(t), new String[0], fenceOwner);
    }

    /** Fenced {@link #recordPending(Connection, String, String)}; see the fenced recordExecuted. */
    public boolean recordPending(Connection c, String subsystem, String name, String fenceOwner) throws SQLException {
        String t = table(c, "schema_meta");
        String set = asSet
                ? "pending = CASE WHEN ? = ANY(COALESCE(" + t + ".pending, '{}')) THEN " + t + ".pending"
                        + " ELSE array_append(" + t + ".pending, ?::TEXT) END"
                : "pending = array_append(" + t + ".pending, ?::TEXT)";
        return upsert(c, "(key, subsystem, pending)", "'schema_meta', ?, ARRAY[?]::TEXT[]", new String[] {subsystem, name},
                set, asSet ? new String[] {name, name} : new String[] {name}, fenceOwner);
    }

    /** Fenced {@link #recordTeardown(Connection, String, String)}; see the fenced recordExecuted. */
    public boolean recordTeardown(Connection c, String subsystem, String name, String fenceOwner) throws SQLException {
        String t = table(c, "schema_meta");
        return upsert(c, "(key, subsystem, last_executed, executed)", "'schema_meta', ?, ?, ARRAY[?]::TEXT[]",
                new String[] {subsystem, name, name}, "last_executed = EXCLUDED.last_executed, executed = "
                        + appendExecuted(t) + ", pending = array_remove(COALESCE(" + t + ".pending, '{}'::TEXT[]), "
                        + "EXCLUDED.last_executed)", new String[0], fenceOwner);
    }

    private String appendExecuted(String t) {
        return asSet
                ? "CASE WHEN EXCLUDED.last_executed = ANY(COALESCE(" + t + ".executed, '{}')) THEN " + t + ".executed"
                        + " ELSE array_append(COALESCE(" + t + ".executed, '{}'::TEXT[]), EXCLUDED.last_executed) END"
                : "array_append(COALESCE(" + t + ".executed, '{}'::TEXT[]), EXCLUDED.last_executed)";
    }

    private boolean upsert(Connection c, String columns, String values, String[] valueArgs, String set, String[] setArgs,
            String fenceOwner) throws SQLException {
        String schema = quote(schema(c));
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(schema).append(".schema_meta ").append(columns)
                .append(" SELECT ").append(values);
        if (fenceOwner != null) {
            sql.append(" WHERE EXISTS (SELECT 1 FROM ").append(schema).append(".locks WHERE key = 'migrations' AND owner = ?"
                    + " AND ttl > clock_timestamp() FOR SHARE)");
        }
        sql.append(" ON CONFLICT (key, subsystem) DO UPDATE SET ").append(set);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (String a : valueArgs) {
                ps.setString(i++, a);
            }
            if (fenceOwner != null) {
                ps.setString(i++, fenceOwner);
            }
            for (String a : setArgs) {
                ps.setString(i++, a);
            }
            return ps.executeUpdate() == 1;
        }
    }

}
