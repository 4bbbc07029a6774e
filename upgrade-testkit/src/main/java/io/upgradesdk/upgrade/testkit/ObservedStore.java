package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import java.time.Duration;
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
 */
final class ObservedStore implements CheckpointStore {

    private final CheckpointStore target;
    private final List<Checkpoint> saved = new ArrayList<>();
    /** Per plan: the checkpoint the runner last loaded or saved, to tell what a write changes. */
    private final Map<String, Checkpoint> lastSeen = new HashMap<>();
    private CrashPoint armed;
    private int matches;
    private SimulatedCrash crash;

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
        return target.acquireLease(planId, owner, duration);
    }

    @Override
    public synchronized Lease renewLease(Lease lease, Duration duration) {
        requireAlive();
        return target.renewLease(lease, duration);
    }

    @Override
    public synchronized void releaseLease(Lease lease) {
        requireAlive();
        target.releaseLease(lease);
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
    }

    @Override
    public String toString() {
        return "ObservedStore[" + target + "]";
    }
}
