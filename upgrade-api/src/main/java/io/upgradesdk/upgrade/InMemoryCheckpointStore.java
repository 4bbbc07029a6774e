package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.LeaseRules;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint store in this JVM's memory, for tests and for plans that need no resume after a
 * restart. Thread-safe; follows every lease rule of {@link CheckpointStore}.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

    private final Clock clock;
    private final Map<String, Checkpoint> checkpoints = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Long> lastTokens = new HashMap<>();

    /** A store whose lease expiry follows the system clock. */
    public InMemoryCheckpointStore() {
        this(Clock.systemUTC());
    }

    /** A store whose lease expiry follows {@code clock} (tests pass a manual clock). */
    public InMemoryCheckpointStore(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Optional<Checkpoint> load(String planId) {
        return Optional.ofNullable(checkpoints.get(planId));
    }

    @Override
    public synchronized void save(Checkpoint checkpoint, Lease lease) {
        LeaseRules.checkWritable(leases.get(checkpoint.planId()), lease, clock.instant());
        checkpoints.put(checkpoint.planId(), checkpoint);
    }

    @Override
    public synchronized Lease acquireLease(String planId, String owner, Duration duration) {
        Lease lease = LeaseRules.acquire(leases.get(planId), lastTokens.getOrDefault(planId, 0L), planId, owner,
                duration, clock.instant());
        leases.put(planId, lease);
        lastTokens.put(planId, lease.token());
        return lease;
    }

    @Override
    public synchronized Lease renewLease(Lease lease, Duration duration) {
        Lease renewed = LeaseRules.renew(leases.get(lease.planId()), lease, duration, clock.instant());
        leases.put(lease.planId(), renewed);
        return renewed;
    }

    @Override
    public synchronized void releaseLease(Lease lease) {
        if (LeaseRules.releases(leases.get(lease.planId()), lease)) {
            leases.remove(lease.planId());
        }
    }

    @Override
    public synchronized Optional<Lease> currentLease(String planId) {
        return Optional.ofNullable(leases.get(planId));
    }

    @Override
    public synchronized void forceReleaseLease(String planId) {
        leases.remove(planId);
    }
}
