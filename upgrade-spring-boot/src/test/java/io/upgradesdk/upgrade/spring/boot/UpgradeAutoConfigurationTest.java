package io.upgradesdk.upgrade.spring.boot;

import static io.upgradesdk.upgrade.spring.boot.StartupFailures.messages;
import static io.upgradesdk.upgrade.spring.boot.StartupFailures.upgradeFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

class UpgradeAutoConfigurationTest {

    private final List<String> journal = new CopyOnWriteArrayList<>();

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
            .withBean("journal", List.class, () -> journal);

    @Nested
    class Properties {

        @Test
        void without_properties_the_runner_uses_a_memory_store_and_the_startup_run_is_on() {
            contexts.run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(UpgradeRunner.class).hasSingleBean(UpgradeStartup.class);
                assertThat(context.getBean(CheckpointStore.class)).isInstanceOf(InMemoryCheckpointStore.class);
            });
        }

        @Test
        void the_file_store_writes_where_upgrade_store_file_says(@TempDir Path dir) {
            Path file = dir.resolve("checkpoints.json");
            contexts.withPropertyValues("upgrade.store.type=file", "upgrade.store.file=" + file)
                    .withBean(UpgradePlan.class, () -> TestPlans.oneStep("orders", journal))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(CheckpointStore.class)).isInstanceOf(FileCheckpointStore.class);
                        assertThat(file).content().contains("orders");
                    });
        }

        @Test
        void owner_lease_duration_and_retry_are_bound_from_upgrade_properties() {
            AtomicReference<Lease> leaseSeenByStep = new AtomicReference<>();
            AtomicInteger attempts = new AtomicInteger();
            contexts.withPropertyValues("upgrade.owner=host-a", "upgrade.lease-duration=2m",
                            "upgrade.retry.max-attempts=3", "upgrade.retry.initial-backoff=0ms",
                            "upgrade.retry.max-backoff=0ms")
                    .withBean(CheckpointStore.class, InMemoryCheckpointStore::new)
                    .withUserConfiguration(FlakyPlanConfiguration.class)
                    .withBean("attempts", AtomicInteger.class, () -> attempts)
                    .withBean("leaseSeenByStep", AtomicReference.class, () -> leaseSeenByStep)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(UpgradeRunner.class).owner()).isEqualTo("host-a");
                        assertThat(attempts).hasValue(3);
                        Lease lease = leaseSeenByStep.get();
                        assertThat(lease.owner()).isEqualTo("host-a");
                        assertThat(Duration.between(Instant.now(), lease.expiresAt()))
                                .isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121));
                    });
        }

        @Test
        void a_refused_value_fails_startup_naming_the_property_and_the_rule() {
            contexts.withPropertyValues("upgrade.retry.max-attempts=0").run(context -> assertThat(upgradeFailure(context))
                    .hasMessageContaining("property upgrade.retry.max-attempts=0 is invalid")
                    .hasMessageContaining("maxAttempts must be at least 1"));
            contexts.withPropertyValues("upgrade.lease-duration=10ms").run(context -> assertThat(upgradeFailure(context)).hasMessageContaining("property upgrade.lease-duration=PT0.01S is invalid")
                    .hasMessageContaining("at least 100 ms"));
            contexts.withPropertyValues("upgrade.retry.initial-backoff=10s", "upgrade.retry.max-backoff=1s")
                    .run(context -> assertThat(upgradeFailure(context))
                            .hasMessageContaining("upgrade.retry.max-backoff=PT1S is invalid")
                            .hasMessageContaining("must not be shorter than initialBackoff"));
        }

        @Test
        void a_value_of_the_wrong_type_fails_binding_naming_the_property() {
            contexts.withPropertyValues("upgrade.store.type=mongo").run(context -> assertThat(messages(context))
                    .anyMatch(m -> m.contains("upgrade.store.type")));
            contexts.withPropertyValues("upgrade.lease-duration=soon").run(context -> assertThat(messages(context))
                    .anyMatch(m -> m.contains("upgrade.lease-duration")));
        }

        @Test
        void the_file_store_without_a_file_says_which_property_to_set() {
            contexts.withPropertyValues("upgrade.store.type=file").run(context -> assertThat(upgradeFailure(context)).hasMessageContaining("upgrade.store.type=file needs upgrade.store.file"));
        }

        @Test
        void a_store_bean_of_the_host_wins_over_the_properties() {
            InMemoryCheckpointStore own = new InMemoryCheckpointStore();
            contexts.withPropertyValues("upgrade.store.type=file")
                    .withBean(CheckpointStore.class, () -> own)
                    .run(context -> assertThat(context.getBean(CheckpointStore.class)).isSameAs(own));
        }
    }

    @Nested
    class StartupRun {

        @Test
        void plan_beans_run_in_their_order() {
            contexts.withUserConfiguration(TwoOrderedPlans.class).run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(journal).containsExactly("first/up", "second/up");
            });
        }

        @Test
        void upgrade_plans_chooses_the_plans_and_their_order() {
            contexts.withUserConfiguration(TwoOrderedPlans.class).withPropertyValues("upgrade.plans=second,first")
                    .run(context -> assertThat(journal).containsExactly("second/up", "first/up"));
            journal.clear();
            contexts.withUserConfiguration(TwoOrderedPlans.class).withPropertyValues("upgrade.plans=second")
                    .run(context -> assertThat(journal).containsExactly("second/up"));
        }

        @Test
        void an_unknown_plan_id_in_upgrade_plans_fails_naming_the_known_ones() {
            contexts.withUserConfiguration(TwoOrderedPlans.class).withPropertyValues("upgrade.plans=first,thrid")
                    .run(context -> assertThat(upgradeFailure(context))
                            .hasMessageContaining("upgrade.plans=first,thrid is invalid")
                            .hasMessageContaining("'thrid'").hasMessageContaining("[first, second]"));
            assertThat(journal).isEmpty();
        }

        @Test
        void only_the_up_phase_runs_unless_upgrade_finish_is_set() {
            contexts.withBean(UpgradePlan.class, () -> TestPlans.withPointOfNoReturn("orders", journal))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(journal).containsExactly("orders/copy");
                    });
        }

        @Test
        void a_plan_awaiting_confirmation_stops_startup_naming_plan_step_and_property() {
            contexts.withBean(UpgradePlan.class, () -> TestPlans.withPointOfNoReturn("orders", journal))
                    .withPropertyValues("upgrade.finish=true")
                    .run(context -> {
                        assertThat(upgradeFailure(context))
                                .hasMessageContaining("Upgrade plan 'orders' stopped at startup before step 'drop-old'")
                                .hasMessageContaining("upgrade.confirm-point-of-no-return=true")
                                .extracting(e -> ((UpgradeException) e).code())
                                .isEqualTo(UpgradeErrorCode.CONFIRMATION_REQUIRED);
                        assertThat(journal).containsExactly("orders/copy");
                    });
        }

        @Test
        void the_point_of_no_return_runs_when_the_property_confirms_it() {
            contexts.withBean(UpgradePlan.class, () -> TestPlans.withPointOfNoReturn("orders", journal))
                    .withPropertyValues("upgrade.finish=true", "upgrade.confirm-point-of-no-return=true")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(journal).containsExactly("orders/copy", "orders/drop-old");
                    });
        }

        @Test
        void a_failed_plan_stops_startup_with_its_error_code() {
            UpgradePlan failing = UpgradePlan.builder("orders").step(UpgradeStep.builder("copy")
                    .execute(c -> {
                        throw new IllegalStateException("table orders_v2 is missing");
                    }).build()).build();
            contexts.withBean(UpgradePlan.class, () -> failing).run(context -> assertThat(upgradeFailure(context))
                    .hasMessageContaining("Upgrade plan 'orders' failed at startup")
                    .hasMessageContaining("UPGRADE_STEP_FAILED").hasMessageContaining("table orders_v2 is missing")
                    .extracting(e -> ((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.STEP_FAILED));
        }

        @Test
        void upgrade_enabled_false_runs_nothing_and_keeps_the_runner() {
            contexts.withUserConfiguration(TwoOrderedPlans.class).withPropertyValues("upgrade.enabled=false")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(UpgradeRunner.class)
                                .doesNotHaveBean(UpgradeStartup.class);
                        assertThat(journal).isEmpty();
                    });
        }

        @Test
        void a_restart_resumes_from_the_checkpoint_and_runs_done_steps_no_more() {
            InMemoryCheckpointStore store = new InMemoryCheckpointStore();
            ApplicationContextRunner host = contexts.withBean(CheckpointStore.class, () -> store)
                    .withBean(UpgradePlan.class, () -> TestPlans.oneStep("orders", journal));
            host.run(context -> assertThat(context).hasNotFailed());
            host.run(context -> assertThat(context).hasNotFailed());
            assertThat(journal).containsExactly("orders/up");
            assertThat(new UpgradeRunnerView(store).state("orders", "up")).isEqualTo(StepState.SUCCEEDED);
        }

        @Test
        void listener_beans_receive_the_runs_events() {
            List<UpgradeEvent> events = new CopyOnWriteArrayList<>();
            contexts.withBean(UpgradeListener.class, () -> events::add)
                    .withBean(UpgradePlan.class, () -> TestPlans.oneStep("orders", journal))
                    .withPropertyValues("upgrade.log-events=false")
                    .run(context -> assertThat(events).hasAtLeastOneElementOfType(UpgradeEvent.PlanStarted.class)
                            .hasAtLeastOneElementOfType(UpgradeEvent.StepSucceeded.class)
                            .hasAtLeastOneElementOfType(UpgradeEvent.PlanFinished.class));
        }
    }

    /** Reads a step's stored state from the store. */
    private record UpgradeRunnerView(CheckpointStore store) {
        StepState state(String planId, String stepId) {
            return store.load(planId).orElseThrow().step(stepId).state();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoOrderedPlans {
        @Bean
        @Order(2)
        UpgradePlan secondPlan(List<String> journal) {
            return TestPlans.oneStep("second", journal);
        }

        @Bean
        @Order(1)
        UpgradePlan firstPlan(List<String> journal) {
            return TestPlans.oneStep("first", journal);
        }
    }

    /** A plan whose step fails twice with an I/O error, then records the lease it runs under. */
    @Configuration(proxyBeanMethods = false)
    static class FlakyPlanConfiguration {
        @Bean
        UpgradePlan flakyPlan(AtomicInteger attempts, AtomicReference<Lease> leaseSeenByStep, CheckpointStore store) {
            return UpgradePlan.builder("flaky").step(UpgradeStep.builder("copy").execute(c -> {
                if (attempts.incrementAndGet() < 3) {
                    throw new IOException("connection reset");
                }
                leaseSeenByStep.set(store.currentLease("flaky").orElseThrow());
            }).build()).build();
        }
    }
}
