package io.upgradesdk.upgrade.elasticsearch.bench;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Benchmark helper: a store that adds up the wall time spent in another store's calls. */
final class TimedStore implements CheckpointStore {

    private final CheckpointStore store;
    private long nanos;
    private int writes;

    TimedStore(CheckpointStore store) {
        this.store = store;
    }

    long millis() {
        return nanos / 1_000_000;
    }

    int writes() {
        return writes;
    }

    private <T> T timed(boolean write, Supplier<T> call) {
        long t0 = System.nanoTime();
        try {
            return call.get();
        } finally {
            nanos += System.nanoTime() - t0;
            writes += write ? 1 : 0;
        }
    }

    @Override
    public Optional<Checkpoint> load(String planId) {
        return timed(false, () -> store.load(planId));
    }

    @Override
    public void save(Checkpoint checkpoint, Lease lease) {
        timed(true, () -> {
            store.save(checkpoint, lease);
            return null;
        });
    }

    @Override
    public Lease acquireLease(String planId, String owner, Duration duration) {
        return timed(true, () -> store.acquireLease(planId, owner, duration));
    }

    @Override
    public Lease renewLease(Lease lease, Duration duration) {
        return timed(true, () -> store.renewLease(lease, duration));
    }

    @Override
    public void releaseLease(Lease lease) {
        timed(true, () -> {
            store.releaseLease(lease);
            return null;
        });
    }

    @Override
    public Optional<Lease> currentLease(String planId) {
        return timed(false, () -> store.currentLease(planId));
    }

    @Override
    public void forceReleaseLease(String planId) {
        timed(true, () -> {
            store.forceReleaseLease(planId);
            return null;
        });
    }

    @Override
    public void close() {
        store.close();
    }
}
