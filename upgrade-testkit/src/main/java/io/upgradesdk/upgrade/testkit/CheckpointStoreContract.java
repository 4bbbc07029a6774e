package io.upgradesdk.upgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CheckpointStore} must show. A store implementation proves itself by
 * extending this class and implementing {@link #createStore(MutableClock)}:
 *
 * <pre>{@code
 * class MyStoreTest extends CheckpointStoreContract {
 *     protected CheckpointStore createStore(MutableClock clock) { return new MyStore(..., clock); }
 * }
 * }</pre>
 *
 * <p>Two instances are created per test, {@link #store} and {@link #otherHost}, which must share
 * their backing storage (same directory, database, key prefix) as two hosts would. Stores whose
 * lease expiry follows a server's clock override {@link #leaseDuration()} and {@link #elapse}.
 *
 * <p>The partition tests check that {@link PartitionClaims} (partitioned steps' claims, built on
 * this store's leases and fenced saves under derived keys) is exclusive, expires, refuses a stale
 * owner and lists partitions on this store: a store needs no code of its own for partitions.
 */
public abstract class CheckpointStoreContract {

    private static final Duration HELD_LEASE = Duration.ofSeconds(30);

    protected MutableClock clock;
    protected CheckpointStore store;
    protected CheckpointStore otherHost;
    protected String planId;

    /** A new store instance on the shared backing storage, with lease expiry following {@code clock}. */
    protected abstract CheckpointStore createStore(MutableClock clock) throws Exception;

    /** The lease duration the tests use. */
    protected Duration leaseDuration() {
        return Duration.ofSeconds(30);
    }

    /**
     * The lease duration of the tests in which no lease is meant to expire: at least 30 s, so that
     * a store whose {@link #leaseDuration()} is short (its expiry follows a real clock) keeps those
     * tests' leases on a loaded machine; tests of expiry use {@link #leaseDuration()}.
     */
    protected Duration heldLeaseDuration() {
        Duration lease = leaseDuration();
        return lease.compareTo(HELD_LEASE) >= 0 ? lease : HELD_LEASE;
    }

    /** Lets {@code duration} pass for the store's lease expiry. */
    protected void elapse(Duration duration) throws Exception {
        clock.advance(duration);
    }

    @BeforeEach
    void setUpStores() throws Exception {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        store = createStore(clock);
        otherHost = createStore(clock);
        planId = "contract-" + UUID.randomUUID();
    }

    @AfterEach
    void closeStores() throws Exception {
        store.close();
        otherHost.close();
    }

    // --- checkpoints -------------------------------------------------------------------------

    @Test
    void loadOfAnUnknownPlanIsEmpty() {
        assertThat(store.load(planId)).isEmpty();
    }

    @Test
    void savedCheckpointLoadsBackEqualFromAnotherHost() {
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());
        Checkpoint checkpoint = sample(planId, 3);
        store.save(checkpoint, lease);

        assertSameCheckpoint(otherHost.load(planId), checkpoint);
    }

    @Test
    void saveReplacesThePreviousCheckpoint() {
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());
        Checkpoint first = sample(planId, 1);
        Checkpoint second = first.withStep(first.step("step-1").finished(StepState.SUCCEEDED, now(), null), now());
        store.save(first, lease);
        store.save(second, lease);

        assertSameCheckpoint(store.load(planId), second);
    }

    @Test
    void textWithQuotesNewlinesAndUnicodeSurvivesTheRoundTrip() {
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());
        Checkpoint checkpoint = sample(planId, 1).withStep(
                new StepRecord("step-1", StepState.RUNNING, 2, "id:\"a\\b\"\n→ é 😀", now(), null, "line1\nline2"),
                now());
        store.save(checkpoint, lease);

        assertSameCheckpoint(store.load(planId), checkpoint);
    }

    @Test
    void everyFieldOfEveryStepAndAuditEntrySurvivesTheRoundTrip() {
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());
        Instant start = now().minusSeconds(3600);
        Checkpoint checkpoint = new Checkpoint(planId, "v7:every-field", 42, now(), List.of(
                new StepRecord("done", StepState.SUCCEEDED, 3, "last-cursor", start, start.plusMillis(1500), null),
                new StepRecord("failed", StepState.FAILED, 5, "cursor-at-failure", start.plusSeconds(2),
                        start.plusSeconds(9), "IOException: disk full"),
                new StepRecord("running", StepState.RUNNING, 2, "cursor-17", start.plusMillis(12_345), null, "timeout"),
                new StepRecord("touched", StepState.PENDING, 1, null, null, null, "refused")),
                List.of(new AuditEntry(start.plusSeconds(60), "alice", "MARK_DONE", "done", "done by hand"),
                        new AuditEntry(start.plusSeconds(61), "bob", "SKIP", null, "plan-wide note")));
        store.save(checkpoint, lease);

        assertSameCheckpoint(otherHost.load(planId), checkpoint);
    }

    @Test
    void aStepGoingBackToPendingLosesNothingElse() {
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());
        Checkpoint first = sample(planId, 2);
        Checkpoint second = first.withStep(new StepRecord("step-2", StepState.PENDING, 4, "kept-cursor",
                now().minusSeconds(5), null, null), now().plusMillis(1));
        store.save(first, lease);
        store.save(second, lease);

        assertSameCheckpoint(otherHost.load(planId), second);
    }

    @Test
    void plansAreIndependent() {
        String otherPlan = planId + "-other";
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());
        Lease otherLease = store.acquireLease(otherPlan, "host-a", heldLeaseDuration());
        store.save(sample(planId, 1), lease);
        store.save(sample(otherPlan, 2), otherLease);

        assertThat(store.load(planId).orElseThrow().steps()).hasSize(1);
        assertThat(store.load(otherPlan).orElseThrow().steps()).hasSize(2);
    }

    // --- acquiring ---------------------------------------------------------------------------

    @Test
    void acquiredLeaseNamesItsOwnerAndExpiresInTheFuture() {
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());

        assertThat(lease.planId()).isEqualTo(planId);
        assertThat(lease.owner()).isEqualTo("host-a");
        assertThat(lease.token()).isPositive();
        assertThat(lease.expiresAt()).isAfter(clock.instant());
        assertThat(otherHost.currentLease(planId)).hasValueSatisfying(l -> assertThat(l.sameAcquisition(lease)).isTrue());
    }

    @Test
    void secondAcquisitionFailsFastNamingTheHolder() {
        store.acquireLease(planId, "host-a", heldLeaseDuration());

        assertThatThrownBy(() -> otherHost.acquireLease(planId, "host-b", heldLeaseDuration()))
                .isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LOCK_HELD))
                .hasMessageContaining("host-a");
    }

    @Test
    void theSameOwnerCannotAcquireTwice() {
        store.acquireLease(planId, "host-a", heldLeaseDuration());

        assertThatThrownBy(() -> store.acquireLease(planId, "host-a", heldLeaseDuration()))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));
    }

    @Test
    void releasedLeaseCanBeAcquiredWithAHigherToken() {
        Lease first = store.acquireLease(planId, "host-a", heldLeaseDuration());
        store.releaseLease(first);

        Lease second = otherHost.acquireLease(planId, "host-b", heldLeaseDuration());

        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(store.currentLease(planId)).hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo("host-b"));
    }

    @Test
    void expiredLeaseCanBeTakenOver() throws Exception {
        Lease first = store.acquireLease(planId, "host-a", leaseDuration());
        elapse(leaseDuration().plusMillis(50));

        Lease second = otherHost.acquireLease(planId, "host-b", leaseDuration());

        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(second.owner()).isEqualTo("host-b");
    }

    @Test
    void tokensIncreaseOnEveryAcquisitionEvenAfterForcedRelease() {
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Lease lease = (i % 2 == 0 ? store : otherHost).acquireLease(planId, "host-" + i, heldLeaseDuration());
            tokens.add(lease.token());
            if (i % 2 == 0) {
                store.releaseLease(lease);
            } else {
                store.forceReleaseLease(planId);
            }
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void concurrentAcquisitionsHaveExactlyOneWinner() throws Exception {
        int contenders = 8;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<Lease>>> results = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                CheckpointStore host = i % 2 == 0 ? store : otherHost;
                String owner = "host-" + i;
                Callable<Optional<Lease>> attempt = () -> {
                    start.await();
                    try {
                        return Optional.of(host.acquireLease(planId, owner, heldLeaseDuration()));
                    } catch (UpgradeException e) {
                        assertThat(e.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD);
                        return Optional.empty();
                    }
                };
                results.add(pool.submit(attempt));
            }
            start.countDown();
            int winners = 0;
            for (Future<Optional<Lease>> result : results) {
                winners += result.get().isPresent() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    // --- fencing -----------------------------------------------------------------------------

    @Test
    void replacedHolderCannotSaveAndTheNewOwnersCheckpointStays() throws Exception {
        Lease old = store.acquireLease(planId, "host-a", leaseDuration());
        store.save(sample(planId, 1), old);
        elapse(leaseDuration().plusMillis(50));
        Lease current = otherHost.acquireLease(planId, "host-b", leaseDuration());
        Checkpoint newer = sample(planId, 2);
        otherHost.save(newer, current);

        assertThatThrownBy(() -> store.save(sample(planId, 3), old))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST))
                .hasMessageContaining("host-b");
        assertSameCheckpoint(store.load(planId), newer);
    }

    @Test
    void expiredLeaseCannotSaveEvenIfNobodyTookOver() throws Exception {
        Lease lease = store.acquireLease(planId, "host-a", leaseDuration());
        elapse(leaseDuration().plusMillis(50));

        assertThatThrownBy(() -> store.save(sample(planId, 1), lease))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        assertThat(store.load(planId)).isEmpty();
    }

    @Test
    void aLeaseThatWasNeverAcquiredCannotSave() {
        Lease forged = new Lease(planId, "host-a", 1_000_000, clock.instant().plusSeconds(60));

        assertThatThrownBy(() -> store.save(sample(planId, 1), forged))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        assertThat(store.load(planId)).isEmpty();
    }

    @Test
    void forcedReleaseFencesOffTheOldHolder() {
        Lease old = store.acquireLease(planId, "host-a", heldLeaseDuration());
        otherHost.forceReleaseLease(planId);
        assertThat(store.currentLease(planId)).isEmpty();
        Lease current = otherHost.acquireLease(planId, "host-b", heldLeaseDuration());

        assertThatThrownBy(() -> store.save(sample(planId, 1), old))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        otherHost.save(sample(planId, 1), current);
    }

    // --- renewing and releasing ----------------------------------------------------------------

    @Test
    void renewalExtendsTheLease() throws Exception {
        Lease lease = store.acquireLease(planId, "host-a", leaseDuration());
        elapse(leaseDuration().dividedBy(2));

        Lease renewed = store.renewLease(lease, leaseDuration());
        elapse(leaseDuration().dividedBy(2).plusMillis(50));

        assertThat(renewed.token()).isEqualTo(lease.token());
        assertThat(renewed.expiresAt()).isAfter(lease.expiresAt());
        assertThatThrownBy(() -> otherHost.acquireLease(planId, "host-b", leaseDuration()))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));
        store.save(sample(planId, 1), renewed);
    }

    @Test
    void renewalOfAReplacedLeaseFails() throws Exception {
        Lease old = store.acquireLease(planId, "host-a", leaseDuration());
        elapse(leaseDuration().plusMillis(50));
        otherHost.acquireLease(planId, "host-b", leaseDuration());

        assertThatThrownBy(() -> store.renewLease(old, leaseDuration()))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        assertThat(store.currentLease(planId)).hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo("host-b"));
    }

    @Test
    void renewalAfterExpirySucceedsWhenNobodyTookOver() throws Exception {
        Lease lease = store.acquireLease(planId, "host-a", leaseDuration());
        elapse(leaseDuration().plusMillis(50));

        Lease renewed = store.renewLease(lease, leaseDuration());

        store.save(sample(planId, 1), renewed);
        assertThat(store.load(planId)).isPresent();
    }

    @Test
    void releaseByAReplacedHolderLeavesTheNewHolderAlone() throws Exception {
        Lease old = store.acquireLease(planId, "host-a", leaseDuration());
        elapse(leaseDuration().plusMillis(50));
        Lease current = otherHost.acquireLease(planId, "host-b", leaseDuration());

        store.releaseLease(old);

        assertThat(otherHost.currentLease(planId)).hasValueSatisfying(l -> assertThat(l.sameAcquisition(current)).isTrue());
        otherHost.save(sample(planId, 1), current);
    }

    @Test
    void releaseThenSaveWithTheReleasedLeaseFails() {
        Lease lease = store.acquireLease(planId, "host-a", heldLeaseDuration());
        store.releaseLease(lease);

        assertThatThrownBy(() -> store.save(sample(planId, 1), lease))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
    }

    // --- partitions (PartitionClaims over this store's leases and fenced saves) ----------------

    private PartitionClaims partitions(CheckpointStore on) {
        return new PartitionClaims(on, clock, planId, "copy");
    }

    @Test
    void partitionClaimsAreExclusiveAcrossHosts() {
        partitions(store).register(List.of("slice-0", "slice-1"), "host-a", heldLeaseDuration());

        Optional<PartitionClaims.Claim> first = partitions(store).claim("host-a/w1", heldLeaseDuration());
        Optional<PartitionClaims.Claim> second = partitions(otherHost).claim("host-b/w1", heldLeaseDuration());
        Optional<PartitionClaims.Claim> third = partitions(otherHost).claim("host-b/w2", heldLeaseDuration());

        assertThat(first).map(PartitionClaims.Claim::partitionId).contains("slice-0");
        assertThat(second).map(PartitionClaims.Claim::partitionId).contains("slice-1");
        assertThat(third).as("every partition is held by a live claim").isEmpty();
    }

    @Test
    void concurrentClaimsOfOnePartitionHaveExactlyOneWinner() throws Exception {
        partitions(store).register(List.of("slice-0"), "host-a", heldLeaseDuration());
        int contenders = 6;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                PartitionClaims claims = partitions(i % 2 == 0 ? store : otherHost);
                String owner = "host-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return claims.claim(owner, heldLeaseDuration()).isPresent();
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExpiredPartitionClaimIsTakenOverAtItsCursorAndTheStaleOwnerIsFenced() throws Exception {
        partitions(store).register(List.of("slice-0"), "host-a", leaseDuration());
        PartitionClaims.Claim dead = partitions(store).claim("host-a/w1", leaseDuration()).orElseThrow();
        dead.saveCursor("doc-500");
        elapse(leaseDuration().plusMillis(50));

        PartitionClaims.Claim successor = partitions(otherHost).claim("host-b/w1", leaseDuration()).orElseThrow();
        assertThat(successor.lease().token()).isGreaterThan(dead.lease().token());
        assertThat(successor.cursor()).contains("doc-500");
        assertThat(successor.record().attempts()).isEqualTo(2);
        successor.saveCursor("doc-900");

        assertThatThrownBy(() -> dead.saveCursor("doc-501"))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        assertThatThrownBy(dead::complete)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        assertThat(partitions(store).status("slice-0").cursor()).isEqualTo("doc-900");
        assertThat(partitions(store).status("slice-0").state()).isEqualTo(PartitionState.RUNNING);
        assertThat(partitions(store).status("slice-0").owner()).contains("host-b/w1");
    }

    @Test
    void aPartitionCursorSurvivesTheRoundTripAndADonePartitionIsNeverClaimedAgain() {
        partitions(store).register(List.of("slice-0"), "host-a", heldLeaseDuration());
        String cursor = "{\"after\":\"id:\\\"a\\\"\",\"note\":\"→ é 😀\"}";
        try (PartitionClaims.Claim claim = partitions(store).claim("host-a/w1", heldLeaseDuration()).orElseThrow()) {
            claim.saveCursor(cursor);
            assertThat(partitions(otherHost).status("slice-0").cursor()).isEqualTo(cursor);
            claim.complete();
        }

        assertThat(partitions(otherHost).status("slice-0").state()).isEqualTo(PartitionState.DONE);
        assertThat(partitions(otherHost).claim("host-b/w1", heldLeaseDuration())).isEmpty();
    }

    @Test
    void partitionsAreListedInOrderWithTheirStateAndOwnerFromAnotherHost() {
        List<String> ids = List.of("slice-0", "slice-1", "slice-2");
        partitions(store).register(ids, "host-a", heldLeaseDuration());
        partitions(store).claim("slice-0", "host-a/w1", heldLeaseDuration()).orElseThrow().complete();
        partitions(store).claim("slice-1", "host-a/w2", heldLeaseDuration()).orElseThrow();

        List<PartitionStatus> listed = partitions(otherHost).list();

        assertThat(partitions(otherHost).register(List.of("other"), "host-b", heldLeaseDuration()))
                .as("a recorded list is kept").isEqualTo(ids);
        assertThat(listed).extracting(PartitionStatus::partitionId).containsExactlyElementsOf(ids);
        assertThat(listed).extracting(PartitionStatus::state)
                .containsExactly(PartitionState.DONE, PartitionState.RUNNING, PartitionState.PENDING);
        assertThat(listed.get(1).owner()).contains("host-a/w2");
        assertThat(listed.get(2).owner()).isEmpty();
    }

    // --- helpers -----------------------------------------------------------------------------

    /**
     * Compares the loaded checkpoint with the saved one field by field (not through
     * {@link Checkpoint#equals}, which compares serial forms and so cannot see a field that the
     * serial form, or a store's own encoding of it, drops on both sides).
     */
    protected static void assertSameCheckpoint(Optional<Checkpoint> loaded, Checkpoint expected) {
        assertThat(loaded).as("loaded checkpoint of %s", expected.planId()).isPresent();
        Checkpoint actual = loaded.orElseThrow();
        assertThat(actual.planId()).as("planId").isEqualTo(expected.planId());
        assertThat(actual.fingerprint()).as("fingerprint").isEqualTo(expected.fingerprint());
        assertThat(actual.revision()).as("revision").isEqualTo(expected.revision());
        assertThat(actual.updatedAt()).as("updatedAt").isEqualTo(expected.updatedAt());
        List<StepRecord> wanted = touched(expected.steps());
        List<StepRecord> kept = touched(actual.steps());
        assertThat(kept).as("step ids").extracting(StepRecord::stepId)
                .containsExactlyElementsOf(wanted.stream().map(StepRecord::stepId).toList());
        for (int i = 0; i < wanted.size(); i++) {
            assertSameStep(kept.get(i), wanted.get(i));
        }
        assertThat(actual.audit()).as("audit entries").hasSameSizeAs(expected.audit());
        for (int i = 0; i < expected.audit().size(); i++) {
            AuditEntry want = expected.audit().get(i);
            AuditEntry got = actual.audit().get(i);
            String entry = "audit entry " + i + " ";
            assertThat(got.at()).as(entry + "at").isEqualTo(want.at());
            assertThat(got.by()).as(entry + "by").isEqualTo(want.by());
            assertThat(got.action()).as(entry + "action").isEqualTo(want.action());
            assertThat(got.stepId()).as(entry + "stepId").isEqualTo(want.stepId());
            assertThat(got.reason()).as(entry + "reason").isEqualTo(want.reason());
        }
    }

    private static void assertSameStep(StepRecord got, StepRecord want) {
        String step = "step " + want.stepId() + " ";
        assertThat(got.state()).as(step + "state").isEqualTo(want.state());
        assertThat(got.attempts()).as(step + "attempts").isEqualTo(want.attempts());
        assertThat(got.cursor()).as(step + "cursor").isEqualTo(want.cursor());
        assertThat(got.startedAt()).as(step + "startedAt").isEqualTo(want.startedAt());
        assertThat(got.finishedAt()).as(step + "finishedAt").isEqualTo(want.finishedAt());
        assertThat(got.error()).as(step + "error").isEqualTo(want.error());
    }

    /** The steps a store must keep: an untouched pending step may be left out (it reads as pending). */
    private static List<StepRecord> touched(List<StepRecord> steps) {
        return steps.stream().filter(s -> !s.equals(StepRecord.pending(s.stepId()))).toList();
    }

    protected Instant now() {
        return clock.instant();
    }

    /** A checkpoint with {@code steps} steps, the first one done, an audit entry and a cursor. */
    protected Checkpoint sample(String plan, int steps) {
        List<StepRecord> records = new ArrayList<>();
        for (int i = 1; i <= steps; i++) {
            records.add(i == 1
                    ? new StepRecord("step-" + i, StepState.SUCCEEDED, 1, null, now().minusSeconds(10), now(), null)
                    : new StepRecord("step-" + i, StepState.RUNNING, i, "cursor-" + i, now().minusSeconds(i), null,
                            "timeout"));
        }
        List<AuditEntry> audit = List.of(new AuditEntry(now(), "alice", "MARK_DONE", "step-1", "done by hand"));
        return new Checkpoint(plan, "v1:test", steps, now(), records, audit);
    }
}
