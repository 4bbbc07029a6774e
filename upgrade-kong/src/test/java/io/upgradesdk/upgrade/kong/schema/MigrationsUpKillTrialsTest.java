package io.upgradesdk.upgrade.kong.schema;

import io.upgradesdk.upgrade.testkit.KillTrials;
import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.kong.MigrationState;
import io.upgradesdk.upgrade.testkit.KillHarness;
import io.upgradesdk.upgrade.testkit.KillablePlan;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The fault suite for a Kong-style upgrade with the schema engine on real PostgreSQL: a database
 * bootstrapped at "v1" is taken to "v2" by a plan whose UP step is {@code migrations up} (each
 * recorded migration saves a cursor) and whose FINISH step (point of no return) is
 * {@code migrations finish}. Children are killed with SIGKILL at seeded random points while they
 * hold the engine's cluster lock; each rerun waits out the dead node's lock. Every trial ends with
 * each migration's up and teardown applied exactly once (a non-idempotent {@code INSERT} in the
 * migration's own transaction counts them), schema_meta up to date and the checkpoint readable.
 * {@code -Dfault.trials=N}, {@code -Dfault.seed=S} (see docs/fault-suite.md).
 */
@Tag("integration")
@Tag("long")
public class MigrationsUpKillTrialsTest {

    static final int V2_CORE_MIGRATIONS = 8;

    /** One trial's plan, built in each child JVM from the trial's folder. */
    public static final class Plan implements KillablePlan {

        @Override
        public void prepare(Path work) throws Exception {
            PostgresServer pg = PostgresServer.get();
            String database = pg.newDatabase("killup");
            String url = pg.jdbcUrl(database);
            migrator(dataSource(url), false, line -> { }).bootstrap();
            UpgradePlan plan = plan(work, url);
            KillTrials.writeSettings(work, Map.of("url", url, "planId", plan.id(),
                    "steps", Integer.toString(plan.steps().size())));
        }

        @Override
        public UpgradePlan plan(Path work) throws Exception {
            return plan(work, KillTrials.settings(work).getProperty("url"));
        }

        @Override
        public void configure(UpgradeRunner.Builder runner, Path work) {
            KillTrials.recordSteps(runner, work);
            // finish does not wait for a dead node's migrations lock (only up does): KONG_LOCK_HELD is
            // transient, so the runner retries until the killed run's lock expires (3 s)
            runner.retryPolicy(RetryPolicy.custom().maxAttempts(12).initialBackoff(Duration.ofMillis(500))
                    .maxBackoff(Duration.ofSeconds(2)).build());
        }

        private static UpgradePlan plan(Path work, String url) {
            DataSource ds = dataSource(url);
            return UpgradePlan.builder("kong-style-v1-to-v2")
                    .step(UpgradeStep.builder("migrations-up").execute(ctx -> {
                        SchemaMigrator v2 = migrator(ds, true, line -> {
                            if (line.contains(" migrated up to: ")) {
                                ctx.saveCursor(line.strip());
                            }
                        });
                        if (v2.status().hasNew()) {
                            v2.up();
                        }
                    }).build())
                    .step(UpgradeStep.builder("migrations-finish").phase(Phase.FINISH).pointOfNoReturn()
                            .execute(ctx -> migrator(ds, true, line -> { }).finish()).build())
                    .build();
        }
    }

    /** v1: core 000-001; v2 adds core 002..009 (up only) and the plugin migration with a teardown, last. */
    static SchemaMigrator migrator(DataSource ds, boolean v2, Consumer<String> output) {
        List<SchemaMigration> core = new ArrayList<>();
        core.add(SchemaMigration.sql("000_base", "CREATE TABLE IF NOT EXISTS applied (id TEXT NOT NULL, "
                + "phase TEXT NOT NULL); INSERT INTO applied VALUES ('core/000_base', 'up')"));
        core.add(counted("001_v1"));
        SchemaMigrator.Builder b = SchemaMigrator.builder().dataSource(ds).schema("public")
                .lockTimeout(Duration.ofSeconds(3)).lockWait(Duration.ofSeconds(30)).output(output);
        if (v2) {
            for (int i = 2; i < 2 + V2_CORE_MIGRATIONS; i++) {
                core.add(counted(String.format("%03d_v2", i)));
            }
        }
        b.subsystem(SchemaSubsystem.of("core", core.toArray(SchemaMigration[]::new)));
        if (v2) {
            b.subsystem(SchemaSubsystem.of("rate-limiting", SchemaMigration.builder("000_rl_v2")
                    .upSql("SELECT pg_sleep(0.05); INSERT INTO applied VALUES ('rate-limiting/000_rl_v2', 'up')")
                    .teardown(c -> {
                        try (Statement st = c.createStatement()) {
                            st.execute("SELECT pg_sleep(0.05); "
                                    + "INSERT INTO applied VALUES ('rate-limiting/000_rl_v2', 'teardown')");
                        }
                    }).build()));
        }
        return b.build();
    }

    private static SchemaMigration counted(String name) {
        return SchemaMigration.sql(name, "SELECT pg_sleep(0.05); INSERT INTO applied VALUES ('core/" + name + "', 'up')");
    }

    static DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(PostgresServer.get().user());
        return ds;
    }

    @TempDir
    Path tmp;

    @Test
    void everyKilledMigrationsUpAndFinishResumesWithEachMigrationAppliedOnce() throws Exception {
        KillTrials trials = new KillTrials("kong-style-up");
        KillHarness.Report report = KillHarness.forPlan(Plan.class).workDir(tmp)
                .trials(KillTrials.trials(20)).seed(trials.seed()).maxKillsPerTrial(2)
                .maxDelay(Duration.ofMillis(300)).runTimeout(Duration.ofSeconds(120))
                .run(work -> {
                    trials.afterTrial(work);
                    assertAppliedOnce(KillTrials.settings(work).getProperty("url"));
                });
        trials.report(report);
        assertThat(report.killsLanded()).isPositive();
    }

    private static void assertAppliedOnce(String url) throws Exception {
        DataSource ds = dataSource(url);
        Map<String, Integer> applied = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id || ' ' || phase FROM applied")) {
            while (rs.next()) {
                applied.merge(rs.getString(1), 1, Integer::sum);
            }
        }
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < 2 + V2_CORE_MIGRATIONS; i++) {
            expected.put(String.format("core/%03d_%s up", i, i == 0 ? "base" : i == 1 ? "v1" : "v2"), 1);
        }
        expected.put("rate-limiting/000_rl_v2 up", 1);
        expected.put("rate-limiting/000_rl_v2 teardown", 1);
        assertThat(applied).as("each migration part applied exactly once").isEqualTo(expected);
        MigrationState state = migrator(ds, true, line -> { }).status();
        assertThat(state.isUpToDate()).as(state.toString()).isTrue();
        assertThat(state.hasPending()).isFalse();
    }
}
