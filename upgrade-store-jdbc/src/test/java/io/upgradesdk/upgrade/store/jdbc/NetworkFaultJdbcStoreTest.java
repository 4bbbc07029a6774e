package io.upgradesdk.upgrade.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.FaultProxy;
import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The JDBC store reached through a {@link FaultProxy}: PostgreSQL unreachable for a while, then
 * connections reset while saves are in flight. The run retries the saves and completes; every unit
 * of work is done once and the checkpoint in the database is complete.
 */
@Tag("integration")
class NetworkFaultJdbcStoreTest {

    private static final int UNITS = 40;

    @Test
    void aRunRidesThroughRefusedAndResetDatabaseConnectionsAndDoesEachUnitOnce() throws Exception {
        PostgresServer server = PostgresServer.get();
        String database = server.newDatabase("net_fault");
        try (FaultProxy proxy = FaultProxy.to(server.host(), server.port())) {
            JdbcCheckpointStore throughProxy = JdbcCheckpointStore.builder(dataSource(server, database, proxy.port()))
                    .build();
            int[] doneUnits = new int[UNITS];
            CompletableFuture<Void> faults = new CompletableFuture<>();
            UpgradePlan plan = plan("net-fault-" + UUID.randomUUID(), doneUnits, unit -> {
                if (unit == 10) {
                    CompletableFuture.runAsync(() -> injectFaults(proxy)).whenComplete((v, e) -> complete(faults, e));
                }
            });

            UpgradeReport report = UpgradeRunner.builder().store(throughProxy).owner("host-a")
                    .leaseDuration(Duration.ofSeconds(20))
                    .retryPolicy(RetryPolicy.custom().maxAttempts(30).initialBackoff(Duration.ofMillis(50))
                            .maxBackoff(Duration.ofMillis(400)).build())
                    .build().up(plan);

            faults.get();
            assertThat(report.outcome()).as("%s", report.toJson()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
            assertThat(proxy.connectionsReset()).as("connections refused or reset during the run").isPositive();
            assertThat(doneUnits).as("each unit of work done exactly once").containsOnly(1);
            Checkpoint stored = JdbcCheckpointStore.builder(dataSource(server, database, server.port())).build()
                    .load(plan.id()).orElseThrow();
            assertThat(stored.steps()).allSatisfy(step -> assertThat(step.state()).isEqualTo(StepState.SUCCEEDED));
        }
    }

    /** 800 ms of refused connections, then 1 s of slow connections reset every 100 ms. */
    private static void injectFaults(FaultProxy proxy) {
        proxy.refuseConnections(true);
        pause(800);
        proxy.refuseConnections(false);
        proxy.latency(Duration.ofMillis(20));
        for (int i = 0; i < 10; i++) {
            pause(100);
            proxy.resetConnections();
        }
        proxy.heal();
    }

    private interface UnitHook {
        void beforeUnit(int unit);
    }

    /** One step doing {@link #UNITS} units of 30 ms, saving a cursor after each; a unit is done once. */
    private static UpgradePlan plan(String id, int[] doneUnits, UnitHook hook) {
        return UpgradePlan.builder(id)
                .step(UpgradeStep.builder("units").execute(ctx -> {
                    int from = ctx.cursor().map(Integer::parseInt).orElse(0);
                    for (int unit = from; unit < UNITS; unit++) {
                        hook.beforeUnit(unit);
                        Thread.sleep(30);
                        doneUnits[unit]++;
                        ctx.saveCursor(Integer.toString(unit + 1));
                    }
                }).build())
                .step(UpgradeStep.builder("after").execute(ctx -> { }).build())
                .build();
    }

    private static PGSimpleDataSource dataSource(PostgresServer server, String database, int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + database);
        ds.setUser(server.user());
        ds.setConnectTimeout(2);
        ds.setSocketTimeout(5);
        return ds;
    }

    private static void complete(CompletableFuture<Void> future, Throwable error) {
        if (error != null) {
            future.completeExceptionally(error);
        } else {
            future.complete(null);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
