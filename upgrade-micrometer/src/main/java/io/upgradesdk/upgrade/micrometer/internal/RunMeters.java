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

    private record RunKey(String planId, String operation, String outcome) {
    }

    private record RunOutcomeMeters(Counter runs, Timer duration) {
    }

    private final MeterFactory meters;
    /** Step meters by plan, then by step: looked up with the events' own strings, no key built per event. */
    private final Map<String, Map<String, StepMeters>> stepsByPlan = new ConcurrentHashMap<>();
    /**
     * The step of the last event: a step's events come in a row, so most need no lookup at all. A
     * hint, not volatile (a volatile write per step cost more than the hint saved): a thread that
     * sees another's stale value checks it with {@link StepMeters#is}, which reads only final fields.
     */
    private StepMeters last;
    private final Map<RunKey, RunOutcomeMeters> runs = new ConcurrentHashMap<>();

    public RunMeters(MeterFactory meters) {
        this.meters = meters;
    }

    /**
     * The meters of {@code stepId} (of the whole plan when meters are not kept per step), created
     * and registered the first time the step is seen. Found without building tags or keys: the
     * step of the last event, else the step that followed it the last time (a plan's steps run
     * in the same order at every run, so a step's meters remember their successor), else by
     * plan and step in the maps. Without the successor, a plan of a thousand steps would look up
     * a thousand map entries per run, each cold in the processor's cache.
     */
    public StepMeters step(String planId, String stepId) {
        StepMeters previous = last;
        if (previous != null) {
            if (previous.is(planId, stepId)) {
                return previous;
            }
            StepMeters successor = previous.successor();
            if (successor != null && successor.is(planId, stepId)) {
                last = successor;
                return successor;
            }
        }
        StepMeters found = lookUp(planId, stepId);
        if (previous != null) {
            previous.successor(found);
        }
        last = found;
        return found;
    }

    private StepMeters lookUp(String planId, String stepId) {
        Map<String, StepMeters> steps = stepsByPlan.get(planId);
        if (steps == null) {
            steps = stepsByPlan.computeIfAbsent(planId, plan -> new ConcurrentHashMap<>());
        }
        String key = meters.perStep() ? stepId : "";
        StepMeters found = steps.get(key);
        return found != null ? found : steps.computeIfAbsent(key, k -> new StepMeters(meters, planId, stepId));
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
