package io.upgradesdk.upgrade.kong.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.CommandOutput;
import io.upgradesdk.upgrade.kong.KongDatabase;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import io.upgradesdk.upgrade.kong.MigrationState;
import io.upgradesdk.upgrade.kong.PgDatabase;
import io.upgradesdk.upgrade.kong.SubsystemMigrations;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The expand/contract engine on real PostgreSQL: Kong's command behaviours (spec §11, adapted to a
 * host's schema) and each documented deviation.
 */
@Tag("integration")
class SchemaMigratorTest {

    private static final SchemaSubsystem CORE = SchemaSubsystem.of("core",
            SchemaMigration.sql("000_base", "CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, old_name TEXT)"));
    /** Like Kong's with-migrations fixture: one up-only, one up + teardown whose teardown checks up's data. */
    private static final SchemaSubsystem PLUGIN = SchemaSubsystem.of("with-migrations",
            SchemaMigration.sql("000_base_with_migrations", "CREATE TABLE IF NOT EXISTS foo (bar TEXT)"),
            SchemaMigration.builder("001_14_to_15")
                    .upSql("ALTER TABLE foo ADD COLUMN IF NOT EXISTS baz TEXT; INSERT INTO foo (bar) "
                            + "SELECT 'written by up' WHERE NOT EXISTS (SELECT 1 FROM foo WHERE bar = 'written by up')")
                    .teardown(c -> {
                        try (Statement st = c.createStatement();
                                ResultSet rs = st.executeQuery("SELECT count(*) FROM foo WHERE bar = 'written by up'")) {
                            rs.next();
                            if (rs.getInt(1) != 1) {
                                throw new IllegalStateException("teardown did not see up's data");
                            }
                            st.execute("UPDATE foo SET baz = bar");
                        }
                    }).build());

    private PgDatabase pg;
    private final List<ExecutorService> pools = new ArrayList<>();

    @BeforeEach
    void freshDatabase() {
        pg = PgDatabase.fresh("schema_migrator");
    }

    @AfterEach
    void stopPools() {
        pools.forEach(ExecutorService::shutdownNow);
    }

    private SchemaMigrator.Builder migrator(SchemaSubsystem... subsystems) {
        SchemaMigrator.Builder b = SchemaMigrator.builder().dataSource(pg.dataSource).schema("app").codeVersion("1.0.0");
        for (SchemaSubsystem s : subsystems) {
            b.subsystem(s);
        }
        return b;
    }

    private int count(String sql) {
        return Integer.parseInt(pg.queryString(sql));
    }

    private int executedEntries() {
        return count("SELECT coalesce(sum(cardinality(executed)), 0) FROM app.schema_meta");
    }

    private int pendingEntries() {
        return count("SELECT coalesce(sum(cardinality(pending)), 0) FROM app.schema_meta");
    }

    @Test
    void bootstrapOnAnEmptyDatabaseThenAgain() {
        MigrationRun first = migrator(CORE).build().bootstrap();

        assertThat("\n" + first.output()).contains("\nBootstrapping database...\n", "\nmigrating core on database '",
                "\ncore migrated up to: 000_base (executed)\n", "\n1 migration processed\n", "\n1 executed\n")
                .endsWith("\nDatabase is up-to-date\n");
        assertThat(pg.queryString("SELECT to_regclass('app.items')::text")).isEqualTo("app.items");
        assertThat(migrator(CORE).build().bootstrap().output()).isEqualTo("Database already bootstrapped\n");
        assertThat(migrator(CORE).build().list().exitCode()).isZero();
    }

    @Test
    void bootstrapForceRebootstrapsFromScratch() {
        migrator(CORE).build().bootstrap();
        pg.exec("INSERT INTO app.items VALUES (1, 'x')");

        MigrationRun again = migrator(CORE).build().bootstrap(true);

        assertThat(again.output()).contains("Resetting database...").contains("\n1 migration processed\n")
                .endsWith("Database is up-to-date\n");
        assertThat(count("SELECT count(*) FROM app.items")).isZero();
    }

