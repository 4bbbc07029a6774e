package io.upgradesdk.upgrade.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Creates the listener's meters: every name under one prefix, every meter with the common tags
 * and the {@code plan} tag, the {@code step} tag only when meters are kept per step.
 */
public final class MeterFactory {

    /** Tag keys the listener sets itself; common tags may not use them. */
    public static final String PLAN = "plan";
    public static final String STEP = "step";
    public static final String OUTCOME = "outcome";
    public static final String OPERATION = "operation";
    public static final String EVENT = "event";

    private final MeterRegistry registry;
    private final String prefix;
    private final Tags commonTags;
    private final boolean perStep;

    public MeterFactory(MeterRegistry registry, String prefix, Tags commonTags, boolean perStep) {
        this.registry = registry;
        this.prefix = prefix;
        this.commonTags = commonTags;
        this.perStep = perStep;
    }

    /** Whether meters carry the {@code step} tag (otherwise the steps of a plan share theirs). */
    public boolean perStep() {
        return perStep;
    }

    Tags planTags(String planId) {
        return commonTags.and(PLAN, planId);
    }

    Tags stepTags(String planId, String stepId) {
        return perStep ? planTags(planId).and(STEP, stepId) : planTags(planId);
    }

    Counter counter(String name, String description, Tags tags) {
        return Counter.builder(prefix + "." + name).description(description).tags(tags).register(registry);
    }

    Counter counter(String name, String description, String baseUnit, Tags tags) {
        return Counter.builder(prefix + "." + name).description(description).baseUnit(baseUnit).tags(tags)
                .register(registry);
    }

    Timer timer(String name, String description, Tags tags) {
        return Timer.builder(prefix + "." + name).description(description).tags(tags).register(registry);
    }

    /**
     * A counter reading its count from {@code state} (monotonic), which the caller keeps
     * referenced (the registry holds it weakly); {@code baseUnit} may be null.
     */
    <T> FunctionCounter functionCounter(String name, String description, String baseUnit, Tags tags, T state,
            ToDoubleFunction<T> count) {
        return FunctionCounter.builder(prefix + "." + name, state, count).description(description).baseUnit(baseUnit)
                .tags(tags).register(registry);
    }

    /**
     * A timer reading its count and total (in nanoseconds) from {@code state}, which the caller
     * keeps referenced; it has no maximum, unlike a {@link Timer}.
     */
    <T> FunctionTimer functionTimer(String name, String description, Tags tags, T state, ToLongFunction<T> count,
            ToDoubleFunction<T> totalNanos) {
        return FunctionTimer.builder(prefix + "." + name, state, count, totalNanos, TimeUnit.NANOSECONDS)
                .description(description).tags(tags).register(registry);
    }

    /** A gauge on {@code state}, which the caller keeps referenced (the registry holds it weakly). */
    <T> Gauge gauge(String name, String description, String baseUnit, Tags tags, T state, ToDoubleFunction<T> value) {
        return Gauge.builder(prefix + "." + name, state, value).description(description).baseUnit(baseUnit).tags(tags)
                .register(registry);
    }
}
