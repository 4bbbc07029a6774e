package io.upgradesdk.upgrade.testkit.userstore;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.spi.Check;
import io.upgradesdk.upgrade.spi.LeaseRules;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint store as a user would write one, with nothing but the public API of
 * {@code upgrade-api} (its root and {@code spi} packages): plans live in a {@link Shelf} of maps
 * that several store instances share, as several hosts share a database. Checkpoints are kept as
 * their JSON text, as a store on a real medium would keep them.
 */
final class MapCheckpointStore implements CheckpointStore {

    /** The shared storage: what a database is to the hosts that use it. Its monitor is the lock. */
    static final class Shelf {
        private final Map<String, String> checkpointJson = new HashMap<>();
        private final Map<String, Lease> leases = new HashMap<>();
        private final Map<String, Long> lastTokens = new HashMap<>();
    }

    private final Shelf shelf;
    private final Clock clock;

    MapCheckpointStore(Shelf shelf, Clock clock) {
        this.shelf = requireNonNull(shelf, "shelf");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Checkpoint> load(String planId) {
        Check.planId(planId);
        synchronized (shelf) {
            return Optional.ofNullable(shelf.checkpointJson.get(planId))
                    .map(json -> Checkpoint.fromJson(json, "map store, plan " + planId));
        }
    }

    @Override
    public void save(Checkpoint checkpoint, Lease lease) {
        String planId = Check.planId(checkpoint.planId());
        String json = checkpoint.toJson();
        synchronized (shelf) {
            LeaseRules.checkWritable(shelf.leases.get(planId), lease, clock.instant());
            shelf.checkpointJson.put(planId, json);
        }
    }

    @Override
    public Lease acquireLease(String planId, String owner, Duration duration) {
        Check.planId(planId);
        synchronized (shelf) {
            Lease lease = LeaseRules.acquire(shelf.leases.get(planId), shelf.lastTokens.getOrDefault(planId, 0L),
                    planId, owner, duration, clock.instant());
            shelf.leases.put(planId, lease);
            shelf.lastTokens.put(planId, lease.token());
            return lease;
        }
    }

    @Override
    public Lease renewLease(Lease lease, Duration duration) {
        synchronized (shelf) {
            Lease renewed = LeaseRules.renew(shelf.leases.get(lease.planId()), lease, duration, clock.instant());
            shelf.leases.put(lease.planId(), renewed);
            return renewed;
        }
    }

    @Override
    public void releaseLease(Lease lease) {
        synchronized (shelf) {
            if (LeaseRules.releases(shelf.leases.get(lease.planId()), lease)) {
                shelf.leases.remove(lease.planId());
            }
        }
    }

    @Override
    public Optional<Lease> currentLease(String planId) {
        synchronized (shelf) {
            return Optional.ofNullable(shelf.leases.get(planId));
        }
    }

    @Override
    public void forceReleaseLease(String planId) {
        synchronized (shelf) {
            shelf.leases.remove(planId);
        }
    }
}
