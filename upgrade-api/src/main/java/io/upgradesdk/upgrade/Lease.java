package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The right to run a plan, held by one owner until it expires or is released. The fencing token
 * increases on every acquisition, so a store can refuse writes from a holder that was replaced.
 *
 * @param planId    the plan
 * @param owner     who holds it (host and process, or a name given to the runner)
 * @param token     the fencing token
 * @param expiresAt when the lease ends unless renewed
 */
public record Lease(String planId, String owner, long token, Instant expiresAt) {

    public Lease {
        requireNonNull(planId, "planId");
        requireNonNull(owner, "owner");
        requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Same owner and token: the same acquisition, whatever the expiry. */
    public boolean sameAcquisition(Lease other) {
        return other != null && planId.equals(other.planId) && owner.equals(other.owner) && token == other.token;
    }
}
