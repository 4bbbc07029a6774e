package io.upgradesdk.upgrade.testkit;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Sleeper} that returns at once and moves a {@link MutableClock} forward by the time it
 * was asked to wait, so retries and lock waits take no real time but the clock (and lease expiry)
 * behaves as if they had. Records each wait. Thread-safe.
 */
public final class AdvancingSleeper implements Sleeper {

    private final MutableClock clock;
    private final List<Duration> waits = new ArrayList<>();

    public AdvancingSleeper(MutableClock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void sleep(Duration duration) {
        waits.add(duration);
        clock.advance(duration);
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
