package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradeEvent;
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
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Upgrade plans run by the SDK's runner against a real PostgreSQL database in Kong 2.8's state,
 * with Kong's CLI played by a stand-in process ({@link FakeKongCli}) and its Admin API by a local
 * HTTP server ({@link FakeAdminApi}): Kong itself cannot be installed on these machines.
 */
@Tag("integration")
class KongUpgradeTest {

    private static final KongVersion V28 = KongVersion.parse("2.8.4");
    private static final KongVersion V30 = KongVersion.parse("3.0.0");

    private PgDatabase pg;
    private KongDatabase kong;
    private FakeAdminApi oldNode;
    private FakeAdminApi newNode;
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void kong28() throws Exception {
        pg = PgDatabase.fresh("kong_plan");
        kong = KongDatabase.builder().dataSource(pg.dataSource).build();
        new KongRecorder(pg.dataSource, null).bootstrap(kong.subsystems(V28));
        oldNode = new FakeAdminApi("2.8.4");
        newNode = new FakeAdminApi("3.0.0");
    }

    @AfterEach
    void stopServers() {
        oldNode.close();
        newNode.close();
        kongUpgrade.close();
    }

    private KongCli cli(String mode) {
        return ProcessKongCli.builder()
                .command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), FakeKongCli.class.getName()))
                .env("FAKE_KONG_PG_URL", pg.url()).env("FAKE_KONG_VERSION", "3.0.0").env("FAKE_KONG_MODE", mode)
                .timeout(Duration.ofSeconds(60)).build();
    }

    private KongDeployment deployment() {
        return new KongDeployment() {
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
                return List.of(newNode.uri());
            }

            @Override
            public void decommissionOldNodes() {
                calls.add("decommission-old");
            }
        };
    }

    private TrafficShift traffic() {
        return new TrafficShift() {
            @Override
            public void shiftToNew() {
                calls.add("shift-to-new");
            }

            @Override
            public void shiftBack() {
                calls.add("shift-back");
            }
        };
    }

    private final KongUpgrade kongUpgrade = KongUpgrade.builder().pollInterval(Duration.ofMillis(10)).sleeper(d -> { })
            .build();

    private KongUpgradeSettings.Builder plan(Strategy strategy, String cliMode) {
        return KongUpgradeSettings.builder("kong-28-to-30").strategy(strategy).target(V30)
                .oldNode(KongAdminClient.of(oldNode.uri())).database(kong).cli(cli(cliMode))
                .deployment(deployment()).traffic(traffic()).backup(ctx -> calls.add("backup"))
                .readyTimeout(Duration.ofSeconds(10));
    }

    private UpgradePlan build(KongUpgradeSettings.Builder settings) {
        return kongUpgrade.upgradePlan(settings.build());
    }

    private final UpgradeTestRunner runner = UpgradeTestKit.runner().owner("test").retryPolicy(RetryPolicy.none()).build();

    /** The testkit's runner (in-memory store, test clock, no real waits), answering the point of no return. */
    private UpgradeTestRunner runner(boolean confirm) {
        return runner.answerConfirmations(confirm);
    }

    @Test
    void blueGreenRunsUpThenWaitsForConfirmationBeforeFinish() {
        newNode.notReadyFor.set(2);
        UpgradePlan plan = build(plan(Strategy.BLUE_GREEN, "ok"));
        UpgradeTestRunner runner = runner(false);

        UpgradeReport up = runner.up(plan);

        assertThat(up.outcome()).as(up.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(calls).containsExactly("backup", "start-new", "shift-to-new");
        assertThat(kong.state(V30).exitCode()).isEqualTo(4);          // the blue/green window
        assertThat(kong.state(V28).exitCode()).isZero();              // old nodes still fine

        UpgradeReport denied = runner.finish(plan);
        assertThat(denied.outcome()).isEqualTo(UpgradeReport.Outcome.AWAITING_CONFIRMATION);
        assertThat(kong.state(V30).hasPending()).isTrue();

        UpgradeReport finished = runner(true).run(plan);
        assertThat(finished.outcome()).as(finished.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(kong.state(V30).exitCode()).isZero();
        assertThat(calls).endsWith("decommission-old");
    }

    @Test
    void inPlaceStopsOldNodesMigratesAndStartsNewOnes() {
        newNode.notReadyFor.set(-1); // a node without /status/ready: falls back to /status

        UpgradeReport report = runner(true).run(build(plan(Strategy.IN_PLACE, "ok")));

        assertThat(report.outcome()).as(report.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(calls).containsExactly("backup", "stop-old", "start-new");
        assertThat(kong.state(V30).isUpToDate()).isTrue();
        assertThat(kong.state(V30).exitCode()).isZero();
        assertThat(runner.events().ofType(UpgradeEvent.StepProgress.class)).as("what kong printed, as notices")
                .filteredOn(UpgradeEvent.StepProgress::isNotice)
                .extracting(e -> e.stepId() + ": " + e.message())
                .containsSubsequence("migrations-up: kong migrations up: Database has pending migrations; run"
                        + " 'kong migrations finish' when ready",
                        "migrations-finish: kong migrations finish: No pending migrations to finish");
    }

    @Test
    void anotherNodeHoldingTheLockIsNotSuccessEvenThoughKongExitsZero() {
        UpgradeReport report = runner(false).up(build(plan(Strategy.BLUE_GREEN, "locked")));

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.error()).contains("another node is performing database changes (Kong exits 0 here)");
        assertThat(report.step("migrations-up").orElseThrow().outcome()).isEqualTo(UpgradeReport.StepOutcome.FAILED);
        assertThat(kong.state(V30).exitCode()).isEqualTo(5);
        assertThat(calls).containsExactly("backup");
    }

    @Test
    void aSecretGivenToThePlanNeverAppearsInTheReport() {
        io.upgradesdk.upgrade.Secret password = io.upgradesdk.upgrade.Secret.of("kong.pg.password", "s3cr3t-pw");
        UpgradePlan plan = build(plan(Strategy.BLUE_GREEN, "ok").secret(password).backup(ctx -> {
            throw new IllegalStateException("pg_dump: password authentication failed for s3cr3t-pw");
        }));

        UpgradeReport report = runner(false).up(plan);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.toJson() + report).doesNotContain("s3cr3t-pw").contains("password authentication failed");
    }

    @Test
    void pgDumpBackupWritesADirectoryFormatDumpOrFailsNamingTheFix(@org.junit.jupiter.api.io.TempDir Path dir) {
        io.upgradesdk.testservers.PostgresServer server = io.upgradesdk.testservers.PostgresServer.get();
        KongBackup good = KongBackup.pgDump(server.binDir().resolve("pg_dump"), server.host(), server.port(), pg.name,
                server.user(), io.upgradesdk.upgrade.Secret.of("pg", "any"), dir);
        KongBackup bad = KongBackup.pgDump(server.binDir().resolve("pg_dump"), server.host(), server.port(),
                "no_such_db", server.user(), null, dir);
        UpgradePlan ok = UpgradePlan.builder("backup-ok").step(io.upgradesdk.upgrade.UpgradeStep.builder("backup")
                .execute(good::backup).build()).build();
        UpgradePlan ko = UpgradePlan.builder("backup-ko").step(io.upgradesdk.upgrade.UpgradeStep.builder("backup")
                .execute(bad::backup).build()).build();

        assertThat(runner(false).up(ok).isSuccess()).isTrue();
        assertThat(dir.resolve("backup-ok").resolve("toc.dat")).exists();
        UpgradeReport failed = runner(false).up(ko);
        assertThat(failed.error()).contains("pg_dump of no_such_db failed").contains("run again");
    }

    @Test
    void aFailingCliStopsThePlanWithItsError() {
        UpgradeReport report = runner(false).up(build(plan(Strategy.BLUE_GREEN, "fail")));

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.error()).contains("exited 1").contains("boom");
    }

    @Test
    void preflightRefusesPendingMigrationsOfAPreviousUpgrade() throws Exception {
        new KongRecorder(pg.dataSource, null).up(kong.subsystems(V30));

        UpgradeReport report = runner(false).up(build(plan(Strategy.BLUE_GREEN, "ok")));

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.error()).contains("core/016_280_to_300").contains("kong migrations finish");
        assertThat(calls).isEmpty();
    }

    @Test
    void preflightRefusesAPathThatIsNotDirect() {
        oldNode.version = "2.6.0";

        UpgradeReport report = runner(false).up(build(plan(Strategy.BLUE_GREEN, "ok")));

        assertThat(report.outcome()).as(report.toString()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.error()).contains("upgrade through");
    }

    @Test
    void aNewNodeThatNeverBecomesReadyFailsTheWait() {
        newNode.notReadyFor.set(Integer.MAX_VALUE);

        try (KongUpgrade realSleeps = KongUpgrade.builder().pollInterval(Duration.ofMillis(20))
                .sleeper(d -> Thread.sleep(d.toMillis())).build()) {
            UpgradeReport report = runner(false).up(realSleeps.upgradePlan(plan(Strategy.BLUE_GREEN, "ok")
                    .readyTimeout(Duration.ofMillis(300)).build()));

            assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
            assertThat(report.error()).contains("is not ready after");
            assertThat(report.error()).contains("router builds not yet complete");
        }
    }

    @Test
    void rollbackBeforeFinishShiftsTrafficBack() {
        UpgradePlan plan = build(plan(Strategy.BLUE_GREEN, "ok"));
        UpgradeTestRunner runner = runner(false);
        runner.up(plan);

        UpgradeReport rollback = runner.rollback(plan);

        assertThat(rollback.isSuccess()).as(rollback.toString()).isTrue();
        assertThat(calls).endsWith("shift-back");
    }

    @Test
    void previewListsTheMigrationsWithoutRunningAnything() {
        Preview preview = runner(false).preview(build(plan(Strategy.DUAL_CLUSTER, "ok")
                .newDatabase(kong).restore(ctx -> calls.add("restore"))));

        assertThat(preview.toString()).contains("016_280_to_300");
        assertThat(calls).isEmpty();
        assertThat(kong.state(V30).exitCode()).isEqualTo(5);
    }

    @Test
    void dualClusterMigratesTheNewDatabaseAndDecommissionIsThePointOfNoReturn() throws Exception {
        PgDatabase copy = PgDatabase.fresh("kong_plan_copy");
        KongDatabase newDb = KongDatabase.builder().dataSource(copy.dataSource).build();
        KongCli newCli = ProcessKongCli.builder()
                .command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), FakeKongCli.class.getName()))
                .env("FAKE_KONG_PG_URL", copy.url()).env("FAKE_KONG_VERSION", "3.0.0").build();
        UpgradePlan plan = build(plan(Strategy.DUAL_CLUSTER, "ok").cli(newCli).newDatabase(newDb)
                .restore(ctx -> new KongRecorder(copy.dataSource, null).bootstrap(kong.subsystems(V28))));

        UpgradeReport report = runner(true).run(plan);

        assertThat(report.outcome()).as(report.toString()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(newDb.state(V30).exitCode()).isZero();
        assertThat(kong.state(V30).exitCode()).isEqualTo(5); // the old cluster's database is untouched
        assertThat(plan.pointOfNoReturn().orElseThrow().id()).isEqualTo("decommission-old-nodes");
        assertThat(Set.copyOf(calls)).contains("shift-to-new", "decommission-old");
    }
}
