package io.upgradesdk.upgrade;

import java.time.Duration;
import java.util.Optional;

/**
 * Service-provider interface: where a plan's {@link Checkpoint} and its {@link Lease} live.
 * Implementations must be thread-safe and pass the contract suite
 * {@code io.upgradesdk.upgrade.testkit.CheckpointStoreContract} from {@code upgrade-testkit}.
 *
 * <p>Lease rules every store follows:
 * <ul>
 *   <li>{@link #acquireLease} succeeds when no lease is held, or the held one has expired or was
 *       released; it then returns a lease whose token is greater than every token issued before
 *       for that plan. Otherwise it fails with {@link UpgradeErrorCode#LOCK_HELD}, naming the
 *       holder.</li>
 *   <li>{@link #save} and {@link #renewLease} succeed only for the current holder's token (a
 *       renewal also after expiry, if nobody took the lease meanwhile); otherwise they fail with
 *       {@link UpgradeErrorCode#LEASE_LOST} and change nothing.</li>
 *   <li>{@link #releaseLease} releases only the current holder's lease; it is a no-op otherwise.</li>
 * </ul>
 */
public interface CheckpointStore extends AutoCloseable {

    /** The plan's last saved checkpoint, if any. */
    Optional<Checkpoint> load(String planId);

    /** Durably replaces the plan's checkpoint, if {@code lease} is current (fenced write). */
    void save(Checkpoint checkpoint, Lease lease);

    /** Takes the plan's lease for {@code duration}; fails with {@code LOCK_HELD} naming the holder. */
    Lease acquireLease(String planId, String owner, Duration duration);

    /** Extends a current lease by {@code duration} from now; fails with {@code LEASE_LOST}. */
    Lease renewLease(Lease lease, Duration duration);

    /** Gives the lease up if it is still the current one. */
    void releaseLease(Lease lease);

    /** The recorded lease, expired or not; empty when none is held. */
    Optional<Lease> currentLease(String planId);

    /** Removes whatever lease is held, for an operator whose holder is known dead. */
    void forceReleaseLease(String planId);

    /** Releases resources (files, connections the store opened itself). */
    @Override
    default void close() {
    }
}
