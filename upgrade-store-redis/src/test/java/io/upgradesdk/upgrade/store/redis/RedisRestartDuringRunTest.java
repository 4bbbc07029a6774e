package io.upgradesdk.upgrade.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Redis goes away in the middle of a run: the run retries and completes, or stops clearly; nothing is rolled back. */
@Tag("integration")
class RedisRestartDuringRunTest {

    private static final int UNITS = 30;
    private static final int OUTAGE_AT_UNIT = 8;

    @Test
    void runRidesThroughACrashOfAPersistentRedisAndNoSavedCheckpointIsLostOrRolledBack() throws Exception {
        try (RedisServer server = RedisServer.builder().appendOnly().start()) {
            String prefix = server.uniqueKeyPrefix("restart");
            AtomicLong ackedAtCrash = new AtomicLong(-1);
            AtomicLong revisionAfterRestart = new AtomicLong(-1);
            CompletableFuture<Void> outage = new CompletableFuture<>();
            // Commands time out after 1 s, the outage lasts 2.5 s: saves fail (transient) and the runner retries.
            try (RecordingStore store = new RecordingStore(open(server, prefix, Duration.ofSeconds(1)))) {
                UpgradePlan plan = plan("crash-" + UUID.randomUUID(), unit -> {
                    if (unit == OUTAGE_AT_UNIT) {
                        CompletableFuture.runAsync(() -> {
                            server.kill(); // SIGKILL: only what Redis fsynced (appendfsync always) survives
                            ackedAtCrash.set(store.lastAcknowledgedRevision.get());
                            pause(2500);
                            server.startAgain();
                            try (CheckpointStore check = open(server, prefix)) {
                                revisionAfterRestart.set(check.load(planIdOf(store)).map(Checkpoint::revision)
                                        .orElse(-1L));
                            }
                        }).whenComplete((v, e) -> {
                            if (e != null) {
                                outage.completeExceptionally(e);
                            } else {
                                outage.complete(null);
                            }
                        });
                    }
                });
                store.planId = plan.id();
                UpgradeReport report = runner(store).up(plan);

                assertThat(report.outcome()).as("%s", report.toJson()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
                outage.get();
                assertThat(ackedAtCrash.get()).isPositive();
                assertThat(store.failedSaves.get()).as("saves that failed during the outage").isPositive();
                // What Redis acknowledged before the crash was still there after it ...
                assertThat(revisionAfterRestart.get()).isGreaterThanOrEqualTo(ackedAtCrash.get());
                // ... the run went on from there (never writing an older revision) and completed.
                assertThat(store.savedRevisions).isSorted().doesNotHaveDuplicates()
                        .anySatisfy(r -> assertThat(r).isGreaterThan(revisionAfterRestart.get()));
                try (CheckpointStore check = open(server, prefix)) {
                    Checkpoint done = check.load(plan.id()).orElseThrow();
                    assertThat(done.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.SUCCEEDED));
                    assertThat(done.revision()).isEqualTo(store.lastAcknowledgedRevision.get());
                }
            }
        }
    }

    @Test
    void crashedRedisThatComesBackHasEveryAcknowledgedCheckpoint() throws Exception {
        try (RedisServer server = RedisServer.builder().appendOnly().start()) {
            String prefix = server.uniqueKeyPrefix("ack");
            String planId = "ack-" + UUID.randomUUID();
            Checkpoint saved;
            try (CheckpointStore store = open(server, prefix)) {
                Lease lease = store.acquireLease(planId, "host-a", Duration.ofSeconds(30));
                Checkpoint checkpoint = Checkpoint.start(plan(planId, u -> { }), java.time.Instant.now());
                for (int i = 0; i < 50; i++) {
                    checkpoint = checkpoint.withStep(checkpoint.step("step-2").withCursor(Integer.toString(i)),
                            java.time.Instant.now());
                    store.save(checkpoint, lease);
                }
                saved = checkpoint;
                server.kill();
                server.startAgain();
                // Same connection: lettuce reconnects; the lease survived too, so the holder writes on.
                assertThat(store.load(planId)).contains(saved);
                assertThat(store.currentLease(planId)).hasValueSatisfying(l -> assertThat(l.sameAcquisition(lease))
                        .isTrue());
                store.save(saved.withStep(saved.step("step-2").withCursor("50"), java.time.Instant.now()), lease);
            }
        }
    }

