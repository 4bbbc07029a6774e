package io.upgradesdk.upgrade.kong.bench;

import io.upgradesdk.upgrade.kong.KongDatabase;
import io.upgradesdk.upgrade.kong.KongMigration;
import io.upgradesdk.upgrade.kong.KongRelease;
import io.upgradesdk.upgrade.kong.KongSubsystem;
import io.upgradesdk.upgrade.kong.MigrationState;
import io.upgradesdk.upgrade.kong.internal.SchemaMetaDao;
import java.sql.Connection;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code status} (state computation over JDBC) on a database holding every subsystem of the newest
 * catalogued release, warm: per call, with a new connection each time and with one reused
 * connection. Run: {@code mvn -q -pl upgrade-kong test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.upgradesdk.upgrade.kong.bench.StatusBench}.
 * Target: under 20 ms per call warm.
 */
public final class StatusBench {

    private StatusBench() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = 200;
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        PGSimpleDataSource ds = BenchDatabases.fresh("bench_status");
        KongDatabase plain = KongDatabase.builder().dataSource(ds).build();
        KongRelease latest = plain.catalog().latest();
        SchemaMetaDao dao = new SchemaMetaDao(null, false);
        try (Connection c = ds.getConnection()) {
            dao.bootstrap(c);
            for (KongSubsystem s : latest.subsystems()) {
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
        System.out.printf("Kong %s: %d subsystems, %d migrations%n", latest.version(), latest.subsystems().size(),
                latest.migrationCount());
        run("new connection per call", plain, latest, warmup, calls);
        DataSource one = BenchDatabases.singleConnection(ds);
        run("one reused connection  ", KongDatabase.builder().dataSource(one).build(), latest, warmup, calls);
        System.exit(0);
    }

    private static void run(String label, KongDatabase db, KongRelease release, int warmup, int calls) {
        for (int i = 0; i < warmup; i++) {
            check(db.state(release.version()));
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            String json = db.status(release.version());
            nanos[i] = System.nanoTime() - t0;
            if (!json.startsWith("{\"needs_bootstrap\":false,\"executed_migrations\"") || json.contains("new_migrations")) {
                throw new IllegalStateException("unexpected status: " + json);
            }
        }
        System.out.println("status, " + label + ": " + BenchDatabases.stats(nanos));
    }

    private static void check(MigrationState state) {
        if (state.exitCode() != 0) {
            throw new IllegalStateException("benchmark database is not up to date: " + state);
        }
    }
}
