package io.upgradesdk.upgrade.kong.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.kong.MigrationState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL is restarted while a plan's {@code migrations up} (the schema engine) runs: the
 * migration whose session the restart ended is rolled back with its record (one transaction), the
 * failure is a transient database error, the runner retries the step, and the rerun of {@code up}
 * applies the remaining migrations: each exactly once, none lost.
 */
@Tag("integration")
@Tag("long") // a dedicated PostgreSQL (initdb) and a restart: ~20 s on a loaded 2-core machine
class PostgresRestartDuringUpTest {

    private static final int MIGRATIONS = 20;
    private static final int RESTART_AFTER = 6;

    @Test
    void aPostgresRestartMidUpIsRetriedAndEveryMigrationIsAppliedOnce() throws Exception {
        try (PostgresServer pg = PostgresServer.startDedicated()) {
            String database = pg.newDatabase("restart_up");
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(pg.jdbcUrl(database));
            ds.setUser(pg.user());
            ds.setConnectTimeout(5);
            migrator(ds, 1, line -> { }).bootstrap();
            CompletableFuture<Long> restart = new CompletableFuture<>();
            List<String> retried = new CopyOnWriteArrayList<>();
            UpgradePlan plan = UpgradePlan.builder("pg-restart-mid-up")
                    .step(UpgradeStep.builder("migrations-up").execute(ctx -> {
                        SchemaMigrator all = migrator(ds, MIGRATIONS, line -> {
                            if (line.contains("migrated up to: " + name(RESTART_AFTER)) && !restart.isDone()) {
                                CompletableFuture.runAsync(() -> restart.complete(timed(pg::restart)));
                            }
                        });
                        if (all.status().hasNew()) {
                            all.up();
                        }
                    }).build())
                    .build();
            UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("restart")
                    .retryPolicy(RetryPolicy.custom().maxAttempts(30).initialBackoff(Duration.ofMillis(500))
                            .maxBackoff(Duration.ofSeconds(2)).build())
                    .listener(e -> {
                        if (e instanceof UpgradeEvent.StepRetrying r) {
                            retried.add(r.error());
                        }
                    })
                    .build();

            long start = System.nanoTime();
            UpgradeReport report = runner.up(plan);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            long restartMillis = restart.get(2, TimeUnit.MINUTES);
            System.out.println("[fault-suite] PostgreSQL restart took " + restartMillis + " ms, the run " + took
                    + " ms; " + retried.size() + " retries; first error: " + (retried.isEmpty() ? "-" : retried.get(0)));
            assertThat(report.outcome()).as("%s", report.toJson()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(retried).as("the restart failed the step and it was retried").isNotEmpty();
            assertThat(retried.get(0)).as("a clear database error").contains("PostgreSQL");
            Map<String, Integer> applied = applied(ds);
            Map<String, Integer> expected = new TreeMap<>();
            for (int i = 0; i < MIGRATIONS; i++) {
                expected.put(name(i), 1);
            }
            assertThat(applied).as("each migration applied exactly once").isEqualTo(expected);
            MigrationState state = migrator(ds, MIGRATIONS, line -> { }).status();
            assertThat(state.isUpToDate()).as(state.toString()).isTrue();
        }
    }

    /** {@code count} migrations of subsystem core; each sleeps 100 ms and counts itself in {@code applied}. */
    private static SchemaMigrator migrator(DataSource ds, int count, Consumer<String> output) {
        SchemaMigration[] migrations = new SchemaMigration[count];
        for (int i = 0; i < count; i++) {
            String sql = (i == 0 ? "CREATE TABLE applied (id TEXT NOT NULL); " : "SELECT pg_sleep(0.1); ")
                    + "INSERT INTO applied VALUES ('" + name(i) + "')";
            migrations[i] = SchemaMigration.sql(name(i), sql);
        }
        return SchemaMigrator.builder().dataSource(ds).schema("public").owner("restart-host")
                .lockTimeout(Duration.ofSeconds(3)).lockWait(Duration.ofSeconds(20)).output(output)
                .subsystem(SchemaSubsystem.of("core", migrations)).build();
    }

    private static String name(int i) {
        return String.format("%03d_step", i);
    }

    private static long timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static Map<String, Integer> applied(DataSource ds) throws Exception {
        Map<String, Integer> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM applied")) {
            while (rs.next()) {
                out.merge(rs.getString(1), 1, Integer::sum);
            }
        }
        return out;
    }
}
