package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A database migrated by Kong 3.9.3 (plus a migration no release knows), planned as an upgrade to
 * 3.5.0 from a 3.4.2 node: {@code list} says the database is newer than the target, and the plan
 * refuses in pre-flight, dry run included, before anything changes.
 */
@Tag("integration")
class DatabaseNewerThanTargetTest {

    private static final KongVersion V342 = KongVersion.parse("3.4.2");
    private static final KongVersion V350 = KongVersion.parse("3.5.0");
    private static final KongVersion V393 = KongVersion.parse("3.9.3");

    private PgDatabase pg;
    private KongDatabase kong;
    private FakeAdminApi oldNode;
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final KongUpgrade kongUpgrade = KongUpgrade.builder().pollInterval(Duration.ofMillis(10)).sleeper(d -> { })
            .build();

    @BeforeEach
    void databaseMigratedBy393() throws Exception {
        pg = PgDatabase.fresh("kong_newer");
        kong = KongDatabase.builder().dataSource(pg.dataSource).build();
        List<KongSubsystem> subsystems = new ArrayList<>(kong.subsystems(V393));
        KongSubsystem core = subsystems.get(0);
        List<KongMigration> coreAndUnknown = new ArrayList<>(core.migrations());
        coreAndUnknown.add(new KongMigration("099_from_the_future", false));
        subsystems.set(0, new KongSubsystem(core.name(), coreAndUnknown));
        new KongRecorder(pg.dataSource, null).bootstrap(subsystems);
        oldNode = new FakeAdminApi("3.4.2");
    }

    @AfterEach
    void stopServers() {
        oldNode.close();
        kongUpgrade.close();
    }

    @Test
    void listForAnOlderReleaseSaysTheDatabaseIsNewerThanTheTarget() {
        MigrationState state = kong.state(V350);

        assertThat(state.status()).isEqualTo(MigrationState.Status.NEWER_THAN_CODE);
        assertThat(state.status().description()).isEqualTo("database newer than target");
        assertThat(state.newerRecorded().get("core")).contains("022_350_to_360", "099_from_the_future")
                .doesNotContain("021_340_to_350");
        CommandOutput list = kong.list(V342);
        assertThat(list.stderr()).contains("Database newer than target", "Kong 3.4.2 does not know",
                "099_from_the_future");
    }

    @Test
    void theReleaseThatMigratedItSeesOnlyTheUnknownMigrationAsNewer() {
        MigrationState state = kong.state(V393);

        assertThat(state.status()).isEqualTo(MigrationState.Status.NEWER_THAN_CODE);
        assertThat(state.newerRecorded()).containsOnlyKeys("core");
        assertThat(state.newerRecorded().get("core")).containsExactly("099_from_the_future");
    }

    @Test
    void migrationsThatALaterReleaseDroppedDoNotMakeTheDatabaseNewer() throws Exception {
        PgDatabase old = PgDatabase.fresh("kong_1x");
        KongDatabase db = KongDatabase.builder().dataSource(old.dataSource).build();
        new KongRecorder(old.dataSource, null).bootstrap(db.subsystems(KongVersion.parse("1.5.0")));

        MigrationState state = db.state(KongVersion.parse("2.0.0"));

        assertThat(state.unknownRecorded()).isNotEmpty(); // 1.x's 001_14_to_15, dropped by 2.0
        assertThat(state.isNewerThanCode()).isFalse();
        assertThat(state.status()).isEqualTo(MigrationState.Status.NEW);
    }

    @Test
    void theUpgradePlanRefusesInPreflightBeforeStoppingAnyNode() {
        String before = pg.queryString("SELECT string_agg(subsystem || ':' || array_to_string(executed, ','), ';'"
                + " ORDER BY subsystem) FROM schema_meta");

        UpgradeReport report = runner().up(plan());

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.step("preflight").orElseThrow().outcome()).isEqualTo(UpgradeReport.StepOutcome.FAILED);
        assertThat(report.error()).contains("database newer than target", "3.5.0", "099_from_the_future",
                "Nothing was changed");
        assertThat(calls).isEmpty();
        assertThat(pg.queryString("SELECT string_agg(subsystem || ':' || array_to_string(executed, ','), ';'"
                + " ORDER BY subsystem) FROM schema_meta")).isEqualTo(before);
    }

    @Test
    void theDryRunReportsTheRefusal() {
        Preview preview = runner().preview(plan());

        assertThat(preview.warnings()).anySatisfy(w -> assertThat(w).contains("preflight", "database newer than target"));
        assertThat(calls).isEmpty();
    }

    private UpgradeTestRunner runner() {
        return UpgradeTestKit.runner().owner("test").retryPolicy(RetryPolicy.none()).build().answerConfirmations(true);
    }

    private UpgradePlan plan() {
        KongCli cli = ProcessKongCli.builder()
                .command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), FakeKongCli.class.getName()))
                .env("FAKE_KONG_PG_URL", pg.url()).env("FAKE_KONG_VERSION", "3.5.0").env("FAKE_KONG_MODE", "ok")
                .timeout(Duration.ofSeconds(60)).build();
        return kongUpgrade.upgradePlan(KongUpgradeSettings.builder("kong-34-to-35").strategy(Strategy.IN_PLACE)
                .target(V350).oldNode(KongAdminClient.of(oldNode.uri())).database(kong).cli(cli)
                .deployment(new KongDeployment() {
                    @Override
                    public void stopOldNodes() {
                        calls.add("stop-old");
                    }

                    @Override
                    public void startOldNodes() {
                        calls.add("start-old");
                    }

                    @Override
                    public void startNewNodes() {
                        calls.add("start-new");
                    }

                    @Override
                    public List<URI> newNodes() {
                        return List.of();
                    }

                    @Override
                    public void decommissionOldNodes() {
                        calls.add("decommission-old");
                    }
                })
                .backup(ctx -> calls.add("backup")).readyTimeout(Duration.ofSeconds(10)).build());
    }
}
