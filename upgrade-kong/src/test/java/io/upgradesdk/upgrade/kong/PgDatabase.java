package io.upgradesdk.upgrade.kong;

import io.upgradesdk.testservers.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database on the JVM's real PostgreSQL server, for one test. */
public final class PgDatabase {

    public final String name;
    public final DataSource dataSource;

    private PgDatabase(String name, DataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
    }

    public static PgDatabase fresh(String prefix) {
        PostgresServer server = PostgresServer.get();
        String name = server.newDatabase(prefix);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(server.jdbcUrl(name));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return new PgDatabase(name, ds);
    }

    public String url() {
        return PostgresServer.get().jdbcUrl(name);
    }

    public void exec(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public String queryString(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
