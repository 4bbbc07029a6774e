package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code list}/{@code status} on real PostgreSQL databases in the states of real Kong releases
 * (built from the catalogue), compared with what the spec says Kong prints (spec §2.5, §5.4).
 */
@Tag("integration")
class KongDatabaseTest {

    private static final KongCatalog CATALOG = KongCatalog.bundled();
    private static final KongVersion V280 = KongVersion.parse("2.8.4");
    private static final KongVersion V300 = KongVersion.parse("3.0.0");
    private static final Set<String> TWO_PLUGINS = Set.of("http-log", "pre-function");
    private static final List<String> CORE_28 = List.of("000_base", "003_100_to_110", "004_110_to_120",
            "005_120_to_130", "006_130_to_140", "007_140_to_150", "008_150_to_200", "009_200_to_210", "010_210_to_211",
            "011_212_to_213", "012_213_to_220", "013_220_to_230", "014_230_to_270", "015_270_to_280");

    private PgDatabase pg;
    private KongDatabase kong;
    private KongRecorder recorder;

    @BeforeEach
    void freshDatabase() {
        pg = PgDatabase.fresh("kong_state");
        kong = KongDatabase.builder().dataSource(pg.dataSource).plugins(TWO_PLUGINS).build();
        recorder = new KongRecorder(pg.dataSource, null);
    }

    @Test
    void freshDatabaseNeedsBootstrapExitThree() {
        CommandOutput list = kong.list(V300);

        assertThat(list.exitCode()).isEqualTo(3);
        assertThat(list.stdout()).isEqualTo(MigrationState.NEEDS_BOOTSTRAP_MSG + "\n");
        assertThat(kong.status(V300)).startsWith("{\"needs_bootstrap\":true,");
        assertThat(kong.rows()).isNull();
    }

    @Test
    void blueGreenWindowFrom28To30MatchesTheSpecRowsAndListing() throws Exception {
        // (b) bootstrap with 2.8.x: no plugin rows (neither plugin had migrations), pending = {}
        recorder.bootstrap(kong.subsystems(V280));
        assertThat(kong.rows()).containsExactly(new SchemaMetaRow("core", "015_270_to_280", CORE_28, List.of()));
        assertThat(pg.queryString("SELECT pending::text FROM schema_meta WHERE subsystem = 'core'")).isEqualTo("{}");
        assertThat(kong.list(V280)).isEqualTo(new CommandOutput(0,
                "Executed migrations:\ncore: " + String.join(", ", CORE_28) + "\n", ""));
        // what Kong 3.0 sees before up: new migrations, exit 5
        CommandOutput before = kong.list(V300);
        assertThat(before.exitCode()).isEqualTo(5);
        assertThat(before.stdout()).endsWith("\nNew migrations available:\n        core: 016_280_to_300\n"
                + "    http-log: 001_280_to_300\npre-function: 001_280_to_300\n\nRun 'kong migrations up' to proceed\n");

        // (c) up with 3.0.x: everything pending, last_executed unchanged, plugin rows with NULL executed
        recorder.up(kong.subsystems(V300));
        assertThat(kong.rows()).containsExactly(
                new SchemaMetaRow("core", "015_270_to_280", CORE_28, List.of("016_280_to_300")),
                new SchemaMetaRow("http-log", null, null, List.of("001_280_to_300")),
                new SchemaMetaRow("pre-function", null, null, List.of("001_280_to_300")));
        assertThat(pg.queryString("SELECT executed IS NULL FROM schema_meta WHERE subsystem = 'http-log'")).isEqualTo("t");
        CommandOutput window = kong.list(V300);
        assertThat(window.exitCode()).isEqualTo(4);
        assertThat(window.stdout()).isEqualTo("Executed migrations:\ncore: " + String.join(", ", CORE_28) + "\n"
                + "\nPending migrations:\n        core: 016_280_to_300\n    http-log: 001_280_to_300\n"
                + "pre-function: 001_280_to_300\n\nRun 'kong migrations finish' when ready\n");
        // old nodes (2.8) still see an up-to-date database
        assertThat(kong.list(V280).exitCode()).isZero();

        // (d) finish with 3.0.x
        recorder.finish(kong.subsystems(V300));
        List<String> core30 = new java.util.ArrayList<>(CORE_28);
        core30.add("016_280_to_300");
        assertThat(kong.rows()).containsExactly(
                new SchemaMetaRow("core", "016_280_to_300", core30, List.of()),
                new SchemaMetaRow("http-log", "001_280_to_300", List.of("001_280_to_300"), List.of()),
                new SchemaMetaRow("pre-function", "001_280_to_300", List.of("001_280_to_300"), List.of()));
        assertThat(kong.list(V300).exitCode()).isZero();
        assertThat(kong.state(V300).isUpToDate()).isTrue();
    }

