package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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
        until(what, timeout, fix, null, done);
    }

    /**
     * Like {@link #until(String, Duration, String, BooleanSupplier)}, but while {@code wake} (e.g. a
     * blocking {@code wait_for_completion=true} request) runs, each pause ends as soon as it
     * completes instead of after a whole interval. Once it has completed, pauses use the sleeper.
     */
    public void until(String what, Duration timeout, String fix, Future<?> wake, BooleanSupplier done) {
        Instant deadline = clock.instant().plus(timeout);
        if (wake != null && !wake.isDone()) {
            awaitOrTimeout(wake); // a short operation answers before the first poll is due
        }
        while (!poll(done)) {
            if (clock.instant().isAfter(deadline)) {
                throw new UpgradeException(ElasticsearchErrorCode.TIMEOUT,
                        "waited " + timeout.toSeconds() + " s for " + what + "; " + fix);
            }
            if (wake == null || wake.isDone()) {
                pause();
            } else {
                awaitOrTimeout(wake);
            }
        }
    }

    private void awaitOrTimeout(Future<?> wake) {
        try {
            wake.get(Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException stillWaitingOrFailed) {
            // the condition is evaluated next either way: a failed request is judged by the state it left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED, "interrupted while waiting; rerun to resume", e);
        }
    }

    /**
     * Runs a blocking request on a daemon thread of its own; its future is meant as the
     * {@code wake} of {@link #until(String, Duration, String, Future, BooleanSupplier)}.
     */
    public static <T> CompletableFuture<T> inBackground(String name, Supplier<T> request) {
        return CompletableFuture.supplyAsync(request, task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * The result of a completed background request; empty while it runs or when it failed
     * transiently (the caller then polls); a permanent failure is rethrown.
     */
    public static <T> Optional<T> outcome(CompletableFuture<T> request) {
        if (request == null || !request.isDone()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(request.join());
        } catch (CompletionException | CancellationException e) {
            if (e.getCause() instanceof UpgradeException u && !u.isTransient()) {
                throw u;
            }
            return Optional.empty();
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
