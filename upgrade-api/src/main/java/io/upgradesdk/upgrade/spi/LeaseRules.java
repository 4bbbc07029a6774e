package io.upgradesdk.upgrade.spi;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The lease rules of the {@link CheckpointStore} contract, for those who write a store: pure
 * functions over the lease a store has recorded, and the {@code LOCK_HELD} / {@code LEASE_LOST}
 * errors with the messages every built-in store throws.
 *
 * <p>A store keeps, per plan, the recorded {@link Lease} (or none) and the last token it issued;
 * it reads both, asks these rules for the outcome, and writes the result back in one atomic
 * step (a lock, a transaction, a compare-and-set). The rules never read a clock: the store passes
 * its own {@code now}, so a test can drive expiry with a manual clock. A store whose rules run on
 * the server (a Lua script, a SQL statement) still throws {@link #lockHeld} and {@link #leaseLost}
 * so that its errors read like everyone else's.
 *
 * <p>A map-backed store, guarded by its own monitor:
 * <pre>{@code
 * public synchronized Lease acquireLease(String planId, String owner, Duration duration) {
 *     Lease lease = LeaseRules.acquire(leases.get(planId), lastTokens.getOrDefault(planId, 0L),
 *             planId, owner, duration, clock.instant());          // LOCK_HELD while another holds it
 *     leases.put(planId, lease);
 *     lastTokens.put(planId, lease.token());                          // tokens only ever grow
 *     return lease;
 * }
 *
 * public synchronized Lease renewLease(Lease lease, Duration duration) {
 *     Lease renewed = LeaseRules.renew(leases.get(lease.planId()), lease, duration, clock.instant());
 *     leases.put(lease.planId(), renewed);                            // LEASE_LOST if taken over
 *     return renewed;
 * }
 *
 * public synchronized void save(Checkpoint checkpoint, Lease lease) {
 *     LeaseRules.checkWritable(leases.get(checkpoint.planId()), lease, clock.instant());  // fencing
 *     checkpoints.put(checkpoint.planId(), checkpoint);
 * }
 * }</pre>
 *
 * <p>Prove the store with {@code CheckpointStoreContract} from {@code upgrade-testkit}.
 */
public final class LeaseRules {

    private LeaseRules() {
    }

    /**
     * The lease to record for a new acquisition: token {@code lastToken + 1}, expiring
     * {@code duration} after {@code now}.
     *
     * @param current the recorded lease of the plan, or {@code null} when none is recorded
     * @param lastToken the highest token ever issued for the plan (0 before the first)
     * @throws UpgradeException {@code LOCK_HELD} when {@code current} has not expired at
     *         {@code now}; {@code INVALID_CONFIGURATION} when {@code duration} is not positive
     */
    public static Lease acquire(Lease current, long lastToken, String planId, String owner, Duration duration,
            Instant now) {
        checkDuration(duration);
        if (current != null && !current.isExpiredAt(now)) {
            throw lockHeld(current, now);
        }
        return new Lease(planId, owner, lastToken + 1, now.plus(duration));
    }

    /**
     * The renewed lease: the same acquisition, expiring {@code duration} after {@code now}. An
     * expired lease may still be renewed while nobody has taken it over.
     *
     * @param current the recorded lease of the plan, or {@code null} when none is recorded
     * @param lease the lease the caller holds
     * @throws UpgradeException {@code LEASE_LOST} when {@code lease} is not the recorded one
     */
    public static Lease renew(Lease current, Lease lease, Duration duration, Instant now) {
        checkDuration(duration);
        checkCurrent(current, lease, "renew the lease");
        return new Lease(lease.planId(), lease.owner(), lease.token(), now.plus(duration));
    }

    /**
     * Fencing check: the recorded lease must be the caller's acquisition (same plan, owner and
     * token), expired or not.
     *
     * @param action what the caller was about to do, for the message ("renew the lease")
     * @throws UpgradeException {@code LEASE_LOST} otherwise
     */
    public static void checkCurrent(Lease current, Lease lease, String action) {
        if (current == null || !current.sameAcquisition(lease)) {
            throw leaseLost(lease, current, action);
        }
    }

    /**
     * Fencing check before a checkpoint write: as {@link #checkCurrent}, and the recorded lease
     * must not have expired at {@code now}.
     *
     * @throws UpgradeException {@code LEASE_LOST} otherwise
     */
    public static void checkWritable(Lease current, Lease lease, Instant now) {
        checkCurrent(current, lease, "write the checkpoint");
        if (current.isExpiredAt(now)) {
            throw leaseLost(lease, null, "write the checkpoint (the lease expired at " + current.expiresAt() + ")");
        }
    }

    /**
     * Whether {@code releaseLease(lease)} should remove the recorded lease: only the current
     * holder releases; anyone else's release is a no-op.
     */
    public static boolean releases(Lease current, Lease lease) {
        return current != null && current.sameAcquisition(lease);
    }

    /**
     * Refuses a missing, zero or negative lease duration.
     *
     * @throws UpgradeException {@code INVALID_CONFIGURATION}
     */
    public static void checkDuration(Duration duration) {
        Check.argument(duration != null && !duration.isNegative() && !duration.isZero(),
                "lease duration must be positive, was %s", duration);
    }

    /**
     * The {@code LOCK_HELD} error for an acquisition refused because {@code holder} holds the
     * lease: names the holder, its token and expiry, and what the operator can do.
     *
     * @param now the store's time, to say how long the holder still has; {@code null} to omit it
     */
    public static UpgradeException lockHeld(Lease holder, Instant now) {
        return new UpgradeException(UpgradeErrorCode.LOCK_HELD, "plan '" + holder.planId() + "' is being run by '"
                + holder.owner() + "' (lease token " + holder.token() + ", expires at " + holder.expiresAt()
                + (now == null ? "" : ", in " + Duration.between(now, holder.expiresAt()).toSeconds() + " s")
                + "). Wait for it to finish, or if that host is dead, force-release the lock"
                + " (UpgradeRunner.forceReleaseLock) and run again");
    }

    /**
     * The {@code LEASE_LOST} error for a fenced operation refused because {@code lease} is no
     * longer the recorded one.
     *
     * @param current the lease recorded now, or {@code null} when nobody holds it
     * @param action what was not done, completing "did not ..." ("write the checkpoint")
     */
    public static UpgradeException leaseLost(Lease lease, Lease current, String action) {
        String now = current == null ? "nobody holds it now"
                : "it is now held by '" + current.owner() + "' with token " + current.token();
        return new UpgradeException(UpgradeErrorCode.LEASE_LOST, "run of plan '" + lease.planId() + "' by '"
                + lease.owner() + "' (token " + lease.token() + ") no longer holds the lease and did not "
                + action + "; " + now + ". Another run took over: check its progress with status() before"
                + " running again");
    }
}
