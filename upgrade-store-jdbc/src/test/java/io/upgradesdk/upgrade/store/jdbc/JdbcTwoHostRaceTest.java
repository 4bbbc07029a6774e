package io.upgradesdk.upgrade.store.jdbc;

import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import io.upgradesdk.upgrade.testkit.twohost.TwoHostRaceContract;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/** Two host JVMs racing for one plan on a real PostgreSQL database. */
@Tag("integration")
class JdbcTwoHostRaceTest extends TwoHostRaceContract {

    @Override
    protected Class<? extends HostStoreFactory> storeFactory() {
        return JdbcHostStoreFactory.class;
    }

    @Override
    protected Map<String, String> storeSettings() {
        PostgresServer server = PostgresServer.get();
        return Map.of("url", server.jdbcUrl(server.newDatabase("jdbc_race")), "user", server.user());
    }
}
