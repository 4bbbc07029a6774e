package io.upgradesdk.upgrade.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.UpgradeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One listener fed by several threads at once, as when a {@code runner.join(plan)} runner shares
 * it with the plan's own runner, while the registry is scraped: no count is lost and every meter
 * is registered once.
 */
class MicrometerUpgradeListenerConcurrencyTest {

    private static final int ROUNDS = 20_000;
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerUpgradeListener listener = MicrometerUpgradeListener.of(registry);
    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void two_threads_reporting_the_same_step_and_their_own_steps_lose_no_count() throws Exception {
        CyclicBarrier start = new CyclicBarrier(3);
        AtomicBoolean feeding = new AtomicBoolean(true);
        Future<?> scraper = threads.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            while (feeding.get()) {
                registry.getMeters().forEach(meter -> meter.measure().forEach(m -> m.getValue()));
            }
            return null;
        });
        List<Future<?>> feeders = new ArrayList<>();
        for (String own : List.of("own-a", "own-b")) {
            feeders.add(threads.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                feed(own);
                return null;
            }));
        }
        for (Future<?> feeder : feeders) {
            feeder.get(60, TimeUnit.SECONDS);
        }
        feeding.set(false);
        scraper.get(10, TimeUnit.SECONDS);

        assertThat(count("upgrade.step.attempts", "shared")).isEqualTo(4.0 * ROUNDS);
        assertThat(count("upgrade.step.retries", "shared")).isEqualTo(2.0 * ROUNDS);
        assertThat(count("upgrade.step.attempts", "own-a")).isEqualTo(ROUNDS);
        assertThat(count("upgrade.step.attempts", "own-b")).isEqualTo(ROUNDS);
        for (String own : List.of("own-a", "own-b")) {
            // each round reports 1..3 of 3 items after a fresh start: 3 items a round
            assertThat(count("upgrade.step.items", own)).isEqualTo(3.0 * ROUNDS);
        }
        FunctionTimer succeeded = registry.get("upgrade.step.duration").tags("step", "shared", "outcome", "succeeded")
                .functionTimer();
        assertThat(succeeded.count()).isEqualTo(2.0 * ROUNDS);
        assertThat(succeeded.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2.0 * ROUNDS * 5);
        assertThat(count("upgrade.step.outcomes", "shared", "skipped")).isEqualTo(2.0 * ROUNDS);
        assertThat(Search.in(registry).name("upgrade.step.items.rate").tag("step", "shared").gauges()).hasSize(1);
    }

    /** ROUNDS times: two attempts of the shared step (the first retried), one run of this thread's own step. */
    private void feed(String own) {
        for (int round = 0; round < ROUNDS; round++) {
            Instant time = T0.plusMillis(round * 10L);
            listener.onEvent(new UpgradeEvent.StepStarted(time, "orders", "shared", Phase.UP, 1, null));
            listener.onEvent(new UpgradeEvent.StepRetrying(time, "orders", "shared", 1, Duration.ZERO, "reset"));
            listener.onEvent(new UpgradeEvent.StepStarted(time, "orders", "shared", Phase.UP, 2, null));
            listener.onEvent(new UpgradeEvent.StepProgress(time.plusSeconds(2), "orders", "shared", round, -1, "page"));
            listener.onEvent(new UpgradeEvent.StepSucceeded(time, "orders", "shared", 2, Duration.ofMillis(5)));
            listener.onEvent(new UpgradeEvent.StepSkipped(time, "orders", "shared", "already done"));
            listener.onEvent(new UpgradeEvent.StepStarted(time, "orders", own, Phase.UP, 1, null));
            for (long done = 1; done <= 3; done++) {
                listener.onEvent(new UpgradeEvent.StepProgress(time, "orders", own, done, 3, "page"));
            }
            listener.onEvent(new UpgradeEvent.StepSucceeded(time, "orders", own, 1, Duration.ofMillis(1)));
        }
    }

    private double count(String name, String step) {
        return registry.get(name).tags("step", step).functionCounter().count();
    }

    private double count(String name, String step, String outcome) {
        return registry.get(name).tags("step", step, "outcome", outcome).functionCounter().count();
    }
}
