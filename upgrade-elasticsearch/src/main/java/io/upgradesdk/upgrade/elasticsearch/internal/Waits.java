package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Polls a condition with an injectable sleeper until a deadline on an injectable clock. */
public final class Waits {

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration interval;

    public Waits(Clock clock, Sleeper sleeper, Duration interval) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.interval = interval;
    }

    /** Waits until {@code done} is true; fails with ES_TIMEOUT naming {@code what} and the fix. */
    public void until(String what, Duration timeout, String fix, BooleanSupplier done) {
        Instant deadline = clock.instant().plus(timeout);
        while (!poll(done)) {
            if (clock.instant().isAfter(deadline)) {
                throw new UpgradeException(ElasticsearchErrorCode.TIMEOUT,
                        "waited " + timeout.toSeconds() + " s for " + what + "; " + fix);
            }
            pause();
        }
    }

    /** Evaluates the condition; a transient failure (node restarting, no master yet) counts as "not yet". */
    private static boolean poll(BooleanSupplier done) {
        try {
            return done.getAsBoolean();
        } catch (UpgradeException e) {
            if (e.isTransient()) {
                return false;
            }
            throw e;
        }
    }

    /** Sleeps one interval. */
    public void pause() {
        try {
            sleeper.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED, "interrupted while waiting; rerun to resume", e);
        }
    }
}
