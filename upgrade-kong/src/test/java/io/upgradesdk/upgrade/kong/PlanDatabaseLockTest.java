package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import io.upgradesdk.upgrade.kong.internal.PlanDatabaseLock;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two in-place upgrade runs of the same Kong database with different checkpoint stores, on a real
 * PostgreSQL server: the plan lock in the database lets one run through and stops the other
 * before its first change, naming the holder.
 */
@Tag("integration")
class PlanDatabaseLockTest {

    private static final KongVersion V28 = KongVersion.parse("2.8.4");
    private static final KongVersion V30 = KongVersion.parse("3.0.0");

    private PgDatabase pg;
    private KongDatabase kong;
    private FakeAdminApi oldNode;
    private FakeAdminApi newNode;
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstRunStopping = new CountDownLatch(1);
    private final CountDownLatch letFirstRunGoOn = new CountDownLatch(1);
    private final KongUpgrade first = KongUpgrade.builder().pollInterval(Duration.ofMillis(10)).sleeper(d -> { }).build();
    private final KongUpgrade second = KongUpgrade.builder().pollInterval(Duration.ofMillis(10)).sleeper(d -> { }).build();

    @BeforeEach
    void kong28() throws Exception {
        pg = PgDatabase.fresh("kong_lock");
        kong = KongDatabase.builder().dataSource(pg.dataSource).build();
        new KongRecorder(pg.dataSource, null).bootstrap(kong.subsystems(V28));
        oldNode = new FakeAdminApi("2.8.4");
        newNode = new FakeAdminApi("3.0.0");
    }

    @AfterEach
    void stop() {
        letFirstRunGoOn.countDown();
        first.close();
        second.close();
        oldNode.close();
        newNode.close();
    }

    @Test
    void aSecondRunWithAnotherCheckpointStoreFailsNamingTheHolderAndMigratesNothing() throws Exception {
        CompletableFuture<UpgradeReport> firstRun = CompletableFuture.supplyAsync(
                () -> runner().up(plan(first, "run-1")));
        assertThat(firstRunStopping.await(60, TimeUnit.SECONDS)).isTrue();

        UpgradeReport secondRun = runner().up(plan(second, "run-2"));

        assertThat(secondRun.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(secondRun.errorCode()).isEqualTo("UPGRADE_STEP_FAILED");
        assertThat(secondRun.step("preflight").orElseThrow().error())
                .contains("another upgrade run holds the plan lock", "upgrade-sdk kong-28-to-30 pid");
        letFirstRunGoOn.countDown();
        UpgradeReport firstReport = firstRun.get(120, TimeUnit.SECONDS);
        assertThat(firstReport.isSuccess()).as(firstReport.toString()).isTrue();
        assertThat(calls).containsExactly("stop-old run-1", "migrations up run-1");
    }

    @Test
    void theLockIsFreeOnceTheFirstRunsPhaseEnded() throws Exception {
        letFirstRunGoOn.countDown();
        assertThat(runner().up(plan(first, "run-1")).isSuccess()).isTrue();

        try (PlanDatabaseLock lock = new PlanDatabaseLock(pg.dataSource, null, "probe")) {
            lock.acquire();
            assertThat(lock.isHeld()).isTrue();
        }
        UpgradeReport again = runner().up(plan(second, "run-2"));

        // past the lock: its pre-flight now sees the first run's pending migrations
        assertThat(again.step("preflight").orElseThrow().error()).contains("pending migrations")
                .doesNotContain("plan lock");
        assertThat(calls).containsExactly("stop-old run-1", "migrations up run-1");
    }

    private UpgradeTestRunner runner() {
        return UpgradeTestKit.runner().owner("test").retryPolicy(RetryPolicy.none()).build().answerConfirmations(false);
    }

    private UpgradePlan plan(KongUpgrade kongUpgrade, String run) {
        KongCli process = ProcessKongCli.builder()
                .command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), FakeKongCli.class.getName()))
                .env("FAKE_KONG_PG_URL", pg.url()).env("FAKE_KONG_VERSION", "3.0.0").env("FAKE_KONG_MODE", "ok")
                .timeout(Duration.ofSeconds(60)).build();
        KongCli recorded = (sub, args) -> {
            calls.add("migrations " + sub + " " + run);
            return process.migrations(sub, args);
        };
        return kongUpgrade.upgradePlan(KongUpgradeSettings.builder("kong-28-to-30").strategy(Strategy.IN_PLACE)
                .target(V30).oldNode(KongAdminClient.of(oldNode.uri())).database(kong).cli(recorded)
                .deployment(new KongDeployment() {
                    @Override
                    public void stopOldNodes() throws InterruptedException {
                        calls.add("stop-old " + run);
                        firstRunStopping.countDown();
                        letFirstRunGoOn.await(60, TimeUnit.SECONDS);
                    }

                    @Override
                    public void startOldNodes() {
                        calls.add("start-old " + run);
                    }

                    @Override
                    public void startNewNodes() {
                        calls.add("start-new " + run);
                    }

                    @Override
                    public List<URI> newNodes() {
                        return List.of(newNode.uri());
                    }

                    @Override
                    public void decommissionOldNodes() {
                        calls.add("decommission-old " + run);
                    }
                })
                .backup(ctx -> { }).readyTimeout(Duration.ofSeconds(10)).build());
    }
}
