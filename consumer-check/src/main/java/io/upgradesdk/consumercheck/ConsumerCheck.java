package io.upgradesdk.consumercheck;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import io.upgradesdk.upgrade.kong.KongUpgradePath;
import io.upgradesdk.upgrade.kong.KongUpgradePaths;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener;
import io.upgradesdk.upgrade.opentelemetry.OpenTelemetryUpgradeListener;
import io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore;
import io.upgradesdk.upgrade.store.redis.RedisCheckpointStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What a host does with the SDK, written only against its published artifacts: build a small plan,
 * run it on an in-memory store, and use one public type of every product module in a way that
 * loads its third-party dependencies (so a dependency missing from a published pom fails here).
 * Nothing here opens a network connection.
 */
public final class ConsumerCheck {

    /** The rows the sample plan copies. */
    public static final int ROWS = 10;

    /** The rows copied per page; a cursor is saved after each page. */
    public static final int PAGE = 4;

    private ConsumerCheck() {
    }

    /** How far the copy got: the last row copied. Saved as the step's typed (JSON) cursor. */
    public record CopyState(int lastRow) {
    }

    /**
     * A two-step plan: {@code copy-orders} (UP) copies {@link #ROWS} rows into {@code target} in
     * pages of {@link #PAGE}, resuming after its saved cursor; {@code drop-v1} (FINISH) is the
     * point of no return and records that it ran.
     */
    public static UpgradePlan ordersPlan(List<Integer> target, List<String> finished) {
        return UpgradePlan.builder("consumer-check-orders")
                .step(UpgradeStep.builder("copy-orders")
                        .description("Copy the orders into the v2 table")
                        .execute(ctx -> {
                            int next = ctx.cursor(CopyState.class).map(s -> s.lastRow() + 1).orElse(1);
                            while (next <= ROWS) {
                                int last = Math.min(ROWS, next + PAGE - 1);
                                for (int row = next; row <= last; row++) {
                                    target.add(row);
                                }
                                ctx.saveCursor(new CopyState(last));
                                next = last + 1;
                            }
                        })
                        .build())
                .step(UpgradeStep.builder("drop-v1").phase(Phase.FINISH).pointOfNoReturn()
                        .description("Drop the v1 table")
                        .execute(ctx -> finished.add(ctx.stepId()))
                        .build())
                .build();
    }

    /** A runner on a fresh {@link InMemoryCheckpointStore} that confirms the point of no return. */
    public static UpgradeRunner inMemoryRunner() {
        return UpgradeRunner.builder()
                .store(new InMemoryCheckpointStore())
                .confirmation(Confirmation.givenInAdvance())
                .build();
    }

    /** Runs UP then FINISH of {@code plan}; the reports in that order. */
    public static List<UpgradeReport> upThenFinish(UpgradeRunner runner, UpgradePlan plan) {
        List<UpgradeReport> reports = new ArrayList<>();
        reports.add(runner.up(plan).throwIfFailed());
        reports.add(runner.finish(plan).throwIfFailed());
        return reports;
    }

    /**
     * Uses each product and store module without a server: builds an Elasticsearch snapshot-restore
     * plan and a REST client, a Kuzzle plan (with lettuce's {@code RedisURI}), Kong's upgrade path
     * from its bundled catalogue (Jackson), the JDBC store over a {@code DataSource} it never calls,
     * the Redis store's builder, and a one-step run recorded by the Micrometer listener (and traced by
     * the OpenTelemetry one, on the no-op API). Returns
     * what each produced, by module.
     */
    public static Map<String, String> touchEveryModule() {
        Map<String, String> seen = new TreeMap<>();
        ElasticsearchEndpoint source = ElasticsearchEndpoint.of("http://127.0.0.1:9200");
        ElasticsearchEndpoint target = ElasticsearchEndpoint.of("http://127.0.0.1:9201");
        try (ElasticsearchUpgrade es = ElasticsearchUpgrade.create();
                ElasticsearchConnection connection = ElasticsearchConnection.open(source)) {
            UpgradePlan plan = es.snapshotRestorePlan(SnapshotRestoreSettings.builder(source, target)
                    .repository("upgrade", "/mnt/snapshots").build());
            seen.put("upgrade-elasticsearch", plan.stepIds() + " via " + connection.name());
        }
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            UpgradePlan plan = kuzzle.upgradePlan(KuzzleUpgradeSettings.builder()
                    .sourceElasticsearch(source).targetElasticsearch(target)
                    .sourceRedis(RedisURI.create("redis://127.0.0.1:6379/0"))
                    .targetVersion("2.20.0").build());
            seen.put("upgrade-kuzzle", plan.stepIds().toString());
        }
        KongUpgradePath path = KongUpgradePaths.bundled().path("2.8.4", "3.4.0");
        seen.put("upgrade-kong", path.kind() + " " + path.hops());
        seen.put("upgrade-store-jdbc", JdbcCheckpointStore.builder(new UnusedDataSource()).build().checkpointsTable());
        seen.put("upgrade-store-redis", RedisCheckpointStore.builder().keyPrefix("consumer-check:").getClass().getName());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        UpgradeRunner.builder().store(new InMemoryCheckpointStore()).listener(MicrometerUpgradeListener.of(registry))
                .listener(OpenTelemetryUpgradeListener.of(OpenTelemetry.noop())).build().up(UpgradePlan.builder("consumer-check-metrics")
                        .step(UpgradeStep.builder("count").execute(ctx -> ctx.progress(1, 1, "one")).build()).build());
        seen.put("upgrade-micrometer", registry.get("upgrade.step.items").functionCounter().count() + " items");
        return seen;
    }

    /** A {@code DataSource} that is never asked for a connection (building the store does not connect). */
    private static final class UnusedDataSource implements DataSource {
        @Override
        public Connection getConnection() {
            throw new IllegalStateException("the consumer check never connects");
        }

        @Override
        public Connection getConnection(String username, String password) {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
            throw new java.sql.SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
