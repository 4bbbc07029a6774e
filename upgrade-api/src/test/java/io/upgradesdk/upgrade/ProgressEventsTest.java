package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Progress people can read: rate and ETA from the runner's clock, INFO lines at a bounded rate, lease waits named. */
class ProgressEventsTest {

    private final TestClock clock = new TestClock();
    private final List<UpgradeEvent> events = new CopyOnWriteArrayList<>();
    private final RecordingLogger log = new RecordingLogger();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);

    private UpgradeRunner.Builder runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .heartbeat(false).listener(events::add).listener(new Slf4jUpgradeListener(log));
    }

    private UpgradeReport run(StepAction body) {
        return runner().build().up(UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(body).build())
                .build());
    }

    private List<UpgradeEvent.StepProgress> progress() {
        return events.stream().filter(UpgradeEvent.StepProgress.class::isInstance)
                .map(UpgradeEvent.StepProgress.class::cast).toList();
    }

    @Nested
    class RateAndEta {

        @Test
        void comeFromSuccessiveReportsAndTheRunnerClock() {
            run(ctx -> {
                ctx.progress(0, 1000, "orders");
                clock.advance(Duration.ofSeconds(10));
                ctx.progress(200, 1000, "orders");
                clock.advance(Duration.ofSeconds(10));
                ctx.progress(500, 1000, "orders");
                clock.advance(Duration.ofSeconds(5));
                ctx.progress(1000, 1000, "orders");
            });

            List<UpgradeEvent.StepProgress> p = progress();
            assertThat(p.get(0).ratePerSecond()).as("one report: no rate yet").isNegative();
            assertThat(p.get(0).eta()).isNull();
            assertThat(p.get(1).ratePerSecond()).isCloseTo(20.0, within(1e-9));
            assertThat(p.get(1).eta()).isEqualTo(Duration.ofSeconds(40));
            assertThat(p.get(2).ratePerSecond()).isCloseTo(25.0, within(1e-9));
            assertThat(p.get(2).eta()).isEqualTo(Duration.ofSeconds(20));
            assertThat(p.get(3).eta()).isEqualTo(Duration.ZERO);
            assertThat(p.get(2).summary()).isEqualTo("500/1000 (50%), 25.0/s, ETA 20s");
        }

        @Test
        void anUnknownTotalHasARateButNoEta() {
            run(ctx -> {
                ctx.progress(100, -1, "scanning");
                clock.advance(Duration.ofSeconds(4));
                ctx.progress(300, -1, "scanning");
            });

            UpgradeEvent.StepProgress last = progress().get(1);
            assertThat(last.ratePerSecond()).isCloseTo(50.0, within(1e-9));
            assertThat(last.eta()).isNull();
            assertThat(last.summary()).isEqualTo("300, 50.0/s");
        }

        @Test
        void aNoticeInTheMiddleOfACopyLeavesItsRateAlone() {
            run(ctx -> {
                ctx.progress(0, 1000, "orders");
                clock.advance(Duration.ofSeconds(10));
                ctx.progress(200, 1000, "orders");
                ctx.progress(0, -1, "deprecation warnings on the target: [...]");
                clock.advance(Duration.ofSeconds(10));
                ctx.progress(400, 1000, "orders");
            });

            List<UpgradeEvent.StepProgress> p = progress();
            assertThat(p.get(2).ratePerSecond()).as("a notice has no rate").isNegative();
            assertThat(p.get(2).eta()).isNull();
            assertThat(p.get(3).ratePerSecond()).as("400 items in 20 s, the notice not a new start")
                    .isCloseTo(20.0, within(1e-9));
            assertThat(p.get(3).eta()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void aCountOfUnknownTotalThatStartsAtZeroIsMeasuredFromThatStart() {
            run(ctx -> {
                ctx.progress(0, -1, "index a");
                clock.advance(Duration.ofSeconds(10));
                ctx.progress(50, -1, "index a");
            });

            List<UpgradeEvent.StepProgress> p = progress();
            assertThat(p.get(0).ratePerSecond()).as("nothing to measure yet").isNegative();
            assertThat(p.get(1).ratePerSecond()).as("50 items in the 10 s since the start").isCloseTo(5.0, within(1e-9));
        }

        @Test
        void countsStartingOverAtTheNextIndexStartANewBaseline() {
            run(ctx -> {
                ctx.progress(900, 1000, "index a");
                clock.advance(Duration.ofSeconds(10));
                ctx.progress(1000, 1000, "index a");
                clock.advance(Duration.ofSeconds(30));
                ctx.progress(0, 7200, "index b");
                clock.advance(Duration.ofSeconds(60));
                ctx.progress(600, 7200, "index b");
            });

            UpgradeEvent.StepProgress last = progress().get(3);
            assertThat(last.ratePerSecond()).isCloseTo(10.0, within(1e-9));
            assertThat(last.eta()).isEqualTo(Duration.ofSeconds(660));
            assertThat(last.summary()).endsWith("ETA 11m 00s");
        }

        @Test
        void aRetriedAttemptMeasuresItsRateAfresh() {
            int[] attempt = {0};
            runner().retryPolicy(RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ZERO).jitter(0).build())
                    .build().up(UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
                        ctx.progress(attempt[0] == 0 ? 0 : 500, 1000, "orders");
                        clock.advance(Duration.ofSeconds(10));
                        ctx.progress(attempt[0] == 0 ? 100 : 600, 1000, "orders");
                        if (attempt[0]++ == 0) {
                            throw new java.io.IOException("connection reset");
                        }
                    }).build()).build());

            assertThat(progress()).extracting(UpgradeEvent.StepProgress::ratePerSecond)
                    .containsExactly(-1.0, 10.0, -1.0, 10.0);
        }
    }

    @Nested
    class InfoLog {

        @Test
        void logsProgressEveryTenSecondsPerStepAndTheLastCountsAtTheStepsEnd() {
            run(ctx -> {
                for (int i = 0; i <= 25; i++) {
                    ctx.progress(i, 100, "orders");
                    clock.advance(Duration.ofSeconds(1));
                }
            });

            // the step's first second is at DEBUG (a quick step logs no progress at INFO)
            assertThat(log.at(Level.INFO, "step copy: ")).containsExactly(
                    "INFO [plan] step copy: 1/100 (1%), 1.0/s, ETA 1m 39s orders",
                    "INFO [plan] step copy: 11/100 (11%), 1.0/s, ETA 1m 29s orders",
                    "INFO [plan] step copy: 21/100 (21%), 1.0/s, ETA 1m 19s orders",
                    "INFO [plan] step copy: 25/100 (25%), 1.0/s, ETA 1m 15s orders");
            assertThat(log.at(Level.DEBUG, "step copy: ")).hasSize(23);
            int lastProgress = log.lines.indexOf("INFO [plan] step copy: 25/100 (25%), 1.0/s, ETA 1m 15s orders");
            assertThat(log.lines.get(lastProgress + 1)).contains("step copy succeeded");
        }

        @Test
        void alwaysLogsAPartThatReachesItsTotal() {
            run(ctx -> {
                clock.advance(Duration.ofSeconds(1));      // past the step's first second, at DEBUG
                ctx.progress(0, 2, "nodes");
                clock.advance(Duration.ofSeconds(1));
                ctx.progress(1, 2, "node es-1 upgraded");
                clock.advance(Duration.ofSeconds(1));
                ctx.progress(2, 2, "node es-2 upgraded");
            });

            assertThat(log.at(Level.INFO, "step copy: ")).hasSize(2);
            assertThat(log.at(Level.INFO, "node es-2 upgraded")).hasSize(1);
            assertThat(log.at(Level.INFO, "node es-1 upgraded")).isEmpty();
        }
    }

    @Nested
    class LeaseWait {

        @Test
        void aRunWaitingForAnotherHostsLeaseSaysWhoHoldsItAndUntilWhen() {
            Lease held = store.acquireLease("plan", "host-b", Duration.ofSeconds(3));

            UpgradeReport report = runner().lockWait(Duration.ofSeconds(10)).build()
                    .up(UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> { }).build())
                            .build());

            assertThat(report.isSuccess()).isTrue();
            assertThat(events).filteredOn(UpgradeEvent.LeaseWaiting.class::isInstance).containsExactly(
                    new UpgradeEvent.LeaseWaiting(Instant.parse("2026-01-01T00:00:00Z"), "plan", "host-b",
                            held.token(), Instant.parse("2026-01-01T00:00:03Z"), Duration.ofSeconds(10)));
            assertThat(events.get(0)).isInstanceOf(UpgradeEvent.LeaseWaiting.class);
            assertThat(log.at(Level.INFO, "waiting for the lease")).containsExactly("INFO [plan] waiting for the lease"
                    + " held by 'host-b' (token " + held.token() + ") until 2026-01-01T00:00:03Z; waiting up to 10 s");
        }

        @Test
        void aFreeLeaseIsTakenWithoutAWaitEvent() {
            run(ctx -> { });

            assertThat(events).noneMatch(UpgradeEvent.LeaseWaiting.class::isInstance);
        }
    }
}
