package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;

import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several workers of a partitioned step on the preset's virtual clock: the waits of an idle worker
 * move the clock, but a claim whose worker is still busy stays alive, as a heartbeat would keep it.
 */
@Timeout(30)
class VirtualClockWorkersTest {

    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    @Test
    void aBusyWorkerKeepsItsClaimWhileAnIdleWorkersPollsMoveTheClockPastTheLease() {
        UpgradeTestRunner t = UpgradeTestKit.runner().leaseDuration(Duration.ofSeconds(60)).build();
        Instant pastTwoLeases = t.clock().instant().plus(Duration.ofMinutes(2));
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(UpgradeStep.partitioned("copy").workers(2)
                        .partitions(ctx -> List.of("slow", "fast-1", "fast-2"))
                        .execute(part -> {
                            executions.computeIfAbsent(part.partitionId(), id -> new AtomicInteger()).incrementAndGet();
                            if (part.partitionId().equals("slow")) {
                                part.saveCursor("half");
                                awaitVirtualClockPast(t.clock(), pastTwoLeases);   // the other worker polls meanwhile
                            }
                            part.saveCursor("all");
                        }).build())
                .build();

        assertThat(t.up(plan)).succeeded();

        assertThat(executions).containsOnlyKeys("slow", "fast-1", "fast-2")
                .allSatisfy((id, count) -> assertThat(count).as("executions of %s", id).hasValue(1));
        assertThat(t.events().ofType(UpgradeEvent.PartitionTakenOver.class)).isEmpty();
        assertThat(t.partitions(plan, "copy")).extracting(PartitionStatus::state).containsOnly(PartitionState.DONE);
    }

    @Test
    void fourWorkersCompleteTwelvePartitionsExactlyOnceWithNoRealWaiting() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch twoAtOnce = new CountDownLatch(2);
        List<String> ids = IntStream.range(0, 12).mapToObj(i -> "slice-" + i).toList();
        UpgradePlan plan = UpgradePlan.builder("plan")
                .step(UpgradeStep.partitioned("copy").workers(4).partitions(ctx -> ids)
                        .execute(part -> {
                            executions.computeIfAbsent(part.partitionId(), id -> new AtomicInteger()).incrementAndGet();
                            threads.add(Thread.currentThread().getName());
                            twoAtOnce.countDown();
                            twoAtOnce.await(5, TimeUnit.SECONDS);     // two partitions are worked at the same time
                            for (int doc = 1; doc <= 3; doc++) {
                                part.saveCursor("doc-" + doc);
                            }
                        }).build())
                .build();

        assertThat(t.up(plan)).succeeded();

        assertThat(executions).containsOnlyKeys(ids).allSatisfy((id, count) -> assertThat(count).hasValue(1));
        assertThat(threads).hasSizeBetween(2, 4);
        assertThat(t.partitions(plan, "copy")).allSatisfy(p -> {
            assertThat(p.state()).isEqualTo(PartitionState.DONE);
            assertThat(p.attempts()).isEqualTo(1);
        });
    }

    @Test
    void theSleepersWaitRenewsLiveClaimsOnlyNotThePlanLeaseNorAClaimTheTestLetExpire() {
        MutableClock clock = MutableClock.atEpochOfTests();
        ObservedStore store = new ObservedStore(new InMemoryCheckpointStore(clock));
        Duration minute = Duration.ofSeconds(60);
        Lease plan = store.acquireLease("plan", "host-a", minute);
        Lease live = store.acquireLease("partition:plan:copy:s0", "host-a/w1", minute);
        Lease released = store.acquireLease("partition:plan:copy:s1", "host-a/w2", minute);
        store.releaseLease(released);

        store.advanceKeepingClaimsAlive(clock, Duration.ofMinutes(2));

        assertThat(store.currentLease(live.planId())).hasValueSatisfying(l ->
                assertThat(l.expiresAt()).isEqualTo(clock.instant().plus(minute)));
        assertThat(store.currentLease("plan")).hasValueSatisfying(l -> assertThat(l).isEqualTo(plan));
        assertThat(store.currentLease(released.planId())).isEmpty();

        clock.advance(Duration.ofMinutes(5));      // the test itself lets the claim expire
        store.advanceKeepingClaimsAlive(clock, Duration.ofSeconds(1));

        assertThat(store.acquireLease(live.planId(), "host-b/w1", minute).owner()).isEqualTo("host-b/w1");
    }

    /** Waits in real time (at most 10 s) until the idle worker's polls have moved the virtual clock past {@code instant}. */
    private static void awaitVirtualClockPast(MutableClock clock, Instant instant) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!clock.instant().isAfter(instant)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the virtual clock stayed at " + clock.instant() + ": nobody polled");
            }
            Thread.sleep(1);
        }
    }
}
