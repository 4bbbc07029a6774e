package io.upgradesdk.upgrade.store.jdbc;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/** Opens a {@link JdbcCheckpointStore} on PostgreSQL from {@code url} and {@code user}, in the test and in host JVMs. */
public final class JdbcHostStoreFactory implements HostStoreFactory {

    @Override
    public CheckpointStore open(Map<String, String> settings) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(settings.get("url"));
        dataSource.setUser(settings.get("user"));
        return JdbcCheckpointStore.builder(dataSource).build();
    }
}
