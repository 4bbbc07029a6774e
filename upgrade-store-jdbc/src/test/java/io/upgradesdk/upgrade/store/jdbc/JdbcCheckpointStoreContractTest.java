package io.upgradesdk.upgrade.store.jdbc;

import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.CheckpointStoreContract;
import io.upgradesdk.upgrade.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The store contract on a real PostgreSQL server. Lease expiry follows the database clock, so the
 * lease is short and time passes for real.
 */
@Tag("integration")
class JdbcCheckpointStoreContractTest extends CheckpointStoreContract {

    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void database() {
        PostgresServer server = PostgresServer.get();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server.jdbcUrl(server.newDatabase("jdbc_store_contract")));
        dataSource.setUser(server.user());
    }

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return JdbcCheckpointStore.builder(dataSource).build();
    }

    @Override
    protected Duration leaseDuration() {
        return Duration.ofMillis(2500); // long enough for 8 racing connections on a loaded 2-core CI box
    }

    @Override
    protected void elapse(Duration duration) throws Exception {
        Thread.sleep(duration.toMillis());
    }
}
