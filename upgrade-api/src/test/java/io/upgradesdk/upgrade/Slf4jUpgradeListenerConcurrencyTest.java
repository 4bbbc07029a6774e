package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One listener fed by two threads at once with the events of one plan, as when a
 * {@code runner.join(plan)} runner shares it with the plan's own runner: no step is lost from the
 * counts its INFO lines give.
 */
class Slf4jUpgradeListenerConcurrencyTest {

    private static final int ROUNDS = 50_000;
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Pattern ALREADY_DONE = Pattern.compile("\\] (\\d+) steps already done");
    private static final Pattern ONE_ALREADY_DONE = Pattern.compile("\\] step \\S+ skipped: already done");

    private final RecordingLogger log = RecordingLogger.infoAndUp();
    private final Slf4jUpgradeListener listener = new Slf4jUpgradeListener(log);
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void two_threads_feeding_one_plans_events_lose_no_succeeded_or_already_done_step() throws Exception {
        listener.onEvent(new UpgradeEvent.PlanStarted(T0, "orders", RunOperation.UP, 1));
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<?>> feeders = new ArrayList<>();
        for (String thread : List.of("a", "b")) {
            feeders.add(threads.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                feed(thread);
                return null;
            }));
        }
        for (Future<?> feeder : feeders) {
            feeder.get(60, TimeUnit.SECONDS);
        }
        listener.onEvent(new UpgradeEvent.PlanFinished(T0.plusSeconds(60), "orders", RunOperation.UP,
                UpgradeReport.Outcome.SUCCEEDED, Duration.ofSeconds(60)));

        assertThat(log.lines).filteredOn(l -> l.contains("UP finished")).singleElement().asString()
                .endsWith("(" + 2 * ROUNDS + " step(s) succeeded in this run)");
        assertThat(alreadyDoneLogged()).isEqualTo(2 * ROUNDS);
    }

    /** ROUNDS times: a step found already done, then a quick step that starts, reports and succeeds. */
    private void feed(String thread) {
        for (int round = 0; round < ROUNDS; round++) {
            Instant time = T0.plusMillis(round);
            listener.onEvent(new UpgradeEvent.StepSkipped(time, "orders", "done-" + thread + round, "already done"));
            String step = "copy-" + thread + round;
            listener.onEvent(new UpgradeEvent.StepStarted(time, "orders", step, Phase.UP, 1, null));
            listener.onEvent(new UpgradeEvent.StepProgress(time, "orders", step, 1, 1, "page"));
            listener.onEvent(new UpgradeEvent.StepSucceeded(time, "orders", step, 1, Duration.ofMillis(1)));
        }
    }

    /** The steps already done that the INFO lines count: each is in exactly one line. */
    private long alreadyDoneLogged() {
        long count = 0;
        for (String line : log.lines) {
            Matcher several = ALREADY_DONE.matcher(line);
            if (several.find()) {
                count += Long.parseLong(several.group(1));
            } else if (ONE_ALREADY_DONE.matcher(line).find()) {
                count++;
            }
        }
        return count;
    }
}
