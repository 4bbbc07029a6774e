package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.Scheduler;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's lease for one operation: acquires it (waiting up to the lock wait), renews it from the
 * heartbeat and before writes, remembers when it was lost, and releases it at the end. The heartbeat
 * also reports a step running for long ({@code StepStillRunning}). Thread-safe:
 * the heartbeat renews from the scheduler's thread while the run writes from its own.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final Duration LOCK_POLL = Duration.ofMillis(500);
    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(50);

    private final OperationScope scope;
    private final Duration leaseDuration;
    /** Renew when less than this is left: two thirds of the lease (computed once: it is asked on every save). */
    private final Duration renewBelow;

    private volatile Lease lease;
    /** Why the run may no longer write (lease lost, store contract broken), or null. */
    private volatile UpgradeException stop;
    private Scheduler.Scheduled heartbeat;
    private ScheduledExecutorService ownExecutor;

    private LeaseKeeper(OperationScope scope) {
        this.scope = scope;
        this.leaseDuration = scope.settings().leaseDuration();
        this.renewBelow = leaseDuration.multipliedBy(2).dividedBy(3);
    }

    /** Takes the plan's lease and, if the runner has a heartbeat, starts renewing it every third of its duration. */
    static LeaseKeeper acquire(OperationScope scope) {
        LeaseKeeper keeper = new LeaseKeeper(scope);
        keeper.lease = keeper.acquireWithinLockWait();
        if (scope.settings().heartbeat()) {
            try {
                keeper.startHeartbeat();
            } catch (RuntimeException e) {
                keeper.close();
                throw e;
            }
        }
        return keeper;
    }

    Lease current() {
        return lease;
    }

    long token() {
        return lease.token();
    }

    /** Throws what stopped this run from writing (LEASE_LOST, STORE_CONTRACT_BROKEN), if anything did. */
    void requireWritable() {
        UpgradeException reason = stop;
        if (reason != null) {
            throw reason;
        }
    }

    /** What stopped this run from writing (LEASE_LOST, STORE_CONTRACT_BROKEN), if anything did. */
    Optional<UpgradeException> stopReason() {
        return Optional.ofNullable(stop);
    }

    /** The lease was refused by the store: no later write, and no release at the end. */
    void lost(UpgradeException leaseLost) {
        stop = leaseLost;
    }

    boolean isLost() {
        UpgradeException reason = stop;
        return reason != null && reason.code() == UpgradeErrorCode.LEASE_LOST;
    }

    /** Renews before a write when a third of the lease has passed since the last renewal. */
    void renewIfDue() {
        Duration left = Duration.between(scope.now(), lease.expiresAt());
        if (left.compareTo(renewBelow) < 0) {
            renew();
        }
    }

    /** Stops the heartbeat and releases the lease unless it was lost. */
    @Override
    public void close() {
        stopHeartbeat();
        if (!isLost()) {
            release();
        }
    }

    // --- sub-steps -------------------------------------------------------------------------------

    private Lease acquireWithinLockWait() {
        Duration lockWait = scope.settings().lockWait();
        Duration waited = Duration.ZERO;
        Lease reportedHolder = null;
        while (true) {
            try {
                return scope.store().acquireLease(scope.planId(), scope.settings().owner(), leaseDuration);
            } catch (UpgradeException e) {
                if (e.code() != UpgradeErrorCode.LOCK_HELD || waited.compareTo(lockWait) >= 0) {
                    throw e;
                }
                reportedHolder = reportWaiting(reportedHolder, lockWait);
                Duration pause = shorter(LOCK_POLL, lockWait.minus(waited));
                pause(pause);
                waited = waited.plus(pause);
            }
        }
    }

    /**
     * Publishes a {@code LeaseWaiting} event naming the holder when the wait begins and whenever
     * another acquisition holds the lease (not at every poll); returns the holder reported.
     */
    private Lease reportWaiting(Lease reported, Duration lockWait) {
        Optional<Lease> holder;
        try {
            holder = scope.store().currentLease(scope.planId());
        } catch (RuntimeException e) {
            return reported;    // only for the event: the acquisition that follows decides
        }
        if (holder.isEmpty() || holder.get().sameAcquisition(reported)) {
            return reported;
        }
        Lease lease = holder.get();
        scope.emit(new UpgradeEvent.LeaseWaiting(scope.now(), scope.planId(), lease.owner(), lease.token(),
                lease.expiresAt(), lockWait));
        return lease;
    }

    /** Nothing has started yet: an interrupt is thrown, not reported. */
    private void pause(Duration pause) {
        try {
            scope.sleep(pause);
        } catch (StopRun interrupted) {
            throw interrupted.toException();
        }
    }

    private void startHeartbeat() {
        Duration period = longer(MIN_HEARTBEAT, leaseDuration.dividedBy(3));
        Scheduler scheduler = scope.settings().scheduler();
        if (scheduler == null) {
            ownExecutor = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "upgrade-lease-" + scope.planId());
                thread.setDaemon(true);
                return thread;
            });
            scheduler = Scheduler.using(ownExecutor);
        }
        heartbeat = scheduler.scheduleAtFixedRate(this::renewFromHeartbeat, period);
    }

    /** Renews the lease, then names the step still running if it has run long (StepStillRunning). */
    private void renewFromHeartbeat() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warn("renewing the lease of plan '{}' failed: {}", scope.planId(),
                    scope.redactor().redact(e.getMessage()));
        }
        scope.reportStillRunning();
    }

    /** Renews the lease; a lost lease or a broken store contract stops every later write. */
    private synchronized void renew() {
        if (stop != null) {
            return;
        }
        try {
            lease = scope.store().renewLease(lease, leaseDuration);
        } catch (UpgradeException e) {
            if (e.code() == UpgradeErrorCode.LEASE_LOST || e.code() == UpgradeErrorCode.STORE_CONTRACT_BROKEN) {
                stop = e;
            }
            throw e;
        }
    }

    private void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel();
        }
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    private void release() {
        try {
            scope.store().releaseLease(lease);
        } catch (RuntimeException e) {
            LOG.warn("releasing the lease of plan '{}' failed (it expires at {}): {}", scope.planId(),
                    lease.expiresAt(), scope.redactor().redact(e.getMessage()));
        }
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
