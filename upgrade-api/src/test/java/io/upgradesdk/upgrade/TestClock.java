package io.upgradesdk.upgrade;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock the test moves by hand (upgrade-testkit's MutableClock cannot be used here: it depends on this module). */
final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final List<Runnable> onAdvance = new CopyOnWriteArrayList<>();

    void advance(Duration duration) {
        now = now.plus(duration);
        onAdvance.forEach(Runnable::run);
    }

    /** Runs {@code action} after every advance (a clock-driven scheduler runs its due tasks). */
    void onAdvance(Runnable action) {
        onAdvance.add(action);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