    @Test
    void pendingFromAPreviousUpgradeAndNewFromThisOneExitFourWithTheWarning() throws Exception {
        KongDatabase all = KongDatabase.builder().dataSource(pg.dataSource).build();
        recorder.bootstrap(all.subsystems(V280));
        recorder.up(all.subsystems(V300));
        KongVersion v34 = KongVersion.parse("3.4.0");

        CommandOutput list = all.list(v34);

        assertThat(list.exitCode()).isEqualTo(4);
        assertThat(list.stdout()).contains("\nPending migrations:\n").contains("\nNew migrations available:\n")
                .endsWith("\nRun 'kong migrations finish' when ready to complete pending migrations (postgres database "
                        + "will be incompatible with the previous Kong version)\n");
        assertThat(list.stderr()).isEqualTo("\nDatabase has pending migrations from a previous upgrade, and new "
                + "migrations from this upgrade (version 3.4.0)\n");
    }

    @Test
    void theSpecFixtureListingIsReproducedExactly() throws Exception {
        KongSubsystem core = KongSubsystem.of("core", new KongMigration("000_base", false));
        KongSubsystem plugin = KongSubsystem.of("with-migrations", new KongMigration("000_base_with_migrations", false),
                new KongMigration("001_14_to_15", true));
        recorder.bootstrap(List.of(core));

        MigrationState state = MigrationState.compute(List.of(core, plugin), kong.rows());

        assertThat(state.listOutput("3.9.3")).isEqualTo(new CommandOutput(5, "Executed migrations:\ncore: 000_base\n\n"
                + "New migrations available:\nwith-migrations: 000_base_with_migrations, 001_14_to_15\n\n"
                + "Run 'kong migrations up' to proceed\n", ""));
    }

    @Test
    void allBundledSubsystemsOfEveryThirdReleaseBootstrapToUpToDate() throws Exception {
        KongDatabase all = KongDatabase.builder().dataSource(pg.dataSource).schema("kong").build();
        KongRecorder inSchema = new KongRecorder(pg.dataSource, "kong");
        List<KongRelease> releases = CATALOG.releases();
        KongRelease first = releases.get(0);
        inSchema.bootstrap(all.subsystems(first.version()));
        assertThat(MigrationState.count(all.state(first.version()).executed())).isEqualTo(first.migrationCount());
        for (int i = 3; i < releases.size(); i += 3) {
            KongVersion v = releases.get(i).version();
            inSchema.up(all.subsystems(v));
            inSchema.finish(all.subsystems(v));
            MigrationState state = all.state(v);
            assertThat(state.exitCode()).as("list exit code for %s", v).isZero();
            assertThat(MigrationState.count(state.executed())).as("executed count for %s", v)
                    .isEqualTo(releases.get(i).migrationCount());
        }
        // the public schema is untouched: Kong's tables live in "kong"
        assertThat(kong.list(V300).exitCode()).isEqualTo(3);
    }

    @Test
    void customPluginsDeclaredByTheHostAreLoaded() throws Exception {
        KongSubsystem custom = KongSubsystem.of("my-auth", new KongMigration("000_base_my_auth", false),
                new KongMigration("001_300_to_310", true));
        KongDatabase withCustom = KongDatabase.builder().dataSource(pg.dataSource).plugins(TWO_PLUGINS)
                .extraSubsystem(custom).build();
        recorder.bootstrap(kong.subsystems(V300));

        MigrationState state = withCustom.state(V300);

        assertThat(withCustom.subsystems(V300)).extracting(KongSubsystem::name)
                .containsExactly("core", "http-log", "my-auth", "pre-function");
        assertThat(state.newMigrations()).containsExactly(new SubsystemMigrations("my-auth",
                "kong.plugins.my-auth.migrations", List.of("000_base_my_auth", "001_300_to_310")));
        assertThat(withCustom.list(V300).exitCode()).isEqualTo(5);
    }

    @Test
    void aDatabaseThatCannotBeReachedListsWithExitOne() {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(pg.url().replace("/" + pg.name, "/no_such_database_here"));
        ds.setUser("postgres");

        CommandOutput list = KongDatabase.builder().dataSource(ds).build().list(V300);

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.stderr()).startsWith("Error: [PostgreSQL error]");
    }
}
