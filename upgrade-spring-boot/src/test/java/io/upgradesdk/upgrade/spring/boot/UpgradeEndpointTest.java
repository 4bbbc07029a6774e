package io.upgradesdk.upgrade.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class UpgradeEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> journal = new CopyOnWriteArrayList<>();
    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=upgrade");

    @Test
    void shows_each_plans_steps_states_and_its_last_startup_report_as_json() throws Exception {
        contexts.withBean(UpgradePlan.class, () -> TestPlans.withPointOfNoReturn("orders", journal)).run(context -> {
            JsonNode status = JSON.readTree(JSON.writeValueAsString(context.getBean(UpgradeEndpoint.class).status()));
            assertThat(status.path("startupRun").asBoolean()).isTrue();
            JsonNode plan = status.path("plans").get(0);
            assertThat(plan.path("id").asText()).isEqualTo("orders");
            assertThat(plan.path("upComplete").asBoolean()).isTrue();
            assertThat(plan.path("complete").asBoolean()).isFalse();
            assertThat(plan.path("steps").findValuesAsText("state")).containsExactly("SUCCEEDED", "PENDING");
            assertThat(plan.path("steps").get(1).path("pointOfNoReturn").asBoolean()).isTrue();
            assertThat(plan.path("lease").isNull()).isTrue(); // released after the run
            assertThat(plan.path("lastReport").path("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(plan.path("lastReport").path("planId").asText()).isEqualTo("orders");
        });
    }

    @Test
    void never_shows_a_secret_even_in_a_failed_steps_error() throws Exception {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        UpgradePlan leaky = UpgradePlan.builder("orders").secret(Secret.of("db-password", "s3cr3t-value"))
                .step(UpgradeStep.builder("copy").execute(c -> {
                    throw new IllegalStateException("login refused for password " + c.secret("db-password").reveal());
                }).build()).build();
        contexts.withPropertyValues("upgrade.enabled=false", "upgrade.owner=host-a")
                .withBean(CheckpointStore.class, () -> store).withBean(UpgradePlan.class, () -> leaky)
                .run(context -> {
                    context.getBean(UpgradeRunner.class).up(leaky);
                    String json = JSON.writeValueAsString(context.getBean(UpgradeEndpoint.class).status());
                    assertThat(json).contains("FAILED").contains("login refused").doesNotContain("s3cr3t-value");
                    assertThat(JSON.readTree(json).path("startupRun").asBoolean()).isFalse();
                });
    }

    @Test
    void shows_the_lease_while_a_plan_holds_it() throws Exception {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        contexts.withPropertyValues("upgrade.enabled=false")
                .withBean(CheckpointStore.class, () -> store)
                .withBean(UpgradePlan.class, () -> TestPlans.oneStep("orders", journal))
                .run(context -> {
                    store.acquireLease("orders", "host-b", java.time.Duration.ofMinutes(1));
                    JsonNode plan = JSON.readTree(JSON.writeValueAsString(
                            context.getBean(UpgradeEndpoint.class).status())).path("plans").get(0);
                    assertThat(plan.path("lease").path("owner").asText()).isEqualTo("host-b");
                    assertThat(plan.path("lease").path("expiresAt").asText()).isNotEmpty();
                });
    }

    @Test
    void is_absent_without_actuator_on_the_class_path() {
        contexts.withClassLoader(new FilteredClassLoader(Endpoint.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(UpgradeEndpoint.class)
                        .hasSingleBean(UpgradeRunner.class));
    }

    @Test
    void is_absent_when_the_host_does_not_expose_it() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
                .withPropertyValues("management.endpoint.upgrade.access=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(UpgradeEndpoint.class));
    }
}
