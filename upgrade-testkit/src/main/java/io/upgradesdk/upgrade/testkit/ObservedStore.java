package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store the preset's runner talks to: passes every call to the test's store, records each
 * checkpoint that landed, and, when a {@link CrashPoint} is armed, dies there: from then on
 * every call fails with a {@link SimulatedCrash}, as nothing a dead process does reaches
 * the store (not even releasing its lease).
 *
 * <p>It also stands in for the partition heartbeat the preset turns off: it remembers the partition
 * claims this runner's workers hold (acquired, not yet released or lost), and when the preset's
 * sleeper moves the clock ({@link #advanceKeepingClaimsAlive}) it renews them in the same atomic
 * step, so another worker's waits never age a claim whose worker is still busy. Claims of a dead
 * (crashed) run are forgotten: those expire, as after {@code kill -9}.
 */
final class ObservedStore implements CheckpointStore {

    private static final String PARTITION_KEY_PREFIX = "partition:";

    private final CheckpointStore target;
    private final List<Checkpoint> saved = new ArrayList<>();
    /** Per plan: the checkpoint the runner last loaded or saved, to tell what a write changes. */
    private final Map<String, Checkpoint> lastSeen = new HashMap<>();
    private CrashPoint armed;
    private int matches;
    private SimulatedCrash crash;
    /** Per partition key: the live claim this runner's workers hold on it, and its duration. */
    private final Map<String, HeldClaim> liveClaims = new HashMap<>();

    /** A claim's lease as last acquired or renewed, and the duration it is renewed by. */
    private record HeldClaim(Lease lease, Duration duration) {
    }

    ObservedStore(CheckpointStore target) {
        this.target = target;
    }

    CheckpointStore target() {
        return target;
    }

    synchronized void arm(CrashPoint point) {
        armed = point;
        matches = 0;
        crash = null;
    }

    /** Ends a crashed or finished armed run: the next run finds a live store again. */
    synchronized Optional<SimulatedCrash> disarm() {
        Optional<SimulatedCrash> result = Optional.ofNullable(crash);
        armed = null;
        crash = null;
        return result;
    }

    synchronized List<Checkpoint> saved() {
        return List.copyOf(saved);
    }

    synchronized void clear() {
        saved.clear();
    }

    @Override
    public synchronized Optional<Checkpoint> load(String planId) {
        requireAlive();
        Optional<Checkpoint> found = target.load(planId);
        if (found.isPresent()) {
            lastSeen.put(planId, found.get());
        } else {
            lastSeen.remove(planId);
        }
        return found;
    }

    @Override
    public synchronized void save(Checkpoint checkpoint, Lease lease) {
        requireAlive();
        boolean matched = armed != null && armed.counts(lastSeen.get(checkpoint.planId()), checkpoint)
                && ++matches == armed.nth();
        if (matched && armed.beforeWriteLands()) {
            die("checkpoint revision " + checkpoint.revision() + " was not written");
        }
        target.save(checkpoint, lease);
        saved.add(checkpoint);
        lastSeen.put(checkpoint.planId(), checkpoint);
        if (matched) {
            die("checkpoint revision " + checkpoint.revision() + " was written");
        }
    }

    private void die(String detail) {
        liveClaims.clear();     // a dead process renews nothing
        crash = new SimulatedCrash(armed, detail);
        throw crash;
    }

    private void requireAlive() {
        if (crash != null) {
            throw new SimulatedCrash(crash.point(), "the process is dead; nothing it does reaches the store");
        }
    }

    @Override
    public synchronized Lease acquireLease(String planId, String owner, Duration duration) {
        requireAlive();
        Lease lease = target.acquireLease(planId, owner, duration);
        if (isPartitionClaim(planId)) {
            liveClaims.put(planId, new HeldClaim(lease, duration));
        }
        return lease;
    }

    @Override
    public synchronized Lease renewLease(Lease lease, Duration duration) {
        requireAlive();
        try {
            Lease renewed = target.renewLease(lease, duration);
            liveClaims.computeIfPresent(lease.planId(), (key, held) -> held.lease().sameAcquisition(lease)
                    ? new HeldClaim(renewed, duration) : held);
            return renewed;
        } catch (RuntimeException e) {
            forget(lease);
            throw e;
        }
    }

    @Override
    public synchronized void releaseLease(Lease lease) {
        requireAlive();
        target.releaseLease(lease);
        forget(lease);
    }

    /**
     * The preset sleeper's wait: moves the clock and, in the same step (no other call on this store
     * can come between), renews every live partition claim, as the heartbeat of a real run would
     * have renewed it meanwhile. A claim that had already expired when the wait began (the test moved
     * the clock past it) is left as it is; one the store refuses to renew is lost and forgotten.
     */
    synchronized void advanceKeepingClaimsAlive(MutableClock clock, Duration duration) {
        Instant before = clock.instant();
        clock.advance(duration);
        if (crash != null) {
            return;
        }
        for (HeldClaim held : List.copyOf(liveClaims.values())) {
            if (held.lease().isExpiredAt(before)) {
                continue;   // the test moved the clock past it: not revived here (its worker's next write may)
            }
            try {
                Lease renewed = target.renewLease(held.lease(), held.duration());
                liveClaims.put(renewed.planId(), new HeldClaim(renewed, held.duration()));
            } catch (RuntimeException e) {
                liveClaims.remove(held.lease().planId());
            }
        }
    }

    /** Partition claims are leases under {@code partition:} keys ({@code PartitionClaims.partitionKey}). */
    private static boolean isPartitionClaim(String key) {
        return key.startsWith(PARTITION_KEY_PREFIX);
    }

    private void forget(Lease lease) {
        liveClaims.computeIfPresent(lease.planId(), (key, held) -> held.lease().sameAcquisition(lease) ? null : held);
    }

    @Override
    public synchronized Optional<Lease> currentLease(String planId) {
        requireAlive();
        return target.currentLease(planId);
    }

    @Override
    public synchronized void forceReleaseLease(String planId) {
        requireAlive();
        target.forceReleaseLease(planId);
        liveClaims.remove(planId);
    }

    @Override
    public String toString() {
        return "ObservedStore[" + target + "]";
    }
}
