package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Partitioned steps: workers claim partitions through the store, each with its own cursor and fenced claim. */
@Timeout(30)
class PartitionedStepTest {

    private static final RetryPolicy NO_RETRY = RetryPolicy.custom().maxAttempts(1).build();

    private final List<String> worked = new CopyOnWriteArrayList<>();

    private static List<String> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> "slice-" + i).toList();
    }

    private static UpgradePlan plan(UpgradeStep step) {
        return UpgradePlan.builder("plan").step(step)
                .step(UpgradeStep.builder("destroy").phase(Phase.FINISH).execute(ctx -> { }).build()).build();
    }

    /**
     * Every run in these tests uses the same store, as hosts sharing it would. Waits advance the
     * manual clock, so these runs use one worker: a second one polling would age the first one's claims.
     */
    @Nested
    class OnAManualClock {

        private final TestClock clock = new TestClock();
        private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);

        private UpgradeRunner runner(String owner) {
            return UpgradeRunner.builder().store(store).owner(owner).clock(clock).sleeper(clock::advance)
                    .heartbeat(false).leaseDuration(Duration.ofSeconds(30)).retryPolicy(NO_RETRY).build();
        }

        @Test
        void theStepsTotalIsUnknownUntilEveryPartitionHasReportedItsOwn() {
            List<UpgradeEvent> events = new CopyOnWriteArrayList<>();
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(3)).workers(1)
                    .execute(part -> {
                        part.progress(50, 100, "copying");
                        part.progress(100, 100, "copied");
                    }).build());

            UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance).heartbeat(false)
                    .retryPolicy(NO_RETRY).listener(events::add).build().up(plan);

            List<UpgradeEvent.StepProgress> progress = events.stream()
                    .filter(UpgradeEvent.StepProgress.class::isInstance).map(UpgradeEvent.StepProgress.class::cast)
                    .toList();
            assertThat(progress).hasSize(6);
            assertThat(progress.subList(0, 4)).as("before the third partition's first report: not '100/100 (100%%)'")
                    .allSatisfy(p -> {
                        assertThat(p.total()).isNegative();
                        assertThat(p.reachedTotal()).isFalse();
                        assertThat(p.eta()).isNull();
                    });
            assertThat(progress.get(4).summary()).startsWith("250/300 (83%)");
            assertThat(progress.get(5).reachedTotal()).isTrue();
            assertThat(progress.get(5).done()).isEqualTo(300);
        }

        @Test
        void aPartitionAbandonedByADeadWorkerIsTakenOverAfterItsClaimExpiresAndResumesAtItsCursor() {
            Map<String, String> cursorsSeen = new ConcurrentHashMap<>();
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(3)).workers(1)
                    .execute(part -> {
                        cursorsSeen.put(part.partitionId(), part.cursor().orElse("start"));
                        worked.add(part.partitionId());
                    }).build());
            PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
            claims.register(ids(3), "dead-host", Duration.ofSeconds(30));
            claims.claim("slice-1", "dead-host/w1", Duration.ofSeconds(30)).orElseThrow().saveCursor("doc-500");
            // the dead worker never releases its claim: it expires 30 s later

            UpgradeReport report = runner("host-b").up(plan);

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(cursorsSeen).containsEntry("slice-1", "doc-500").containsEntry("slice-0", "start");
            assertThat(worked).containsExactlyInAnyOrder("slice-0", "slice-1", "slice-2");
            assertThat(runner("host-b").partitions(plan, "copy")).allSatisfy(p -> {
                assertThat(p.state()).isEqualTo(PartitionState.DONE);
                assertThat(p.claim()).isEmpty();
            });
            assertThat(runner("host-b").partitions(plan, "copy")).filteredOn(p -> p.partitionId().equals("slice-1"))
                    .singleElement().extracting(PartitionStatus::attempts).isEqualTo(2);
        }

        @Test
        void aDeadWorkersLateWriteIsRefusedOnceItsPartitionWasTakenOver() {
            PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
            claims.register(ids(1), "host-a", Duration.ofSeconds(30));
            PartitionClaims.Claim dead = claims.claim("host-a/w1", Duration.ofSeconds(30)).orElseThrow();
            clock.advance(Duration.ofSeconds(31));
            PartitionClaims.Claim successor = claims.claim("host-b/w1", Duration.ofSeconds(30)).orElseThrow();
            successor.saveCursor("doc-9");

            assertThatThrownBy(() -> dead.saveCursor("doc-1")).isInstanceOf(UpgradeException.class)
                    .extracting(e -> ((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST);
            assertThat(claims.status("slice-0").cursor()).isEqualTo("doc-9");
        }

        @Test
        void aFailedPartitionFailsTheStepAndTheNextRunWorksOnlyItFromItsCursor() {
            Set<String> failOnce = ConcurrentHashMap.newKeySet();
            failOnce.add("slice-2");
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(4)).workers(1)
                    .execute(part -> {
                        if (failOnce.remove(part.partitionId())) {
                            part.saveCursor("doc-7");
                            throw new IllegalStateException("target refused doc-8");
                        }
                        worked.add(part.partitionId() + "@" + part.cursor().orElse("start"));
                    }).build());

            UpgradeReport first = runner("host-a").run(plan);

            assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(first.error()).contains("slice-2 FAILED").contains("target refused doc-8");
            assertThat(runner("host-a").partitions(plan, "copy")).extracting(PartitionStatus::state)
                    .containsExactly(PartitionState.DONE, PartitionState.DONE, PartitionState.FAILED,
                            PartitionState.DONE);
            assertThatThrownBy(() -> runner("host-a").finish(plan)).isInstanceOf(UpgradeException.class)
                    .extracting(e -> ((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.PHASE_ORDER);

            worked.clear();
            UpgradeReport second = runner("host-a").run(plan);

            assertThat(second.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(worked).containsExactly("slice-2@doc-7");
        }

        @Test
        void theRecordedPartitionListIsKeptOnResumeAndForgottenByRollback() {
            List<List<String>> sources = new ArrayList<>(List.of(ids(2), ids(3), ids(4)));
            Set<String> failOnce = ConcurrentHashMap.newKeySet();
            failOnce.add("slice-1");
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> sources.remove(0)).workers(1)
                    .compensation(ctx -> worked.add("undo copy"))
                    .execute(part -> {
                        if (failOnce.remove(part.partitionId())) {
                            throw new IllegalStateException("boom");
                        }
                        worked.add(part.partitionId());
                    }).build());

            runner("host-a").up(plan);                          // records 2 partitions, slice-1 fails
            runner("host-a").up(plan);                          // resumes with the recorded 2, not 3
            assertThat(runner("host-a").partitions(plan, "copy")).hasSize(2);

            runner("host-a").rollback(plan);
            assertThat(runner("host-a").partitions(plan, "copy")).isEmpty();
            worked.clear();
            runner("host-a").up(plan);                          // computes the list afresh

            assertThat(worked).containsExactly("slice-0", "slice-1", "slice-2");
        }

        @Test
        void previewShowsEachPartitionsStateOwnerAndCursor() {
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(3))
                    .execute(part -> { }).build());
            PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
            claims.register(ids(3), "host-a", Duration.ofSeconds(30));
            claims.claim("slice-0", "host-a/w1", Duration.ofSeconds(30)).orElseThrow().complete();
            claims.claim("slice-1", "host-a/w2", Duration.ofSeconds(30)).orElseThrow().saveCursor("doc-40");

            Preview preview = runner("host-b").preview(plan);

            PlannedAction partitions = preview.items().get(0).plannedActions().get(0);
            assertThat(partitions.action()).isEqualTo("work partitions");
            assertThat(partitions.details()).containsEntry("done", "1").containsEntry("running", "1")
                    .containsEntry("pending", "1").containsEntry("partition slice-0", "DONE")
                    .containsEntry("partition slice-1", "RUNNING by 'host-a/w2', cursor doc-40")
                    .containsEntry("partition slice-2", "PENDING");
            assertThat(claims.status("slice-1").owner()).contains("host-a/w2");
        }

        @Test
        void anOperatorSkipsAFailedPartitionAndTheNextRunCompletesTheStepWithoutIt() {
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(2)).workers(1)
                    .execute(part -> {
                        if (part.partitionId().equals("slice-1")) {
                            throw new IllegalStateException("corrupt shard");
                        }
                        worked.add(part.partitionId());
                    }).build());
            runner("host-a").up(plan);

            PartitionStatus skipped = runner("ops").markPartitionSkipped(plan, "copy", "slice-1",
                    OperatorNote.by("alice", "shard restored from snapshot by hand"));
            UpgradeReport next = runner("host-a").up(plan);

            assertThat(skipped.state()).isEqualTo(PartitionState.SKIPPED);
            assertThat(next.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(worked).containsExactly("slice-0");
            assertThat(store.load(PartitionClaims.partitionKey("plan", "copy", "slice-1")).orElseThrow().audit())
                    .singleElement().satisfies(a -> assertThat(a.reason()).contains("restored from snapshot"));
        }

        @Test
        void resetPartitionDropsItsCursorAndARunWorksItFromTheStart() {
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(1))
                    .execute(part -> worked.add(part.cursor().orElse("start"))).build());
            PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
            claims.register(ids(1), "host-a", Duration.ofSeconds(30));
            claims.claim("host-a/w1", Duration.ofSeconds(30)).orElseThrow().saveCursor("doc-3");
            clock.advance(Duration.ofSeconds(31));

            runner("ops").resetPartition(plan, "copy", "slice-0", OperatorNote.by("alice", "target index recreated"));
            runner("host-a").up(plan);

            assertThat(worked).containsExactly("start");
        }

        @Test
        void aCorrectionOfAPartitionHeldByALiveWorkerIsRefused() {
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(1))
                    .execute(part -> { }).build());
            PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
            claims.register(ids(1), "host-a", Duration.ofSeconds(30));
            claims.claim("host-a/w1", Duration.ofSeconds(30)).orElseThrow();

            assertThatThrownBy(() -> runner("ops").markPartitionDone(plan, "copy", "slice-0",
                    OperatorNote.by("alice", "done by hand"))).isInstanceOf(UpgradeException.class)
                    .extracting(e -> ((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LOCK_HELD);
        }

        @Test
        void duplicatePartitionIdsFailTheStepNamingTheDuplicate() {
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> List.of("a", "b", "a"))
                    .execute(part -> { }).build());

            UpgradeReport report = runner("host-a").up(plan);

            assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(report.error()).contains("declared partition 'a' twice");
        }

        @Test
        void joinDoesNothingWhenNoPartitionedStepIsRunning() {
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(2))
                    .execute(part -> worked.add(part.partitionId())).build());

            JoinReport joined = runner("host-b").join(plan);

            assertThat(joined.stepId()).isEmpty();
            assertThat(worked).isEmpty();
        }
    }

    @Test
    void aStepWithoutPartitionsOrActionIsRefusedAtBuild() {
        assertThatThrownBy(() -> UpgradeStep.partitioned("copy").execute(part -> { }).build())
                .hasMessageContaining("has no partitions");
        assertThatThrownBy(() -> UpgradeStep.partitioned("copy").partitions(ctx -> ids(1)).build())
                .hasMessageContaining("has no action");
        assertThatThrownBy(() -> UpgradeStep.partitioned("copy").workers(-1))
                .isInstanceOf(UpgradeException.class);
    }

    /** Real threads, real clock, heartbeats on: what a host runs. */
    @Nested
    class OnTheSystemClock {

        private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();

        private UpgradeRunner runner(String owner) {
            return runner(owner, Duration.ofSeconds(2));
        }

        private UpgradeRunner runner(String owner, Duration leaseDuration) {
            return UpgradeRunner.builder().store(store).owner(owner).leaseDuration(leaseDuration)
                    .retryPolicy(NO_RETRY).build();
        }

        @Test
        void severalWorkersInOneJvmCompleteEveryPartitionExactlyOnce() {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            CountDownLatch twoAtOnce = new CountDownLatch(2);
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(12)).workers(4)
                    .execute(part -> {
                        threads.add(Thread.currentThread().getName());
                        twoAtOnce.countDown();
                        twoAtOnce.await(5, TimeUnit.SECONDS);     // two partitions are worked at the same time
                        for (int doc = 1; doc <= 3; doc++) {
                            Thread.sleep(5);
                            part.saveCursor("doc-" + doc);
                            part.progress(doc, 3, "copied");
                        }
                        worked.add(part.partitionId());
                    }).build());

            UpgradeReport report = runner("host-a").run(plan);

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(worked).hasSize(12).containsExactlyInAnyOrderElementsOf(ids(12));
            assertThat(threads).hasSizeGreaterThan(1).hasSizeLessThanOrEqualTo(4);
            assertThat(runner("host-a").partitions(plan, "copy")).allSatisfy(p -> {
                assertThat(p.state()).isEqualTo(PartitionState.DONE);
                assertThat(p.attempts()).isEqualTo(1);
            });
        }

        @Test
        void anotherProcessJoinsARunningStepAndWorksTheFreePartitionsWithoutThePlanLease() throws Exception {
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(6)).workers(1)
                    .execute(part -> {
                        if (part.partitionId().equals("slice-0")) {
                            firstStarted.countDown();
                            assertThat(releaseFirst.await(20, TimeUnit.SECONDS)).isTrue();
                        }
                        worked.add(part.partitionId());
                    }).build());
            ExecutorService hostA = Executors.newSingleThreadExecutor();
            try {
                Future<UpgradeReport> run = hostA.submit(() -> runner("host-a").up(plan));
                assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();

                JoinReport joined = runner("host-b").join(plan, 2);
                releaseFirst.countDown();

                assertThat(joined.stepId()).contains("copy");
                assertThat(joined.completed()).isEqualTo(5);
                assertThat(run.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SUCCEEDED);
                assertThat(worked).hasSize(6).containsExactlyInAnyOrderElementsOf(ids(6));
            } finally {
                releaseFirst.countDown();
                hostA.shutdownNow();
            }
        }

        @Test
        void theStepEndsWhenItsLastPartitionIsDoneWithoutWaitingForAnIdleWorkersPollToEnd() {
            CountDownLatch idleWorkerPolls = new CountDownLatch(1);
            AtomicBoolean aPollRanToItsEnd = new AtomicBoolean();
            Sleeper longPoll = duration -> {     // a poll far longer than the work left
                idleWorkerPolls.countDown();
                Thread.sleep(20_000);
                aPollRanToItsEnd.set(true);
            };
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> List.of("fast", "slow"))
                    .workers(2).execute(part -> {
                        if (part.partitionId().equals("slow")) {    // ends while the other worker, with nothing left to claim, polls
                            assertThat(idleWorkerPolls.await(10, TimeUnit.SECONDS)).isTrue();
                        }
                        worked.add(part.partitionId());
                    }).build());
            UpgradeRunner runner = UpgradeRunner.builder().store(store).owner("host-a").sleeper(longPoll)
                    .retryPolicy(NO_RETRY).build();

            UpgradeReport report = runner.up(plan);

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(worked).containsExactlyInAnyOrder("fast", "slow");
            assertThat(aPollRanToItsEnd).as("the step waited for an idle worker's poll to end").isFalse();
            assertThat(runner.partitions(plan, "copy")).extracting(PartitionStatus::state)
                    .containsOnly(PartitionState.DONE);
        }

        @Test
        void aLongPartitionKeepsItsClaimThroughTheHeartbeatAndIsNotTakenOver() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            UpgradePlan plan = plan(UpgradeStep.partitioned("copy").partitions(ctx -> ids(1)).workers(1)
                    .execute(part -> {
                        started.countDown();
                        Thread.sleep(1_800);     // longer than the 1 s claim, with no write to renew it
                        worked.add(part.partitionId());
                    }).build());
            ExecutorService hostA = Executors.newSingleThreadExecutor();
            try {
                Future<UpgradeReport> run = hostA.submit(() -> runner("host-a", Duration.ofSeconds(1)).up(plan));
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(1_300);     // past the expiry the claim would have without renewals
                JoinReport joined = runner("host-b", Duration.ofSeconds(1)).join(plan);

                assertThat(joined.completed()).isZero();
                assertThat(run.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SUCCEEDED);
                assertThat(worked).containsExactly("slice-0");
            } finally {
                hostA.shutdownNow();
            }
        }
    }
}
