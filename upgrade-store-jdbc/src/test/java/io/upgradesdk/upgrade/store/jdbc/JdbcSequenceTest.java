package io.upgradesdk.upgrade.store.jdbc;

import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.MutableClock;
import io.upgradesdk.upgrade.testkit.UpgradeSequenceContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.postgresql.ds.PGSimpleDataSource;

/** Plan sequences kept in a real PostgreSQL: the sequence record and each plan's checkpoint in one table. */
@Tag("integration")
class JdbcSequenceTest extends UpgradeSequenceContract {

    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void database() {
        PostgresServer server = PostgresServer.get();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server.jdbcUrl(server.newDatabase("jdbc_store_sequence")));
        dataSource.setUser(server.user());
    }

    @Override
    protected CheckpointStore createStore(MutableClock clock) {
        return JdbcCheckpointStore.builder(dataSource).build();
    }
}
