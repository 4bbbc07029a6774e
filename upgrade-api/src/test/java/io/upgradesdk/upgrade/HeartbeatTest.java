package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The lease heartbeat: when it renews, what a failed renewal does, and whose scheduler is closed by whom. */
class HeartbeatTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock();
    private final ObservedStore store = new ObservedStore(new InMemoryCheckpointStore(clock), clock);
    private final ClockDrivenScheduler scheduler = new ClockDrivenScheduler(clock);

    private UpgradeRunner.Builder runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .leaseDuration(LEASE).scheduler(scheduler);
    }

    /** A step that lets {@code seconds} pass one second at a time, saving nothing. */
    private UpgradeStep waiting(String id, int seconds) {
        return UpgradeStep.builder(id).execute(ctx -> {
            for (int i = 0; i < seconds; i++) {
                clock.advance(Duration.ofSeconds(1));
            }
        }).build();
    }

    @Nested
    class FollowingTheInjectedClock {

        @Test
        void renewsTheLeaseEveryThirdOfItsDurationWhileAStepRuns() {
            Instant start = clock.instant();
            UpgradePlan plan = UpgradePlan.builder("plan").step(waiting("long", 35)).build();

            UpgradeReport report = runner().build().up(plan);

            assertThat(report.isSuccess()).isTrue();
            assertThat(store.renewals).containsExactly(start.plusSeconds(10), start.plusSeconds(20),
                    start.plusSeconds(30));
        }

        @Test
        void aRenewalRefusedByTheStoreStopsTheRunWithLeaseLostAtItsNextSave() {
            store.refuseRenewals = true;
            AtomicInteger batches = new AtomicInteger();
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
                clock.advance(Duration.ofSeconds(11)); // the heartbeat renews, and is refused
                batches.incrementAndGet();
                ctx.saveCursor("batch-1");
                batches.incrementAndGet();
            }).build()).step(waiting("next", 1)).build();

            UpgradeReport report = runner().build().up(plan);

            assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.LEASE_LOST.id());
            assertThat(report.error()).contains("taken over by host-b");
            assertThat(batches).hasValue(1);
            assertThat(store.load("plan").orElseThrow().step("copy").cursor()).isNull();
            assertThat(store.renewals).hasSize(1);
        }

        @Test
        void theHeartbeatIsCancelledWhenTheRunEnds() {
            AtomicInteger duringTheRun = new AtomicInteger();
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("short")
                    .execute(ctx -> duringTheRun.set(scheduler.activeTasks())).build()).build();

            runner().build().up(plan);
            clock.advance(Duration.ofMinutes(5));

            assertThat(duringTheRun).hasValue(1);
            assertThat(scheduler.activeTasks()).isZero();
            assertThat(store.renewals).isEmpty();
        }
    }

    @Nested
    class NamingAStepStillRunning {

        private final List<UpgradeEvent.StepStillRunning> stillRunning = new CopyOnWriteArrayList<>();

        private UpgradeReport up(UpgradeStep... steps) {
            return runner().listener(event -> {
                if (event instanceof UpgradeEvent.StepStillRunning e) {
                    stillRunning.add(e);
                }
            }).build().up(UpgradePlan.builder("plan").steps(List.of(steps)).build());
        }

        @Test
        void eachBeatNamesTheStepRunningForTenSecondsOrMoreAndForHowLong() {
            Instant start = clock.instant();

            up(waiting("quick", 3), waiting("long", 30));   // "long" runs from 3 s to 33 s

            assertThat(stillRunning).extracting(UpgradeEvent.StepStillRunning::stepId,
                    UpgradeEvent.StepStillRunning::runningFor, UpgradeEvent.StepStillRunning::time).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("long", Duration.ofSeconds(17), start.plusSeconds(20)),
                    org.assertj.core.groups.Tuple.tuple("long", Duration.ofSeconds(27), start.plusSeconds(30)));
            assertThat(stillRunning).allMatch(e -> e.planId().equals("plan"));
        }

        @Test
        void aBeatBetweenStepsOrDuringAShortStepNamesNone() {
            UpgradeStep idleAfter = UpgradeStep.builder("then-idle").execute(ctx -> { }).build();

            up(waiting("short", 9), idleAfter);
            clock.advance(Duration.ofSeconds(30));

            assertThat(stillRunning).isEmpty();
        }
    }

    @Nested
    class OwningTheScheduler {

        @Test
        void theRunnersOwnHeartbeatThreadStopsWhenTheRunEnds() throws Exception {
            String planId = "own-" + UUID.randomUUID();
            AtomicReference<Thread> heartbeat = new AtomicReference<>();
            UpgradePlan plan = UpgradePlan.builder(planId).step(UpgradeStep.builder("find-heartbeat")
                    .execute(ctx -> heartbeat.set(thread("upgrade-lease-" + planId).orElse(null))).build()).build();

            UpgradeReport report = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("host-a")
                    .leaseDuration(LEASE).build().up(plan);

            assertThat(report.isSuccess()).isTrue();
            assertThat(heartbeat.get()).as("the runner's own heartbeat thread during the run").isNotNull();
            assertThat(heartbeat.get().isDaemon()).as("a daemon: it never keeps the host's JVM alive").isTrue();
            heartbeat.get().join(TimeUnit.SECONDS.toMillis(10));
            assertThat(heartbeat.get().isAlive()).as("the heartbeat thread after the run").isFalse();
        }

        @Test
        void aHostsExecutorIsLeftRunningWithTheHeartbeatCancelled() throws Exception {
            ScheduledThreadPoolExecutor hostExecutor = new ScheduledThreadPoolExecutor(1);
            hostExecutor.setRemoveOnCancelPolicy(true);
            try {
                AtomicInteger tasksDuringTheRun = new AtomicInteger();
                UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("observe")
                        .execute(ctx -> tasksDuringTheRun.set(hostExecutor.getQueue().size())).build()).build();

                UpgradeReport report = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("host-a")
                        .leaseDuration(LEASE).scheduler(Scheduler.using(hostExecutor)).build().up(plan);

                assertThat(report.isSuccess()).isTrue();
                assertThat(tasksDuringTheRun).hasValue(1);
                assertThat(hostExecutor.isShutdown()).isFalse();
                assertThat(hostExecutor.getQueue()).isEmpty();
                assertThat(hostExecutor.submit(() -> "still usable").get(10, TimeUnit.SECONDS)).isEqualTo("still usable");
            } finally {
                hostExecutor.shutdownNow();
            }
        }

        private static Optional<Thread> thread(String name) {
            return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst();
        }
    }

    /** The in-memory store, recording when leases are renewed and refusing renewals on demand. */
    private static final class ObservedStore extends ForwardingCheckpointStore {
        private final TestClock clock;
        final List<Instant> renewals = new CopyOnWriteArrayList<>();
        volatile boolean refuseRenewals;

        ObservedStore(InMemoryCheckpointStore store, TestClock clock) {
            super(store);
            this.clock = clock;
        }

        @Override
        public Lease renewLease(Lease lease, Duration duration) {
            renewals.add(clock.instant());
            if (refuseRenewals) {
                throw new UpgradeException(UpgradeErrorCode.LEASE_LOST, "the lease was taken over by host-b");
            }
            return super.renewLease(lease, duration);
        }
    }
}
