package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a run keeps its lease: heartbeat period, renewal before writes, waiting for a held lease, releasing it. */
class LeaseKeepingTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore memory = new InMemoryCheckpointStore(clock);
    private final List<Instant> renewals = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<UpgradeEvent> events = new ArrayList<>();
    private boolean refuseRelease;

    /** The in-memory store, recording renewals and optionally failing releases. */
    private final CheckpointStore store = new ForwardingCheckpointStore(memory) {
        @Override
        public Lease renewLease(Lease lease, Duration duration) {
            renewals.add(clock.instant());
            return super.renewLease(lease, duration);
        }

        @Override
        public void releaseLease(Lease lease) {
            if (refuseRelease) {
                throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "connection reset");
            }
            super.releaseLease(lease);
        }
    };

    private UpgradeRunner.Builder runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).listener(events::add)
                .sleeper(d -> {
                    sleeps.add(d);
                    clock.advance(d);
                }).retryPolicy(RetryPolicy.custom().initialBackoff(Duration.ZERO).jitter(0).build());
    }

    private static UpgradePlan plan(UpgradeStep step) {
        return UpgradePlan.builder("plan").step(step).build();
    }

    private static UpgradePlan nothing() {
        return plan(UpgradeStep.builder("a").execute(ctx -> { }).build());
    }

    private Duration heartbeatPeriodFor(Duration lease) {
        List<Duration> periods = new ArrayList<>();
        Scheduler recording = (task, period) -> {
            periods.add(period);
            return () -> { };
        };
        runner().leaseDuration(lease).scheduler(recording).build().up(nothing());
        return periods.get(0);
    }

    @Test
    void theHeartbeatRenewsEveryThirdOfTheLeaseButNotMoreOftenThanEveryFiftyMilliseconds() {
        assertThat(heartbeatPeriodFor(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
        assertThat(heartbeatPeriodFor(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(100));
        assertThat(heartbeatPeriodFor(Duration.ofMillis(120))).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aSchedulerThatRefusesTheHeartbeatFailsTheRunAndLeavesTheLeaseFree() {
        Scheduler refusing = (task, period) -> {
            throw new IllegalStateException("executor shut down");
        };

        assertThatThrownBy(() -> runner().scheduler(refusing).build().up(nothing()))
                .hasMessageContaining("executor shut down");
        assertThat(memory.currentLease("plan")).isEmpty();
    }

    private UpgradeStep savingAfter(Duration pause) {
        return UpgradeStep.builder("copy").execute(ctx -> {
            clock.advance(pause);
            ctx.saveCursor("batch-1");
        }).build();
    }

    @Test
    void withoutAHeartbeatAWriteRenewsTheLeaseOnceAThirdOfItHasPassed() {
        Instant start = clock.instant();
        runner().heartbeat(false).leaseDuration(Duration.ofSeconds(30))
                .build().up(plan(savingAfter(Duration.ofSeconds(10).plusMillis(1))));

        assertThat(renewals).first().isEqualTo(start.plusSeconds(10).plusMillis(1));
    }

    @Test
    void withoutAHeartbeatAWriteBeforeAThirdOfTheLeaseHasPassedDoesNotRenew() {
        runner().heartbeat(false).leaseDuration(Duration.ofSeconds(30))
                .build().up(plan(savingAfter(Duration.ofSeconds(10))));

        assertThat(renewals).isEmpty();
    }

    @Test
    void aHeldLeaseIsPolledEveryHalfSecondUntilTheLockWaitIsUsedUpThenRefused() {
        memory.acquireLease("plan", "host-b", Duration.ofHours(1));

        assertThatThrownBy(() -> runner().lockWait(Duration.ofMillis(1200)).build().up(nothing()))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));
        assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(200));
    }

    @Test
    void aLockWaitOfExactlyOnePollWaitsOnce() {
        memory.acquireLease("plan", "host-b", Duration.ofHours(1));

        assertThatThrownBy(() -> runner().lockWait(Duration.ofMillis(500)).build().up(nothing()))
                .isInstanceOf(UpgradeException.class);
        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void theHolderIsAnnouncedOnceWhileTheSameAcquisitionHoldsTheLease() {
        memory.acquireLease("plan", "host-b", Duration.ofHours(1));

        assertThatThrownBy(() -> runner().lockWait(Duration.ofSeconds(2)).build().up(nothing()))
                .isInstanceOf(UpgradeException.class);

        List<UpgradeEvent.LeaseWaiting> waiting = events.stream().filter(UpgradeEvent.LeaseWaiting.class::isInstance)
                .map(UpgradeEvent.LeaseWaiting.class::cast).toList();
        assertThat(waiting).singleElement().satisfies(w -> {
            assertThat(w.holder()).isEqualTo("host-b");
            assertThat(w.lockWait()).isEqualTo(Duration.ofSeconds(2));
        });
    }

    @Test
    void aReleaseTheStoreRefusesIsLoggedAndTheRunStillSucceeds() {
        refuseRelease = true;

        UpgradeReport report = runner().heartbeat(false).build().up(nothing());

        assertThat(report.isSuccess()).isTrue();
        assertThat(memory.currentLease("plan")).isPresent();
    }
}
