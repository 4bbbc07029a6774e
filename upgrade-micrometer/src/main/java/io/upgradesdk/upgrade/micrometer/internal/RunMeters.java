package io.upgradesdk.upgrade.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of whole runs and of steps, created on first use and kept for the listener's life
 * (the registry holds gauges weakly; these maps keep them alive).
 */
public final class RunMeters {

    private record StepKey(String planId, String stepId) {
    }

    private record RunKey(String planId, String operation, String outcome) {
    }

    private record RunOutcomeMeters(Counter runs, Timer duration) {
    }

    /** The step of the last event: a step's events come in a row, so most need no map lookup. */
    private record LastStep(String planId, String stepId, StepMeters meters) {
    }

    private final MeterFactory meters;
    private final Map<StepKey, StepMeters> steps = new ConcurrentHashMap<>();
    private volatile LastStep last;
    private final Map<RunKey, RunOutcomeMeters> runs = new ConcurrentHashMap<>();

    public RunMeters(MeterFactory meters) {
        this.meters = meters;
    }

    /** The meters of {@code stepId} (of the whole plan when meters are not kept per step). */
    public StepMeters step(String planId, String stepId) {
        LastStep previous = last;
        if (previous != null && previous.stepId().equals(stepId) && previous.planId().equals(planId)) {
            return previous.meters();
        }
        String key = meters.perStep() ? stepId : "";
        StepMeters found = steps.computeIfAbsent(new StepKey(planId, key), k -> new StepMeters(meters, planId, stepId));
        last = new LastStep(planId, stepId, found);
        return found;
    }

    /** A run ended: counted and timed by plan, operation and outcome. */
    public void runFinished(String planId, String operation, String outcome, Duration duration) {
        RunOutcomeMeters run = runs.computeIfAbsent(new RunKey(planId, operation, outcome), key -> {
            Tags tags = meters.planTags(planId).and(MeterFactory.OPERATION, operation)
                    .and(MeterFactory.OUTCOME, outcome);
            return new RunOutcomeMeters(
                    meters.counter("plan.runs", "Runs of a plan ended, by operation and outcome", tags),
                    meters.timer("plan.duration", "Duration of a plan's runs, lease taken to lease released", tags));
        });
        run.runs().increment();
        run.duration().record(duration);
    }
}