    @Test
    void upThenFinishWithAPluginLikeKongsFixture() {
        migrator(CORE).build().bootstrap();
        SchemaMigrator withPlugin = migrator(CORE, PLUGIN).build();
        assertThat(withPlugin.list()).isEqualTo(new CommandOutput(5, "Executed migrations:\ncore: 000_base\n\n"
                + "New migrations available:\nwith-migrations: 000_base_with_migrations, 001_14_to_15\n\n"
                + "Run 'kong migrations up' to proceed\n", ""));

        MigrationRun up = withPlugin.up();
        assertThat(up.output()).contains("\n2 migrations processed\n1 executed\n1 pending\n")
                .contains("with-migrations migrated up to: 001_14_to_15 (pending)");
        assertThat(executedEntries()).isEqualTo(2);
        assertThat(pendingEntries()).isEqualTo(1);
        assertThat(withPlugin.list().exitCode()).isEqualTo(4);
        // a second up without the plugin loaded: its pending row is invisible
        assertThat(migrator(CORE).build().up().output()).isEqualTo("Database is already up-to-date\n");

        MigrationRun finish = withPlugin.finish();
        assertThat(finish.output()).contains("\n1 migration processed\n1 executed\n");
        assertThat(pg.queryString("SELECT baz FROM app.foo")).isEqualTo("written by up");
        assertThat(withPlugin.finish().output()).isEqualTo("No pending migrations to finish\n");
        assertThat(executedEntries()).isEqualTo(3);
        assertThat(pendingEntries()).isZero();
    }

    @Test
    void forcedRerunsAreRepeatableAndKeepExecutedASet() {
        SchemaMigrator m = migrator(CORE, PLUGIN).build();
        m.bootstrap();
        assertThat(m.up().output()).isEqualTo("Database is already up-to-date\n");

        MigrationRun f1 = m.up(true);
        MigrationRun f2 = m.up(true);
        MigrationRun g1 = m.finish(true);
        MigrationRun g2 = m.finish(true);

        assertThat(f1.output()).isEqualTo(f2.output()).contains("3 migrations processed");
        assertThat(g1.output()).isEqualTo(g2.output());
        assertThat(f1.exitCode()).isEqualTo(f2.exitCode()).isZero();
        // deviation: Kong would now hold every name 5 times in executed
        assertThat(executedEntries()).isEqualTo(3);
        assertThat(m.status().isUpToDate()).isTrue();
    }

