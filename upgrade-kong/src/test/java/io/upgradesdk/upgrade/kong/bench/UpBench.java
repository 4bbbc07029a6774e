package io.upgradesdk.upgrade.kong.bench;

import io.upgradesdk.upgrade.kong.schema.MigrationRun;
import io.upgradesdk.upgrade.kong.schema.SchemaMigration;
import io.upgradesdk.upgrade.kong.schema.SchemaMigrator;
import io.upgradesdk.upgrade.kong.schema.SchemaSubsystem;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code up} of 1,000 small Java migrations through {@link SchemaMigrator} against the same SQL
 * executed bare through JDBC (autocommit, one connection), on the same server, in one run.
 * Two workloads: a small DDL migration ({@code CREATE TABLE} with a primary key) and a trivial
 * one-row insert (worst case: the engine's per-migration bookkeeping dominates). Target ratio ≤ 1.5.
 * Run: {@code mvn -q -pl upgrade-kong test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.upgradesdk.upgrade.kong.bench.UpBench}.
 */
public final class UpBench {

    private UpBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        // warm the JIT and the server once on a throwaway pair
        measure("warm-up", 200, i -> "CREATE TABLE w_" + i + " (id BIGINT PRIMARY KEY, name TEXT)", false);
        measure("small DDL (CREATE TABLE t_i (id BIGINT PRIMARY KEY, name TEXT))", n,
                i -> "CREATE TABLE t_" + i + " (id BIGINT PRIMARY KEY, name TEXT)", true);
        measure("trivial insert (INSERT INTO rows VALUES (i))", n, i -> "INSERT INTO rows VALUES (" + i + ")", true);
        System.exit(0);
    }

    private static void measure(String label, int n, IntFunction<String> sql, boolean print) throws Exception {
        long bestBare = Long.MAX_VALUE;
        long bestEngine = Long.MAX_VALUE;
        int rounds = print ? 3 : 1;
        for (int r = 0; r < rounds; r++) {
            long[] times = round(n, sql, r % 2 == 1);
            bestBare = Math.min(bestBare, times[0]);
            bestEngine = Math.min(bestEngine, times[1]);
        }
        if (print) {
            System.out.printf("%s, n=%d, best of %d: bare JDBC %.1f ms (%.3f ms each), engine up %.1f ms (%.3f ms each), "
                    + "overhead %.3f ms per migration, ratio %.2f%n", label, n, rounds, bestBare / 1e6, bestBare / 1e6 / n,
                    bestEngine / 1e6, bestEngine / 1e6 / n, (bestEngine - bestBare) / 1e6 / n, (double) bestEngine / bestBare);
        }
    }

    /** One bare run and one engine run, each on a fresh database; returns {bare, engine} nanos. */
    private static long[] round(int n, IntFunction<String> sql, boolean engineFirst) throws Exception {
        PGSimpleDataSource bareDs = BenchDatabases.fresh("bench_bare");
        PGSimpleDataSource engineDs = BenchDatabases.fresh("bench_engine");
        for (PGSimpleDataSource ds : List.of(bareDs, engineDs)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA app");
                st.execute("CREATE TABLE app.rows (id BIGINT)");
            }
        }
        long[] result = new long[2];
        if (engineFirst) {
            result[1] = engine(engineDs, n, sql);
            result[0] = bare(bareDs, n, sql);
        } else {
            result[0] = bare(bareDs, n, sql);
            result[1] = engine(engineDs, n, sql);
        }
        return result;
    }

    private static long bare(PGSimpleDataSource bareDs, int n, IntFunction<String> sql) throws Exception {
        // bare JDBC: one connection, autocommit, the same statements
        long bare;
        try (Connection c = bareDs.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO app");
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                st.execute(sql.apply(i));
            }
            bare = System.nanoTime() - t0;
        }
        return bare;
    }

    private static long engine(PGSimpleDataSource engineDs, int n, IntFunction<String> sql) throws Exception {
        // the engine: the same statements as Java migrations, one connection (as a pool would give)
        List<SchemaMigration> migrations = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String statement = sql.apply(i);
            migrations.add(SchemaMigration.builder(String.format("%04d_bench", i)).up(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute(statement);
                }
            }).build());
        }
        DataSource one = BenchDatabases.singleConnection(engineDs);
        SchemaMigrator migrator = SchemaMigrator.builder().dataSource(one).schema("app")
                .subsystem(SchemaSubsystem.of("core", SchemaMigration.sql("000_base", "SELECT 1")))
                .subsystem(new SchemaSubsystem("bench", migrations)).build();
        SchemaMigrator base = SchemaMigrator.builder().dataSource(one).schema("app")
                .subsystem(SchemaSubsystem.of("core", SchemaMigration.sql("000_base", "SELECT 1"))).build();
        base.bootstrap();
        long t0 = System.nanoTime();
        MigrationRun run = migrator.up();
        long engine = System.nanoTime() - t0;
        if (run.executed().size() != n) {
            throw new IllegalStateException("expected " + n + " migrations, ran " + run.executed().size());
        }
        return engine;
    }
}
