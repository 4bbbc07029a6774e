package io.upgradesdk.upgrade;

import java.time.Duration;

/** Waits between retry attempts and lock polls; tests inject one that returns at once. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps the current thread for real. */
    static Sleeper system() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
