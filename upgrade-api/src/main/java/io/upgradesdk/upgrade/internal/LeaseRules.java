package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The lease rules of the {@code CheckpointStore} contract, as pure functions over the recorded
 * lease, plus the error messages every store (also those with server-side logic) throws.
 */
public final class LeaseRules {

    private LeaseRules() {
    }

    /** The lease to record for a new acquisition; {@code LOCK_HELD} when another holds it. */
    public static Lease acquire(Lease current, long lastToken, String planId, String owner, Duration duration,
            Instant now) {
        checkDuration(duration);
        if (current != null && !current.isExpiredAt(now)) {
            throw lockHeld(current, now);
        }
        return new Lease(planId, owner, lastToken + 1, now.plus(duration));
    }

    /** The renewed lease; {@code LEASE_LOST} when {@code lease} is not the recorded one. */
    public static Lease renew(Lease current, Lease lease, Duration duration, Instant now) {
        checkDuration(duration);
        checkCurrent(current, lease, "renew the lease");
        return new Lease(lease.planId(), lease.owner(), lease.token(), now.plus(duration));
    }

    /** Fencing check before a write: the recorded lease must be this one and not expired. */
    public static void checkCurrent(Lease current, Lease lease, String action) {
        if (current == null || !current.sameAcquisition(lease)) {
            throw leaseLost(lease, current, action);
        }
    }

    /** Fencing check before a checkpoint write: also refuses an expired lease. */
    public static void checkWritable(Lease current, Lease lease, Instant now) {
        checkCurrent(current, lease, "write the checkpoint");
        if (current.isExpiredAt(now)) {
            throw leaseLost(lease, null, "write the checkpoint (the lease expired at " + current.expiresAt() + ")");
        }
    }

    public static void checkDuration(Duration duration) {
        Check.argument(duration != null && !duration.isNegative() && !duration.isZero(),
                "lease duration must be positive, was %s", duration);
    }

    public static UpgradeException lockHeld(Lease holder, Instant now) {
        return new UpgradeException(UpgradeErrorCode.LOCK_HELD, "plan '" + holder.planId() + "' is being run by '"
                + holder.owner() + "' (lease token " + holder.token() + ", expires at " + holder.expiresAt()
                + (now == null ? "" : ", in " + Duration.between(now, holder.expiresAt()).toSeconds() + " s")
                + "). Wait for it to finish, or if that host is dead, force-release the lock"
                + " (UpgradeRunner.forceReleaseLock) and run again");
    }

    public static UpgradeException leaseLost(Lease lease, Lease current, String action) {
        String now = current == null ? "nobody holds it now"
                : "it is now held by '" + current.owner() + "' with token " + current.token();
        return new UpgradeException(UpgradeErrorCode.LEASE_LOST, "run of plan '" + lease.planId() + "' by '"
                + lease.owner() + "' (token " + lease.token() + ") no longer holds the lease and did not "
                + action + "; " + now + ". Another run took over: check its progress with status() before"
                + " running again");
    }
}
