package io.upgradesdk.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.StepState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Boots the sample as its main method does, with its application.properties, on a checkpoint file
 * of the test's own: the UP steps run at the first start, the point of no return waits for an
 * operator's word, and a start with that word runs only the drop.
 */
class ShopApplicationTest {

    @TempDir
    Path dir;

    @Test
    void the_first_start_runs_both_plans_up_phase_and_records_metrics() {
        try (ConfigurableApplicationContext app = start()) {
            ShopDatabase db = app.getBean(ShopDatabase.class);
            assertThat(db.productsFrom(1, 1000)).hasSize(500).allSatisfy(p -> assertThat(p.currency()).isEqualTo("EUR"));
            assertThat(db.orderCount()).isEqualTo(1200);
            assertThat(db.hasLegacyOrdersTable()).as("FINISH was not asked for").isTrue();

            CheckpointStore store = app.getBean(CheckpointStore.class);
            assertThat(store.load("orders-v3")).get().satisfies(c -> {
                assertThat(c.step("copy-orders").state()).isEqualTo(StepState.SUCCEEDED);
                assertThat(c.step("drop-legacy-orders").state()).isEqualTo(StepState.PENDING);
            });

            MeterRegistry metrics = app.getBean(MeterRegistry.class);
            assertThat(metrics.get("upgrade.step.items").tags("plan", "catalog-v2", "step", "convert-prices")
                    .functionCounter().count()).isEqualTo(500);
            assertThat(metrics.get("upgrade.plan.runs").tags("plan", "orders-v3", "outcome", "SUCCEEDED").counter()
                    .count()).isEqualTo(1);
        }
    }

    @Test
    void the_legacy_table_is_dropped_only_once_the_point_of_no_return_is_confirmed() {
        start().close();

        assertThatThrownBy(() -> start("--upgrade.finish=true"))
                .hasStackTraceContaining("UPGRADE_CONFIRMATION_REQUIRED")
                .hasStackTraceContaining("upgrade.confirm-point-of-no-return=true");

        try (ConfigurableApplicationContext app = start("--upgrade.finish=true",
                "--upgrade.confirm-point-of-no-return=true")) {
            ShopDatabase db = app.getBean(ShopDatabase.class);
            assertThat(db.hasLegacyOrdersTable()).isFalse();
            assertThat(db.orderCount()).as("this start's fresh database: its UP steps were done before, not run again")
                    .isZero();
        }
    }

    private ConfigurableApplicationContext start(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--upgrade.store.file=" + dir.resolve("checkpoints.json");
        System.arraycopy(args, 0, all, 1, args.length);
        return new SpringApplicationBuilder(ShopApplication.class).run(all);
    }
}
