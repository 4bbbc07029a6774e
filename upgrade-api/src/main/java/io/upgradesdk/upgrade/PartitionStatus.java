package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What the store holds about one partition of a {@link PartitionedStep}: its state, cursor and
 * attempts, and who holds its claim.
 *
 * @param partitionId the partition's id
 * @param state       its state
 * @param attempts    attempts made over all runs and workers
 * @param cursor      the last cursor saved for it, or {@code null}
 * @param claim       the recorded claim (a lease: owner, token, expiry), expired or not; empty when none is held
 * @param error       the last error message (secrets redacted), or {@code null}
 */
public record PartitionStatus(String partitionId, PartitionState state, int attempts, String cursor,
        Optional<Lease> claim, String error) {

    public PartitionStatus {
        requireNonNull(partitionId, "partitionId");
        requireNonNull(state, "state");
        requireNonNull(claim, "claim");
    }

    /** The worker holding the claim, if a claim is recorded. */
    public Optional<String> owner() {
        return claim.map(Lease::owner);
    }

    /** True when the partition is RUNNING under a claim that expired (or was never recorded) at {@code now}. */
    public boolean isAbandonedAt(Instant now) {
        return state == PartitionState.RUNNING && claim.map(c -> c.isExpiredAt(now)).orElse(true);
    }
}
