package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.util.Optional;

/**
 * The runner's view of a {@link CheckpointStore}: every answer is checked against the store's
 * contract, so a store that breaks it (or a mock nobody stubbed) fails with
 * {@link UpgradeErrorCode#STORE_CONTRACT_BROKEN}, naming the store class and the rule, instead of
 * a {@code NullPointerException} deep in the runner.
 */
final class ContractCheckedStore implements CheckpointStore {

    private final CheckpointStore store;

    ContractCheckedStore(CheckpointStore store) {
        this.store = store;
    }

    @Override
    public Optional<Checkpoint> load(String planId) {
        Optional<Checkpoint> loaded = store.load(planId);
        if (loaded == null) {
            throw broken("load(\"" + planId + "\") returned null", "it must return Optional.empty() when the plan"
                    + " has no checkpoint, or the saved checkpoint");
        }
        return loaded;
    }

    @Override
    public void save(Checkpoint checkpoint, Lease lease) {
        store.save(checkpoint, lease);
    }

    @Override
    public Lease acquireLease(String planId, String owner, Duration duration) {
        Lease lease = store.acquireLease(planId, owner, duration);
        String call = "acquireLease(\"" + planId + "\", \"" + owner + "\", " + duration + ")";
        String rule = "it must return the lease it granted, for that plan and owner, or throw an UpgradeException"
                + " with code LOCK_HELD when another run holds it";
        if (lease == null) {
            throw broken(call + " returned null", rule);
        }
        if (!lease.planId().equals(planId) || !lease.owner().equals(owner)) {
            throw broken(call + " returned a lease of plan '" + lease.planId() + "' for owner '" + lease.owner() + "'",
                    rule);
        }
        return lease;
    }

    @Override
    public Lease renewLease(Lease lease, Duration duration) {
        Lease renewed = store.renewLease(lease, duration);
        String call = "renewLease(lease of plan '" + lease.planId() + "' with token " + lease.token() + ", " + duration
                + ")";
        String rule = "it must return the same lease (plan, owner and token) with its new expiry, or throw an"
                + " UpgradeException with code LEASE_LOST when the lease is no longer current";
        if (renewed == null) {
            throw broken(call + " returned null", rule);
        }
        if (!renewed.sameAcquisition(lease)) {
            throw broken(call + " returned the lease of plan '" + renewed.planId() + "' for owner '" + renewed.owner()
                    + "' with token " + renewed.token(), rule);
        }
        return renewed;
    }

    @Override
    public void releaseLease(Lease lease) {
        store.releaseLease(lease);
    }

    @Override
    public Optional<Lease> currentLease(String planId) {
        Optional<Lease> current = store.currentLease(planId);
        if (current == null) {
            throw broken("currentLease(\"" + planId + "\") returned null", "it must return Optional.empty() when no"
                    + " lease is held, or the recorded lease");
        }
        return current;
    }

    @Override
    public void forceReleaseLease(String planId) {
        store.forceReleaseLease(planId);
    }

    @Override
    public void close() {
        store.close();
    }

    private UpgradeException broken(String what, String rule) {
        return new UpgradeException(UpgradeErrorCode.STORE_CONTRACT_BROKEN, "checkpoint store "
                + store.getClass().getName() + " broke the CheckpointStore contract: " + what + ", but " + rule
                + ". Fix the store (check it with CheckpointStoreContract from upgrade-testkit), or, for a mock,"
                + " stub this call to answer as the contract says");
    }
}
