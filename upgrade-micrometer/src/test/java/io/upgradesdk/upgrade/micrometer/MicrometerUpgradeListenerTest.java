package io.upgradesdk.upgrade.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.testkit.PlanState;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The listener on real runs of the testkit's runner (in-memory store, test clock, no real waits). */
class MicrometerUpgradeListenerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UpgradeTestRunner t = UpgradeTestKit.runner().listener(MicrometerUpgradeListener.of(registry))
            .configure(b -> b.lockWait(Duration.ofSeconds(10))).build();

    /** validate (1 s), copy: 400 items, a transient failure after the first 100 and its cursor, then the rest. */
    private UpgradePlan ordersPlan() {
        AtomicInteger copyAttempts = new AtomicInteger();
        return UpgradePlan.builder("orders-v2")
                .step(UpgradeStep.builder("validate").execute(ctx -> t.clock().advance(Duration.ofSeconds(1))).build())
                .step(UpgradeStep.builder("copy-orders").execute(ctx -> {
                    if (copyAttempts.incrementAndGet() == 1) {
                        ctx.progress(100, 400, "page 1");
                        ctx.saveCursor("100");
                        throw new IOException("connection reset");
                    }
                    for (long done = 200; done <= 400; done += 100) {
                        t.clock().advance(Duration.ofSeconds(2));
                        ctx.progress(done, 400, "page");
                    }
                }).compensation(ctx -> { }).build())
                .build();
    }

    @Test
    void records_attempts_retries_outcomes_and_durations_of_each_step() {
        assertThat(t.up(ordersPlan()).isSuccess()).isTrue();

        assertThat(count("upgrade.step.attempts", "validate")).isEqualTo(1);
        assertThat(count("upgrade.step.attempts", "copy-orders")).isEqualTo(2);
        assertThat(registry.find("upgrade.step.retries").tags("step", "validate").meter())
                .as("meters of what never happened are not registered").isNull();
        assertThat(count("upgrade.step.retries", "copy-orders")).isEqualTo(1);
        assertThat(registry.get("upgrade.step.outcomes").tags("step", "copy-orders", "outcome", "succeeded")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.find("upgrade.step.outcomes").tags("step", "copy-orders", "outcome", "failed")
                .meter()).isNull();

        FunctionTimer validate = registry.get("upgrade.step.duration").tags("plan", "orders-v2", "step", "validate",
                "outcome", "succeeded").functionTimer();
        assertThat(validate.count()).isEqualTo(1);
        assertThat(validate.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1000);
        FunctionTimer copy = registry.get("upgrade.step.duration").tags("step", "copy-orders", "outcome", "succeeded")
                .functionTimer();
        assertThat(copy.totalTime(TimeUnit.MILLISECONDS)).as("the retry's backoff and three pages of 2 s")
                .isGreaterThanOrEqualTo(6000);

        Timer run = registry.get("upgrade.plan.duration").tags("plan", "orders-v2", "operation", "UP",
                "outcome", "SUCCEEDED").timer();
        assertThat(run.count()).isEqualTo(1);
        assertThat(run.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(7000);
        assertThat(registry.get("upgrade.plan.runs").tags("outcome", "SUCCEEDED").counter().count()).isEqualTo(1);
    }

    @Test
    void counts_items_done_without_counting_again_what_a_resumed_attempt_had_done_before() {
        t.up(ordersPlan());

        // attempt 1 counted 100; attempt 2 resumed from cursor "100": its first report (200) is the
        // baseline, then 300 and 400 add 100 each
        assertThat(count("upgrade.step.items", "copy-orders")).isEqualTo(300);
        assertThat(gauge("upgrade.step.items.done", "copy-orders")).isEqualTo(400);
        assertThat(gauge("upgrade.step.items.total", "copy-orders")).isEqualTo(400);
        assertThat(gauge("upgrade.step.items.rate", "copy-orders")).as("0 once the step ended").isZero();
    }

    @Test
    void shows_the_rate_of_a_running_step_and_starts_a_new_count_when_done_goes_back() {
        List<Double> ratesSeen = new java.util.ArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("indices").step(UpgradeStep.builder("copy-indices").execute(ctx -> {
            ctx.progress(0, -1, "index a");
            t.clock().advance(Duration.ofSeconds(10));
            ctx.progress(50, -1, "index a");
            ratesSeen.add(gauge("upgrade.step.items.rate", "copy-indices"));
            assertThat(gauge("upgrade.step.items.total", "copy-indices")).as("unknown total").isNaN();
            ctx.progress(20, 80, "index b");      // the next index: counted from zero
        }).build()).build();

        t.up(plan);

        assertThat(ratesSeen).singleElement().satisfies(rate -> assertThat(rate).isCloseTo(5.0, within(0.01)));
        assertThat(count("upgrade.step.items", "copy-indices")).isEqualTo(70);
    }

    @Test
    void a_notice_in_the_middle_of_a_count_counts_nothing_and_leaves_the_gauges_alone() {
        List<String> gaugesSeen = new java.util.ArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("rolling").step(UpgradeStep.builder("upgrade-nodes").execute(ctx -> {
            t.clock().advance(Duration.ofSeconds(2));           // past the first second: the gauges are there
            ctx.progress(1, 3, "node es-1 upgraded");
            ctx.progress(0, -1, "node es-2: stopping elasticsearch");
            gaugesSeen.add(gauge("upgrade.step.items.done", "upgrade-nodes") + "/"
                    + gauge("upgrade.step.items.total", "upgrade-nodes"));
            ctx.progress(2, 3, "node es-2 upgraded");
            ctx.progress(0, -1, "node es-3: stopping elasticsearch");
            ctx.progress(3, 3, "node es-3 upgraded");
        }).build()).build();

        t.up(plan);

        assertThat(gaugesSeen).containsExactly("1.0/3.0");
        assertThat(count("upgrade.step.items", "upgrade-nodes")).as("3 nodes, not 1 + 2 + 3").isEqualTo(3);
    }

    @Test
    void records_a_failed_step_and_run_with_the_time_from_the_first_attempt() {
        UpgradePlan plan = UpgradePlan.builder("broken").step(UpgradeStep.builder("migrate").execute(ctx -> {
            t.clock().advance(Duration.ofSeconds(3));
            throw new IOException("disk full");
        }).build()).build();

        assertThat(t.up(plan).isSuccess()).isFalse();

        assertThat(count("upgrade.step.attempts", "migrate")).isEqualTo(3);
        assertThat(count("upgrade.step.retries", "migrate")).isEqualTo(2);
        assertThat(registry.get("upgrade.step.outcomes").tags("step", "migrate", "outcome", "failed")
                .functionCounter()
                .count()).isEqualTo(1);
        FunctionTimer failed = registry.get("upgrade.step.duration").tags("step", "migrate", "outcome", "failed")
                .functionTimer();
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.totalTime(TimeUnit.MILLISECONDS)).as("3 attempts of 3 s and backoffs of 0.5 s and 1 s")
                .isEqualTo(10_500);
        assertThat(registry.get("upgrade.plan.runs").tags("plan", "broken", "outcome", "FAILED").counter().count())
                .isEqualTo(1);
    }

    @Test
    void counts_skipped_and_compensated_steps_and_each_operation() {
        UpgradePlan plan = ordersPlan();
        t.up(plan);
        t.up(plan);          // everything already done
        t.rollback(plan);

        assertThat(registry.get("upgrade.step.outcomes").tags("step", "validate", "outcome", "skipped")
                .functionCounter()
                .count()).as("already done, then not compensable").isEqualTo(2);
        assertThat(registry.get("upgrade.step.outcomes").tags("step", "copy-orders", "outcome", "compensated")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("upgrade.plan.runs").tags("operation", "UP").counter().count()).isEqualTo(2);
        assertThat(registry.find("upgrade.plan.runs").tags("operation", "ROLLBACK").counter()).isNotNull();
    }

    @Test
    void counts_a_run_stopped_before_the_point_of_no_return() {
        UpgradePlan plan = UpgradePlan.builder("drop-v1")
                .step(UpgradeStep.builder("drop-table").execute(ctx -> { }).pointOfNoReturn().build()).build();

        t.run(plan);

        assertThat(registry.get("upgrade.plan.runs").tags("plan", "drop-v1", "outcome", "AWAITING_CONFIRMATION")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void counts_a_lease_wait_and_times_it_until_the_lease_is_taken() {
        UpgradePlan plan = ordersPlan();
        t.given(PlanState.of(plan).leaseHeldBy("host-b", Duration.ofSeconds(3)));

        assertThat(t.up(plan).isSuccess()).isTrue();

        assertThat(registry.get("upgrade.lease.waits").tags("plan", "orders-v2").counter().count()).isEqualTo(1);
        Timer waited = registry.get("upgrade.lease.wait").tags("plan", "orders-v2").timer();
        assertThat(waited.count()).isEqualTo(1);
        assertThat(waited.totalTime(TimeUnit.MILLISECONDS)).isBetween(3000.0, 3500.0);
    }

    @Test
    void counts_a_lease_wait_that_gave_up_without_timing_it_in_a_later_run() {
        UpgradePlan plan = ordersPlan();
        t.given(PlanState.of(plan).leaseHeldBy("host-b", Duration.ofMinutes(5)));
        assertThatThrownBy(() -> t.up(plan)).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));

        t.letLeaseExpire(plan);
        t.clock().advance(Duration.ofMinutes(10));
        t.up(plan);

        assertThat(registry.get("upgrade.lease.waits").counter().count()).isEqualTo(1);
        assertThat(registry.find("upgrade.lease.wait").timer()).as("no wait ended with the lease taken").isNull();
    }

    @Test
    void registers_the_progress_gauges_of_a_step_only_once_it_reports_a_second_or_more_into_an_attempt() {
        UpgradePlan plan = UpgradePlan.builder("gauges")
                .step(UpgradeStep.builder("quick").execute(ctx -> {
                    ctx.progress(10, 20, "first half");
                    t.clock().advance(Duration.ofMillis(999));
                    ctx.progress(20, 20, "second half");
                }).build())
                .step(UpgradeStep.builder("slow").execute(ctx -> {
                    ctx.progress(10, 20, "first half");
                    t.clock().advance(Duration.ofSeconds(1));
                    ctx.progress(15, 20, "three quarters");
                }).build())
                .build();

        t.up(plan);

        assertThat(count("upgrade.step.items", "quick")).isEqualTo(20);
        assertThat(registry.find("upgrade.step.items.done").tags("step", "quick").meter())
                .as("a step that ended within its first second has nothing to watch live").isNull();
        assertThat(count("upgrade.step.items", "slow")).isEqualTo(15);
        assertThat(gauge("upgrade.step.items.done", "slow")).as("the last report, seen from registration on")
                .isEqualTo(15);
        assertThat(gauge("upgrade.step.items.total", "slow")).isEqualTo(20);
        assertThat(gauge("upgrade.step.items.rate", "slow")).as("0 once the step ended").isZero();
    }

    @Test
    void tags_only_plan_step_operation_and_outcome_never_cursors_or_messages() {
        t.up(ordersPlan());

        Set<String> tagKeys = registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream())
                .map(Tag::getKey).collect(Collectors.toSet());
        Set<String> tagValues = registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream())
                .map(Tag::getValue).collect(Collectors.toSet());
        assertThat(tagKeys).isSubsetOf("plan", "step", "operation", "outcome");
        assertThat(tagValues).doesNotContain("100", "page", "page 1", "connection reset");
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName())
                .allMatch(name -> name.startsWith("upgrade."));
    }

    @Test
    void without_per_step_meters_the_steps_of_a_plan_share_theirs() {
        SimpleMeterRegistry shared = new SimpleMeterRegistry();
        UpgradeTestRunner runner = UpgradeTestKit.runner()
                .listener(MicrometerUpgradeListener.builder(shared).perStep(false).build()).build();
        UpgradePlan plan = UpgradePlan.builder("many")
                .step(UpgradeStep.builder("a").execute(ctx -> ctx.progress(10, 10, "a")).build())
                .step(UpgradeStep.builder("b").execute(ctx -> ctx.progress(5, 5, "b")).build())
                .build();

        runner.up(plan);

        assertThat(shared.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("step")).isNull());
        assertThat(shared.get("upgrade.step.attempts").tags("plan", "many").functionCounter().count()).isEqualTo(2);
        assertThat(shared.get("upgrade.step.items").functionCounter().count()).isEqualTo(15);
    }

    @Test
    void names_meters_under_the_prefix_with_the_common_tags() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        UpgradeTestRunner runner = UpgradeTestKit.runner().listener(MicrometerUpgradeListener.builder(own)
                .prefix("orders.upgrade").tag("application", "orders").tags(Tags.of("region", "eu")).build()).build();

        runner.up(ordersPlan());

        assertThat(own.getMeters()).isNotEmpty().allSatisfy(m -> {
            assertThat(m.getId().getName()).startsWith("orders.upgrade.");
            assertThat(m.getId().getTag("application")).isEqualTo("orders");
            assertThat(m.getId().getTag("region")).isEqualTo("eu");
        });
    }

    @Test
    void refuses_a_bad_prefix_a_tag_of_its_own_and_no_registry_naming_the_fix() {
        assertThatThrownBy(() -> MicrometerUpgradeListener.builder(registry).prefix("Upgrade Metrics").build())
                .isInstanceOf(UpgradeException.class).hasMessageContaining("prefix 'Upgrade Metrics'")
                .hasMessageContaining("lower-case words separated by dots");
        assertThatThrownBy(() -> MicrometerUpgradeListener.builder(registry).tag("plan", "x").build())
                .isInstanceOf(UpgradeException.class).hasMessageContaining("tag 'plan' is set by the listener");
        assertThatThrownBy(() -> MicrometerUpgradeListener.builder(null).build())
                .isInstanceOf(UpgradeException.class).hasMessageContaining("MeterRegistry is null");
        assertThatThrownBy(() -> MicrometerUpgradeListener.builder(registry).prefix("").build())
                .satisfies(e -> assertThat(((UpgradeException) e).code())
                        .isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION));
    }

    @Test
    void counts_partition_claims_completions_and_failures_of_a_partitioned_step() {
        UpgradePlan plan = UpgradePlan.builder("orders-v3").step(UpgradeStep.partitioned("copy-orders")
                .partitions(ctx -> List.of("s0", "s1", "s2")).workers(1)
                .execute(part -> {
                    if (part.partitionId().equals("s2")) {
                        throw new IllegalArgumentException("slice unreadable");
                    }
                }).build()).build();

        assertThat(t.up(plan).isSuccess()).isFalse();

        assertThat(registry.get("upgrade.step.partitions").tags("step", "copy-orders", "event", "claimed").counter()
                .count()).isEqualTo(3);
        assertThat(registry.get("upgrade.step.partitions").tags("step", "copy-orders", "event", "done").counter()
                .count()).isEqualTo(2);
        assertThat(registry.get("upgrade.step.partitions").tags("step", "copy-orders", "event", "failed").counter()
                .count()).isEqualTo(1);
        assertThat(registry.find("upgrade.step.partitions").tags("event", "taken_over").counter()).isNull();
    }

    @Test
    void counts_the_items_a_partition_worker_reports_from_its_own_thread() {
        UpgradePlan plan = UpgradePlan.builder("orders-v3").step(UpgradeStep.partitioned("copy-orders")
                .partitions(ctx -> List.of("s0", "s1", "s2", "s3")).workers(1)
                .execute(part -> part.progress(10, 10, "orders")).build()).build();

        assertThat(t.up(plan).isSuccess()).isTrue();

        assertThat(registry.get("upgrade.step.items").tags("step", "copy-orders").functionCounter().count())
                .isEqualTo(40);
    }

    /** A step counter's count: step counters are function counters reading the listener's counts. */
    @Test
    void counts_each_step_of_each_plan_apart_when_plans_and_step_orders_change_between_runs() {
        UpgradePlan forward = UpgradePlan.builder("forward").step(quick("a", 1)).step(quick("b", 2)).step(quick("c", 3))
                .build();
        UpgradePlan backward = UpgradePlan.builder("backward").step(quick("c", 30)).step(quick("b", 20))
                .step(quick("a", 10)).build();
        UpgradePlan skipping = UpgradePlan.builder("forward-2").step(quick("a", 100)).step(quick("c", 300)).build();

        for (UpgradePlan plan : List.of(forward, backward, forward, skipping)) {
            UpgradeTestKit.runner().listener(listener).build().up(plan);     // a new store each time
        }

        assertThat(items("forward", "a")).isEqualTo(2);     // forward ran twice
        assertThat(items("forward", "c")).isEqualTo(6);
        assertThat(items("backward", "c")).isEqualTo(30);
        assertThat(items("backward", "a")).isEqualTo(10);
        assertThat(items("forward-2", "a")).isEqualTo(100);
        assertThat(items("forward-2", "c")).isEqualTo(300);
        assertThat(registry.get("upgrade.step.attempts").tags("plan", "forward", "step", "b").functionCounter().count())
                .isEqualTo(2);
    }

    private final MicrometerUpgradeListener listener = MicrometerUpgradeListener.of(registry);

    private static UpgradeStep quick(String id, long items) {
        return UpgradeStep.builder(id).execute(ctx -> ctx.progress(items, items, id)).build();
    }

    private double items(String plan, String step) {
        return registry.get("upgrade.step.items").tags("plan", plan, "step", step).functionCounter().count();
    }

    private double count(String name, String step) {
        return registry.get(name).tags("step", step).functionCounter().count();
    }

    private double gauge(String name, String step) {
        return registry.get(name).tags("step", step).gauge().value();
    }

}