    @Test
    void upAndFinishRefuseANonBootstrappedDatabaseAndUpRefusesPending() {
        SchemaMigrator m = migrator(CORE, PLUGIN).build();
        assertThatThrownBy(m::up).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KongErrorCode.NEEDS_BOOTSTRAP))
                .hasMessageStartingWith("Cannot run migrations: Database needs bootstrapping");
        assertThatThrownBy(m::finish).satisfies(e -> assertThat(((UpgradeException) e).code())
                .isEqualTo(KongErrorCode.NEEDS_BOOTSTRAP));

        migrator(CORE).build().bootstrap();
        m.up();
        SchemaSubsystem later = SchemaSubsystem.of("with-migrations", PLUGIN.migrations().get(0),
                PLUGIN.migrations().get(1), SchemaMigration.sql("002_later", "CREATE TABLE later (x INT)"));
        assertThatThrownBy(() -> migrator(CORE, later).build().up())
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KongErrorCode.PENDING_MIGRATIONS))
                .hasMessageContaining("finish");
        assertThat(pg.queryString("SELECT to_regclass('app.later')")).isNull();
        // finish with the newer code finishes the old pending ones and points to up
        assertThat(migrator(CORE, later).build().finish().output())
                .endsWith("\nNew migrations available; run 'kong migrations up' to proceed\n");
    }

    @Test
    void resetDropsEverythingAndRefusesTwiceAndWorksWithoutTheLocksTable() {
        SchemaMigrator m = migrator(CORE).build();
        m.bootstrap();
        assertThat(m.reset().output()).isEqualTo("Resetting database...\nDatabase successfully reset\n");
        assertThat(m.status().needsBootstrap()).isTrue();
        assertThatThrownBy(m::reset).satisfies(e -> assertThat(((UpgradeException) e).code())
                .isEqualTo(KongErrorCode.NOTHING_TO_RESET)).hasMessageContaining("nothing to reset");

        m.bootstrap();
        pg.exec("DROP TABLE app.locks");
        assertThat(m.reset().exitCode()).isZero();
        assertThat(m.status().needsBootstrap()).isTrue();
    }

    @Test
    void aFailingMigrationIsRolledBackAndUnrecordedWhileEarlierOnesStay() {
        migrator(CORE).build().bootstrap();
        SchemaSubsystem broken = SchemaSubsystem.of("broken",
                SchemaMigration.sql("000_ok", "CREATE TABLE ok (x INT)"),
                SchemaMigration.sql("001_bad", "CREATE TABLE half (x INT); SELECT no_such_column FROM ok"));

        assertThatThrownBy(() -> migrator(CORE, broken).build().up())
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KongErrorCode.MIGRATION_FAILED))
                .hasMessageContaining("failed to run migration '001_bad' up");

        assertThat(pg.queryString("SELECT to_regclass('app.ok')")).isEqualTo("app.ok");
        assertThat(pg.queryString("SELECT to_regclass('app.half')")).isNull();
        assertThat(pg.queryString("SELECT executed::text FROM app.schema_meta WHERE subsystem = 'broken'")).isEqualTo("{000_ok}");
        assertThat(pg.queryString("SELECT count(*) FROM app.locks")).isEqualTo("0");
    }

    @Test
    void twoConcurrentUpsWithoutWaitingExactlyOneMigratesTheOtherFailsNamingTheHolder() throws Exception {
        migrator(CORE).build().bootstrap();
        pg.exec("CREATE TABLE app.runs (n INT)");
        SchemaSubsystem slow = SchemaSubsystem.of("slow", SchemaMigration.builder("000_slow")
                .upSql("INSERT INTO runs VALUES (1); SELECT pg_sleep(1)").build());
        List<Future<Object>> results = race(2, i -> migrator(CORE, slow).owner("node-" + i).lockWait(Duration.ZERO).build().up());

        List<Object> outcomes = new ArrayList<>();
        for (Future<Object> f : results) {
            outcomes.add(f.get());
        }
        assertThat(outcomes).filteredOn(o -> o instanceof MigrationRun).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof UpgradeException e && e.code() == KongErrorCode.LOCK_HELD
                && e.getMessage().contains("another node is performing database changes (node node-")).hasSize(1);
        assertThat(count("SELECT count(*) FROM app.runs")).isEqualTo(1);
    }

    @Test
    void twoConcurrentUpsWithWaitingExactlyOneMigratesTheOtherFindsNothingToDo() throws Exception {
        migrator(CORE).build().bootstrap();
        pg.exec("CREATE TABLE app.runs (n INT)");
        SchemaSubsystem slow = SchemaSubsystem.of("slow", SchemaMigration.builder("000_slow")
                .upSql("INSERT INTO runs VALUES (1); SELECT pg_sleep(1)").build());
        List<Future<Object>> results = race(2, i -> migrator(CORE, slow).owner("node-" + i)
                .lockWait(Duration.ofSeconds(20)).build().up());

        List<String> outputs = new ArrayList<>();
        for (Future<Object> f : results) {
            outputs.add(((MigrationRun) f.get()).output());
        }
        assertThat(outputs).filteredOn(o -> o.contains("1 migration processed")).hasSize(1);
        assertThat(outputs).filteredOn(o -> o.equals("Database is already up-to-date\n")).hasSize(1);
        assertThat(count("SELECT count(*) FROM app.runs")).isEqualTo(1);
    }

    @Test
    void aWaiterGivesUpAfterLockWaitWhileTheHolderCarriesOn() throws Exception {
        migrator(CORE).build().bootstrap();
        SchemaSubsystem slow = SchemaSubsystem.of("slow", SchemaMigration.builder("000_slow")
                .upSql("SELECT pg_sleep(2)").build());
        List<Future<Object>> results = race(1, i -> migrator(CORE, slow).owner("holder").build().up());
        while (pg.queryString("SELECT count(*) FROM app.locks").equals("0")) {
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> migrator(CORE, slow).owner("waiter").lockWait(Duration.ofMillis(500)).build().up())
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KongErrorCode.LOCK_HELD))
                .hasMessageContaining("node holder");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        assertThat(results.get(0).get()).isInstanceOf(MigrationRun.class);
    }

    @Test
    void losingTheLockBetweenUpAndItsRecordRollsTheMigrationBack() {
        migrator(CORE).build().bootstrap();
        // the up "crashes" the lock: another operator deletes our row mid-migration
        SchemaSubsystem sub = SchemaSubsystem.of("fenced", SchemaMigration.builder("000_fenced")
                .upSql("CREATE TABLE fenced (x INT)")
                .up(c -> pg.exec("DELETE FROM app.locks")).build());

        assertThatThrownBy(() -> migrator(CORE, sub).build().up())
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KongErrorCode.LOCK_LOST));

        assertThat(pg.queryString("SELECT to_regclass('app.fenced')")).isNull();
        assertThat(pg.queryString("SELECT count(*) FROM app.schema_meta WHERE subsystem = 'fenced'")).isEqualTo("0");
        SchemaSubsystem fixed = SchemaSubsystem.of("fenced", SchemaMigration.sql("000_fenced", "CREATE TABLE fenced (x INT)"));
        assertThat(migrator(CORE, fixed).build().up().output()).contains("1 migration processed");
    }

    @Test
    void aProcessKilledBetweenUpAndItsRecordLeavesNothingBehindAndTheNextRunMigratesOnce(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        migrator(CORE).build().bootstrap();
        java.nio.file.Path marker = dir.resolve("marker");
        Process jvm = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingMigrationMain.class.getName(), pg.url(),
                marker.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!java.nio.file.Files.exists(marker)) {
                assertThat(jvm.isAlive()).as("the migrating JVM died early").isTrue();
                assertThat(System.nanoTime()).as("the migration never started").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            jvm.destroyForcibly().waitFor(); // SIGKILL: a crash after up's SQL, before its record
        }

        assertThat(pg.queryString("SELECT to_regclass('app.crashed')")).isNull();
        assertThat(pg.queryString("SELECT count(*) FROM app.schema_meta WHERE subsystem = 'crash'")).isEqualTo("0");
        SchemaSubsystem crash = SchemaSubsystem.of("crash", SchemaMigration.sql("000_crash",
                "CREATE TABLE crashed (x INT); INSERT INTO crashed VALUES (1)"));
        // the dead node's lock row expires (1 s, database clock); the next run waits for it and migrates once
        MigrationRun run = migrator(CORE, crash).lockWait(Duration.ofSeconds(10)).build().up();
        assertThat(run.executed()).containsExactly("crash/000_crash");
        assertThat(count("SELECT count(*) FROM app.crashed")).isEqualTo(1);
    }

    @Test
    void aNonTransactionalMigrationKeepsKongsSemanticsAndMustBeReentrant() {
        migrator(CORE).build().bootstrap();
        SchemaSubsystem sub = SchemaSubsystem.of("idx", SchemaMigration.builder("000_idx")
                .upSql("CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name ON items (old_name)")
                .nonTransactional().build());

        MigrationRun run = migrator(CORE, sub).build().up();

        assertThat(run.executed()).containsExactly("idx/000_idx");
        assertThat(pg.queryString("SELECT to_regclass('app.items_name')")).isEqualTo("app.items_name");
    }

    @Test
    void theLockIsRenewedDuringALongMigrationAndItsExpiryComesFromTheDatabaseClock() throws Exception {
        migrator(CORE).build().bootstrap();
        List<Long> ttlMillis = new ArrayList<>();
        SchemaSubsystem sub = SchemaSubsystem.of("long", SchemaMigration.builder("000_long").up(c -> {
            Thread.sleep(3000); // longer than the 2 s lock timeout: only renewal keeps the lock
            ttlMillis.add(Long.parseLong(pg.queryString(
                    "SELECT (extract(epoch FROM ttl - clock_timestamp()) * 1000)::bigint FROM app.locks")));
            try {
                migrator(CORE).owner("intruder").lockWait(Duration.ZERO).build().up();
                throw new AssertionError("the intruder got the lock");
            } catch (UpgradeException e) {
                if (e.code() != KongErrorCode.LOCK_HELD) {
                    throw e;
                }
            }
        }).build());

        MigrationRun run = migrator(CORE, sub).lockTimeout(Duration.ofSeconds(2)).renewEvery(Duration.ofMillis(200))
                .build().up();

        assertThat(run.executed()).containsExactly("long/000_long");
        // still in the future after 3 s (renewed), never more than the timeout ahead of the DATABASE clock
        assertThat(ttlMillis).singleElement().satisfies(ms -> assertThat(ms).isBetween(1L, 2000L));
    }

    @Test
    void aDatabaseMigratedByNewerCodeIsRefused() {
        SchemaSubsystem v2 = SchemaSubsystem.of("core", CORE.migrations().get(0),
                SchemaMigration.sql("001_v2", "ALTER TABLE items ADD COLUMN IF NOT EXISTS new_name TEXT"));
        migrator(v2).build().bootstrap();

        SchemaMigrator old = migrator(CORE).build();

        assertThatThrownBy(old::up)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KongErrorCode.DATABASE_NEWER_THAN_CODE))
                .hasMessageContaining("001_v2");
        assertThat(migrator(CORE).allowUnknownMigrations(true).build().up().output())
                .isEqualTo("Database is already up-to-date\n");
    }

    @Test
    void theTablesAreKongsLayoutSoKongDatabaseReadsThem() {
        migrator(CORE).build().bootstrap();
        migrator(CORE, PLUGIN).build().up();

        MigrationState read = MigrationState.compute(List.of(CORE.toKongSubsystem(), PLUGIN.toKongSubsystem()),
                KongDatabase.builder().dataSource(pg.dataSource).schema("app").build().rows());

        assertThat(read.pending()).containsExactly(new SubsystemMigrations("with-migrations",
                "kong.plugins.with-migrations.migrations", List.of("001_14_to_15")));
        assertThat(pg.queryString("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
                + "FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 'locks'"))
                .isEqualTo("key:text,owner:text,ttl:timestamp with time zone");
    }

    @Test
    void withoutAConfiguredSchemaItWorksInTheCurrentOne() {
        SchemaMigrator m = SchemaMigrator.builder().dataSource(pg.dataSource).subsystem(CORE).subsystem(PLUGIN).build();

        m.bootstrap();

        assertThat(pg.queryString("SELECT to_regclass('public.schema_meta')::text")).isEqualTo("schema_meta");
        assertThat(pg.queryString("SELECT to_regclass('public.foo')::text")).isEqualTo("foo");
        assertThat(m.list().exitCode()).isZero();
    }

    @Test
    void invalidDefinitionsAreRefusedWithKongsMessage() {
        assertThatThrownBy(() -> SchemaMigration.builder("000_empty").build())
                .hasMessageContaining("at least one of these fields must be non-empty: 'postgres.up', 'postgres.up_f', "
                        + "'postgres.teardown'");
        assertThatThrownBy(() -> SchemaSubsystem.of("core", SchemaMigration.sql("a", "SELECT 1"),
                SchemaMigration.sql("a", "SELECT 2"))).hasMessageContaining("appears twice");
    }

    private interface Attempt {
        Object run(int i) throws Exception;
    }

    private List<Future<Object>> race(int n, Attempt attempt) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        pools.add(pool);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            Callable<Object> call = () -> {
                start.await();
                try {
                    return attempt.run(id);
                } catch (UpgradeException e) {
                    return e;
                }
            };
            futures.add(pool.submit(call));
        }
        start.countDown();
        return futures;
    }
}
