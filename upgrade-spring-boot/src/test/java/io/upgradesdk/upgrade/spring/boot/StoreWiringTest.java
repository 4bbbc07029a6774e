package io.upgradesdk.upgrade.spring.boot;

import static io.upgradesdk.upgrade.spring.boot.StartupFailures.upgradeFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore;
import io.upgradesdk.upgrade.store.redis.RedisCheckpointStore;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.mockito.MockMakers;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The JDBC and Redis stores are wired to the host's own beans. These are wiring tests with Mockito
 * fakes at the boundary (no server is started): that the store is built on the host's
 * {@code DataSource} / {@code RedisClient} and goes to it. The stores themselves are proven against
 * real PostgreSQL and Redis by their own modules' integration tests.
 */
class StoreWiringTest {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
            .withPropertyValues("upgrade.enabled=false");

    @Test
    void the_jdbc_store_uses_the_hosts_data_source_and_the_table_prefix_property() throws SQLException {
        DataSource dataSource = fake(DataSource.class);
        when(dataSource.getConnection()).thenThrow(new SQLException("no database in a wiring test"));
        contexts.withBean(DataSource.class, () -> dataSource)
                .withPropertyValues("upgrade.store.type=jdbc", "upgrade.store.jdbc.table-prefix=app_upgrade_")
                .run(context -> {
                    CheckpointStore store = context.getBean(CheckpointStore.class);
                    assertThat(store).isInstanceOf(JdbcCheckpointStore.class);
                    assertThat(((JdbcCheckpointStore) store).checkpointsTable()).startsWith("app_upgrade_");
                    verifyNoInteractions(dataSource); // nothing is read before a plan runs
                    assertThatThrownBy(() -> store.load("orders")).isInstanceOf(UpgradeException.class);
                    verify(dataSource).getConnection();
                });
    }

    @Test
    void the_jdbc_store_takes_its_query_timeout_from_the_properties_and_refuses_a_fraction_of_a_second() {
        contexts.withBean(DataSource.class, () -> fake(DataSource.class))
                .withPropertyValues("upgrade.store.type=jdbc", "upgrade.store.jdbc.query-timeout=5s")
                .run(context -> assertThat(((JdbcCheckpointStore) context.getBean(CheckpointStore.class))
                        .queryTimeout()).isEqualTo(Duration.ofSeconds(5)));
        contexts.withBean(DataSource.class, () -> fake(DataSource.class))
                .withPropertyValues("upgrade.store.type=jdbc")
                .run(context -> assertThat(((JdbcCheckpointStore) context.getBean(CheckpointStore.class))
                        .queryTimeout()).as("the SDK's default").isEqualTo(Duration.ofSeconds(30)));
        contexts.withBean(DataSource.class, () -> fake(DataSource.class))
                .withPropertyValues("upgrade.store.type=jdbc", "upgrade.store.jdbc.query-timeout=1500ms")
                .run(context -> assertThat(upgradeFailure(context))
                        .hasMessageContaining("upgrade.store.jdbc.query-timeout")
                        .hasMessageContaining("give whole seconds, at least 1"));
    }

    @Test
    void the_jdbc_store_without_a_data_source_bean_says_so() {
        contexts.withPropertyValues("upgrade.store.type=jdbc").run(context -> assertThat(upgradeFailure(context))
                .hasMessageContaining("upgrade.store.type=jdbc cannot be used")
                .hasMessageContaining("no javax.sql.DataSource bean"));
    }

    @Test
    void the_jdbc_store_without_its_module_names_the_dependency_to_add() {
        contexts.withClassLoader(new FilteredClassLoader(JdbcCheckpointStore.class))
                .withPropertyValues("upgrade.store.type=jdbc").run(context -> assertThat(upgradeFailure(context))
                        .hasMessageContaining("add the dependency io.upgradesdk:upgrade-store-jdbc"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_redis_store_opens_its_connection_on_the_hosts_client_and_keeps_the_client() {
        RedisClient client = fake(RedisClient.class);
        StatefulRedisConnection<String, String> connection = fake(StatefulRedisConnection.class);
        when(client.connect()).thenReturn(connection); // its sync() is null: no command runs in this test
        contexts.withBean(RedisClient.class, () -> client)
                .withPropertyValues("upgrade.store.type=redis", "upgrade.store.redis.key-prefix=app:upgrade:")
                .run(context -> {
                    RedisCheckpointStore store = (RedisCheckpointStore) context.getBean(CheckpointStore.class);
                    assertThat(store.keyPrefix()).isEqualTo("app:upgrade:");
                    verify(client).connect();
                });
        verify(connection).close();               // the store's own connection, closed with the context
        verify(client, org.mockito.Mockito.never()).shutdown(); // the host's client is the host's to close
    }

    @Test
    void the_redis_store_without_a_client_bean_says_so() {
        contexts.withPropertyValues("upgrade.store.type=redis").run(context -> assertThat(upgradeFailure(context))
                .hasMessageContaining("upgrade.store.type=redis cannot be used")
                .hasMessageContaining("no io.lettuce.core.RedisClient bean"));
    }

    @Test
    void an_invalid_key_prefix_names_its_property() {
        contexts.withBean(RedisClient.class, () -> fake(RedisClient.class))
                .withPropertyValues("upgrade.store.type=redis", "upgrade.store.redis.key-prefix=a{b}")
                .run(context -> assertThat(upgradeFailure(context))
                        .hasMessageContaining("property upgrade.store.redis.key-prefix=a{b} is invalid"));
    }

    /**
     * A Mockito fake made by subclassing: the default inline mock maker attaches an agent to the
     * JVM first, which costs seconds; these types are neither final nor need static mocking.
     */
    private static <T> T fake(Class<T> type) {
        return mock(type, withSettings().mockMaker(MockMakers.SUBCLASS));
    }
}
