package io.upgradesdk.upgrade.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waits for a plan's lease: counted when they begin, timed when they end with the lease taken.
 *
 * <p>The runner announces a wait ({@code LeaseWaiting}) when it begins and again when another
 * holder takes the lease meanwhile; a run that gets the lease starts ({@code PlanStarted}), one
 * whose lock wait runs out throws {@code LOCK_HELD} and publishes nothing more. So a wait is new
 * when none is open for the plan or the open one has outlived its lock wait (plus a margin for
 * the time the store calls themselves take): that one gave up, and is dropped untimed.
 */
public final class LeaseWaits {

    /** Beyond the lock wait, how long an open wait may still end with the lease (store calls, polls). */
    static final Duration STALE_MARGIN = Duration.ofSeconds(30);

    private record OpenWait(Instant since, Duration lockWait) {
        boolean gaveUpBefore(Instant time) {
            return time.isAfter(since.plus(lockWait).plus(STALE_MARGIN));
        }
    }

    private final MeterFactory meters;
    private final Map<String, OpenWait> open = new ConcurrentHashMap<>();
    private final Map<String, Counter> waits = new ConcurrentHashMap<>();
    private final Map<String, Timer> waited = new ConcurrentHashMap<>();

    public LeaseWaits(MeterFactory meters) {
        this.meters = meters;
    }

    /** The runner waits for {@code planId}'s lease (begun now, or still going with another holder). */
    public void waiting(String planId, Instant time, Duration lockWait) {
        OpenWait current = open.get(planId);
        if (current == null || current.gaveUpBefore(time)) {
            open.put(planId, new OpenWait(time, lockWait));
            waits.computeIfAbsent(planId, plan -> meters.counter("lease.waits",
                    "Waits for a plan's lease held by another owner", meters.planTags(plan))).increment();
        }
    }

    /** A run of {@code planId} took the lease: a wait open for it ends here. */
    public void acquired(String planId, Instant time) {
        OpenWait current = open.remove(planId);
        if (current != null && !current.gaveUpBefore(time)) {
            waited.computeIfAbsent(planId, plan -> meters.timer("lease.wait",
                    "Time waited for a plan's lease until it was taken", meters.planTags(plan)))
                    .record(Duration.between(current.since(), time));
        }
    }
}
