package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.UpgradeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a step's successive {@code ctx.progress(done, total, message)} calls into progress events
 * with a rate and an ETA: the rate is the items done since the attempt's first report divided by
 * the runner-clock time since then; a report whose {@code done} is below that baseline (the step
 * moved on to its next index) starts a new baseline. A notice ({@code progress(0, -1, text)}, which
 * counts nothing) has no rate; it leaves a count's baseline alone, and is the zero of the count
 * when it comes first (a step that starts a count of unknown total with it).
 *
 * <p>Called by one thread at a time: the run's thread, or a partitioned step's workers under the
 * operation scope's lock (the run's thread waits for them meanwhile). The baseline of the step
 * reporting now is kept in plain fields, since a run's steps report one after the other: a report,
 * an attempt's start and a step's end cost a few field reads and writes, no map operation and no
 * allocation. Baselines of other steps (a step that reports after another one started, which the
 * runner does not do) wait in a map.
 */
final class ProgressRates {

    private record Baseline(Instant time, long done) {
    }

    /** The step whose baseline is in the fields below, or null. */
    private String stepId;
    /** Its baseline, or null before its first report. */
    private Instant baseTime;
    private long baseDone;
    /** Baselines of steps other than {@link #stepId}, seldom used. */
    private final Map<String, Baseline> others = new HashMap<>();

    /** A new attempt of {@code stepId} starts, or the step ended: its rate is measured afresh. */
    void forget(String id) {
        if (stepId != null && stepId.equals(id)) {
            stepId = null;
            baseTime = null;
        }
        if (!others.isEmpty()) {
            others.remove(id);
        }
    }

    UpgradeEvent.StepProgress event(Instant now, String planId, String id, long done, long total,
            String message) {
        if (stepId == null || !(stepId == id || stepId.equals(id))) {
            switchTo(id);
        }
        if (UpgradeEvent.StepProgress.isNotice(done, total) && baseTime != null) {
            // a notice ("deprecation warnings: ...") in the middle of a count counts nothing: no new baseline
            return new UpgradeEvent.StepProgress(now, planId, id, done, total, message, -1, null);
        }
        if (baseTime == null || done < baseDone || now.isBefore(baseTime)) {
            baseTime = now;
            baseDone = done;
        }
        long nanos = nanosBetween(baseTime, now);
        double rate = nanos > 0 ? (done - baseDone) * 1e9 / nanos : -1;
        return new UpgradeEvent.StepProgress(now, planId, id, done, total, message, rate, eta(done, total, rate));
    }

    /** Puts the baseline of the step in the fields aside and takes {@code id}'s (if it has one). */
    private void switchTo(String id) {
        if (stepId != null && baseTime != null) {
            others.put(stepId, new Baseline(baseTime, baseDone));
        }
        Baseline kept = others.isEmpty() ? null : others.remove(id);
        stepId = id;
        baseTime = kept == null ? null : kept.time();
        baseDone = kept == null ? 0 : kept.done();
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
