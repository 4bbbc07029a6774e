package io.upgradesdk.upgrade.spi;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link CheckpointStore} that passes every call, {@link #close()} included, to a delegate: the
 * base of store decorators (fault injection, call counting, recording wrappers in tests), which
 * override only the methods they change.
 *
 * <pre>{@code
 * CheckpointStore failingOnce = new ForwardingCheckpointStore(store) {
 *     private final AtomicBoolean failed = new AtomicBoolean();
 *     @Override
 *     public void save(Checkpoint checkpoint, Lease lease) {
 *         if (failed.compareAndSet(false, true)) {
 *             throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "connection reset");
 *         }
 *         super.save(checkpoint, lease);
 *     }
 * };
 * }</pre>
 *
 * <p>Every method of {@link CheckpointStore} is forwarded, so a decorator keeps working when the
 * interface gains a method. Thread-safe as far as the delegate and the overrides are.
 */
public abstract class ForwardingCheckpointStore implements CheckpointStore {

    private final CheckpointStore delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingCheckpointStore(CheckpointStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    /** The store every call goes to. */
    protected final CheckpointStore delegate() {
        return delegate;
    }

    @Override
    public Optional<Checkpoint> load(String planId) {
        return delegate.load(planId);
    }

    @Override
    public void save(Checkpoint checkpoint, Lease lease) {
        delegate.save(checkpoint, lease);
    }

    @Override
    public Lease acquireLease(String planId, String owner, Duration duration) {
        return delegate.acquireLease(planId, owner, duration);
    }

    @Override
    public Lease renewLease(Lease lease, Duration duration) {
        return delegate.renewLease(lease, duration);
    }

    @Override
    public void releaseLease(Lease lease) {
        delegate.releaseLease(lease);
    }

    @Override
    public Optional<Lease> currentLease(String planId) {
        return delegate.currentLease(planId);
    }

    @Override
    public void forceReleaseLease(String planId) {
        delegate.forceReleaseLease(planId);
    }

    /** Closes the delegate: a decorator owns the store it wraps. */
    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        return (name.isEmpty() ? "ForwardingCheckpointStore" : name) + "[" + delegate + "]";
    }
}