    @Test
    void redisRestartedWithoutPersistenceStopsTheRunWithAClearErrorInsteadOfWritingOn() throws Exception {
        try (RedisServer server = RedisServer.builder().start()) {
            String prefix = server.uniqueKeyPrefix("volatile");
            try (RecordingStore store = new RecordingStore(open(server, prefix))) {
                UpgradePlan plan = plan("volatile-" + UUID.randomUUID(), unit -> {
                    if (unit == OUTAGE_AT_UNIT) {
                        server.restart(); // all keys are gone afterwards: lease, token counter, checkpoint
                    }
                });
                UpgradeReport report = runner(store).up(plan);

                assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
                assertThat(report.errorCode()).isEqualTo(UpgradeErrorCode.LEASE_LOST.id());
                assertThat(report.error()).contains("lost the plan's keys").contains("appendonly yes");
                // The run did not recreate a partial checkpoint on the emptied Redis.
                try (CheckpointStore check = open(server, prefix)) {
                    assertThat(check.load(plan.id())).isEmpty();
                }
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private static UpgradeRunner runner(CheckpointStore store) {
        return UpgradeRunner.builder().store(store).owner("host-a").leaseDuration(Duration.ofSeconds(10))
                .retryPolicy(RetryPolicy.custom().maxAttempts(20).initialBackoff(Duration.ofMillis(100))
                        .maxBackoff(Duration.ofSeconds(1)).build())
                .build();
    }

    /** Step 1 quick; step 2 does {@link #UNITS} units of 40 ms, saving a cursor after each. */
    private static UpgradePlan plan(String planId, Consumer<Integer> beforeUnit) {
        return UpgradePlan.builder(planId)
                .step(UpgradeStep.builder("step-1").execute(ctx -> ctx.saveCursor("done")).build())
                .step(UpgradeStep.builder("step-2").execute(ctx -> {
                    int from = ctx.cursor().map(Integer::parseInt).orElse(0);
                    for (int u = from; u < UNITS; u++) {
                        beforeUnit.accept(u);
                        Thread.sleep(40);
                        ctx.saveCursor(Integer.toString(u + 1));
                    }
                }).build())
                .build();
    }

    private static CheckpointStore open(RedisServer server, String prefix) {
        return open(server, prefix, Duration.ofSeconds(2));
    }

    private static CheckpointStore open(RedisServer server, String prefix, Duration timeout) {
        RedisURI uri = RedisURI.builder().withHost(server.host()).withPort(server.port()).withTimeout(timeout).build();
        return RedisCheckpointStore.builder().uri(uri).keyPrefix(prefix).build();
    }

    private static String planIdOf(RecordingStore store) {
        return store.planId;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes everything through and records which checkpoint revisions Redis acknowledged. */
    private static final class RecordingStore extends ForwardingCheckpointStore {
        final AtomicLong lastAcknowledgedRevision = new AtomicLong(-1);
        final List<Long> savedRevisions = new CopyOnWriteArrayList<>();
        final AtomicLong failedSaves = new AtomicLong();
        volatile String planId;

        RecordingStore(CheckpointStore delegate) {
            super(delegate);
        }

        @Override
        public void save(Checkpoint checkpoint, Lease lease) {
            try {
                super.save(checkpoint, lease);
            } catch (RuntimeException e) {
                failedSaves.incrementAndGet();
                throw e;
            }
            savedRevisions.add(checkpoint.revision());
            lastAcknowledgedRevision.set(checkpoint.revision());
        }
    }
}
