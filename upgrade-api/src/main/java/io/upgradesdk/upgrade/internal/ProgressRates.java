package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.UpgradeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a step's successive {@code ctx.progress(done, total, message)} calls into progress events
 * with a rate and an ETA: the rate is the items done since the attempt's first report divided by
 * the runner-clock time since then; a report whose {@code done} is below that baseline (the step
 * moved on to its next index) starts a new baseline. Thread-safe: partitions report concurrently.
 */
final class ProgressRates {

    private record Baseline(Instant time, long done) {
    }

    private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();

    /** A new attempt of {@code stepId} starts, or the step ended: its rate is measured afresh. */
    void forget(String stepId) {
        baselines.remove(stepId);
    }

    UpgradeEvent.StepProgress event(Instant now, String planId, String stepId, long done, long total,
            String message) {
        // get-then-put, not compute: no lambda per report; concurrent partitions racing to set a
        // baseline leave one of theirs, which is all a rate estimate needs
        Baseline base = baselines.get(stepId);
        if (base == null || done < base.done() || now.isBefore(base.time())) {
            base = new Baseline(now, done);
            baselines.put(stepId, base);
        }
        long nanos = nanosBetween(base.time(), now);
        double rate = nanos > 0 ? (done - base.done()) * 1e9 / nanos : -1;
        return new UpgradeEvent.StepProgress(now, planId, stepId, done, total, message, rate, eta(done, total, rate));
    }

    private static long nanosBetween(Instant from, Instant to) {
        return (to.getEpochSecond() - from.getEpochSecond()) * 1_000_000_000L + (to.getNano() - from.getNano());
    }

    private static Duration eta(long done, long total, double rate) {
        if (total < 0) {
            return null;
        }
        if (done >= total) {
            return Duration.ZERO;
        }
        if (rate <= 0) {
            return null;
        }
        return Duration.ofMillis((long) Math.ceil((total - done) * 1000 / rate));
    }
}
