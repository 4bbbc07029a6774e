package io.upgradesdk.upgrade.kong.bench;

import io.upgradesdk.testservers.PostgresServer;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Benchmark helpers: a fresh database on the test server; a one-connection "pool". */
final class BenchDatabases {

    private BenchDatabases() {
    }

    static PGSimpleDataSource fresh(String prefix) {
        PostgresServer server = PostgresServer.get();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(server.jdbcUrl(server.newDatabase(prefix)));
        ds.setUser(server.user());
        return ds;
    }

    /** A DataSource handing out one open connection whose close() is ignored (as a pool would). */
    static DataSource singleConnection(DataSource ds) throws SQLException {
        Connection real = ds.getConnection();
        Connection shielded = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!real.getAutoCommit()) {
                            real.rollback();
                            real.setAutoCommit(true);
                        }
                        return null;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> method.getName().equals("getConnection") ? shielded : method.invoke(ds, args));
    }

    static String stats(long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        double mean = java.util.Arrays.stream(sorted).average().orElse(0) / 1e6;
        return String.format("mean %.3f ms, p50 %.3f ms, p99 %.3f ms (n=%d)", mean, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, sorted.length);
    }
}
