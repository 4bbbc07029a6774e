package io.upgradesdk.upgrade.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.micrometer.MicrometerUpgradeListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The Micrometer listener is wired when upgrade-micrometer and a MeterRegistry bean are there. */
class MetricsWiringTest {

    private final List<String> journal = new ArrayList<>();
    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
            .withBean(UpgradePlan.class, () -> TestPlans.oneStep("orders", journal));

    @Test
    void the_startup_run_is_recorded_in_the_hosts_registry() {
        contexts.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(MicrometerUpgradeListener.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(journal).containsExactly("orders/up");
            assertThat(registry.get("upgrade.plan.runs").tags("plan", "orders", "operation", "UP",
                    "outcome", "SUCCEEDED").counter().count()).isEqualTo(1);
            assertThat(registry.get("upgrade.step.attempts").tags("plan", "orders", "step", "up").functionCounter().count())
                    .isEqualTo(1);
        });
    }

    @Test
    void no_registry_no_listener() {
        contexts.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerUpgradeListener.class);
            assertThat(journal).containsExactly("orders/up");
        });
    }

    @Test
    void without_the_module_the_registry_is_left_alone() {
        contexts.withClassLoader(new FilteredClassLoader(MicrometerUpgradeListener.class))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerUpgradeListener.class);
                    assertThat(context.getBean(MeterRegistry.class).getMeters()).isEmpty();
                });
    }

    @Test
    void the_property_turns_it_off_or_drops_the_step_tag() {
        contexts.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("upgrade.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MicrometerUpgradeListener.class));
        contexts.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("upgrade.metrics.per-step=false")
                .run(context -> assertThat(context.getBean(MeterRegistry.class).getMeters()).isNotEmpty()
                        .allSatisfy(meter -> assertThat(meter.getId().getTag("step")).isNull()));
    }

    @Test
    void a_listener_of_the_hosts_own_wins() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        contexts.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(MicrometerUpgradeListener.class, () -> MicrometerUpgradeListener.builder(own)
                        .prefix("app.upgrade").build())
                .run(context -> {
                    assertThat(context).hasSingleBean(MicrometerUpgradeListener.class);
                    assertThat(own.get("app.upgrade.plan.runs").counter().count()).isEqualTo(1);
                    assertThat(context.getBean(MeterRegistry.class).getMeters()).isEmpty();
                });
    }
}
