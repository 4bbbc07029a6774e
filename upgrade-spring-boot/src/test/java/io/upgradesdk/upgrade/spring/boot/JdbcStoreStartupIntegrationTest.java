package io.upgradesdk.upgrade.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The startup run on the host's {@code DataSource}, against the real PostgreSQL of test-servers. */
@Tag("integration")
class JdbcStoreStartupIntegrationTest {

    private final List<String> journal = new CopyOnWriteArrayList<>();

    @Test
    void plans_run_at_startup_keep_their_checkpoints_in_the_hosts_database_across_restarts() {
        PostgresServer server = PostgresServer.get();
        String database = server.newDatabase("spring_boot");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server.jdbcUrl(database));
        dataSource.setUser(server.user());
        ApplicationContextRunner host = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
                .withBean(DataSource.class, () -> dataSource)
                .withBean(UpgradePlan.class, () -> TestPlans.withPointOfNoReturn("orders", journal))
                .withPropertyValues("upgrade.store.type=jdbc", "upgrade.store.jdbc.table-prefix=app_upgrade_");

        host.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CheckpointStore.class)).isInstanceOf(JdbcCheckpointStore.class);
        });
        host.withPropertyValues("upgrade.finish=true", "upgrade.confirm-point-of-no-return=true").run(context -> {
            assertThat(context).hasNotFailed();
            CheckpointStore store = context.getBean(CheckpointStore.class);
            assertThat(store.load("orders").orElseThrow().step("drop-old").state()).isEqualTo(StepState.SUCCEEDED);
        });
        assertThat(journal).containsExactly("orders/copy", "orders/drop-old"); // the restart skipped "copy"
        assertThat(server.psql(database, "SELECT plan_id FROM app_upgrade_checkpoints").strip()).isEqualTo("orders");
    }
}
