package io.upgradesdk.upgrade.testkit;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Sleeper} that returns at once and moves a {@link MutableClock} forward by the time it
 * was asked to wait, so retries and lock waits take no real time but the clock (and lease expiry)
 * behaves as if they had. Records each wait. Thread-safe.
 */
public final class AdvancingSleeper implements Sleeper {

    private final Consumer<Duration> advance;
    private final List<Duration> waits = new ArrayList<>();

    public AdvancingSleeper(MutableClock clock) {
        this(requireNonNull(clock, "clock")::advance);
    }

    /** The preset's sleeper: {@code advance} moves the clock and keeps live partition claims alive. */
    AdvancingSleeper(Consumer<Duration> advance) {
        this.advance = requireNonNull(advance, "advance");
    }

    @Override
    public void sleep(Duration duration) {
        synchronized (this) {
            waits.add(duration);
        }
        advance.accept(duration);
    }

    /** Every wait asked so far, oldest first (retry backoffs, lock polls). */
    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }

    /** Forgets the waits so far. */
    public synchronized void clear() {
        waits.clear();
    }
}
