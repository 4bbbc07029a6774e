package io.upgradesdk.upgrade.opentelemetry.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.upgradesdk.upgrade.StepScopeListener;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeReport;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open spans: one per running plan operation, one per running step (a child of its plan's),
 * started and ended at the events' times (the runner's clock).
 */
public final class RunTraces {

    public static final AttributeKey<String> PLAN = AttributeKey.stringKey("upgrade.plan.id");
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("upgrade.operation");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("upgrade.outcome");
    public static final AttributeKey<String> STEP = AttributeKey.stringKey("upgrade.step.id");
    public static final AttributeKey<String> PHASE = AttributeKey.stringKey("upgrade.step.phase");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("upgrade.step.attempt");
    public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("upgrade.step.attempts");
    public static final AttributeKey<Long> DELAY_MS = AttributeKey.longKey("upgrade.retry.delay_ms");
    public static final AttributeKey<String> ERROR = AttributeKey.stringKey("upgrade.error");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("upgrade.error.type");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("upgrade.reason");
    public static final AttributeKey<Long> DONE = AttributeKey.longKey("upgrade.progress.done");
    public static final AttributeKey<Long> TOTAL = AttributeKey.longKey("upgrade.progress.total");
    public static final AttributeKey<String> MESSAGE = AttributeKey.stringKey("upgrade.message");
    public static final AttributeKey<Boolean> CONFIRMED = AttributeKey.booleanKey("upgrade.confirmed");

    private record StepKey(String planId, String stepId) {
    }

    private final Tracer tracer;
    private final Map<String, Span> plans = new ConcurrentHashMap<>();
    private final Map<StepKey, Span> steps = new ConcurrentHashMap<>();

    public RunTraces(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * The run's span, a child of the span current on the thread that started the run (the runner
     * publishes {@code PlanStarted} on the caller's thread), so a host that runs a plan inside its
     * own span (a job, a startup phase, a request) sees the upgrade in that trace; a root span when
     * no span is current.
     */
    public void planStarted(UpgradeEvent.PlanStarted e) {
        Span span = tracer.spanBuilder("upgrade " + e.operation().name() + " " + e.planId())
                .setSpanKind(SpanKind.INTERNAL).setParent(Context.current()).setStartTimestamp(e.time())
                .setAttribute(PLAN, e.planId()).setAttribute(OPERATION, e.operation().name()).startSpan();
        Span previous = plans.put(e.planId(), span);
        if (previous != null) {
            previous.end(e.time());      // a run that ended without its PlanFinished (its thread died)
        }
    }

    public void planFinished(UpgradeEvent.PlanFinished e) {
        Span span = plans.remove(e.planId());
        if (span == null) {
            return;
        }
        steps.keySet().removeIf(key -> key.planId().equals(e.planId()) && endStep(key, e.time()));
        span.setAttribute(OUTCOME, e.outcome().name());
        if (e.outcome() == UpgradeReport.Outcome.FAILED) {
            span.setStatus(StatusCode.ERROR, "the run failed; the checkpoint says where to resume");
        }
        span.end(e.time());
    }

    /** The first attempt opens the step's span; a later one is an event on it. */
    public void stepStarted(UpgradeEvent.StepStarted e) {
        StepKey key = new StepKey(e.planId(), e.stepId());
        Span open = steps.get(key);
        if (open != null) {
            open.addEvent("attempt started", Attributes.of(ATTEMPT, (long) e.attempt()), e.time());
            return;
        }
        Span plan = plans.get(e.planId());
        Context parent = plan == null ? Context.root() : Context.root().with(plan);
        steps.put(key, tracer.spanBuilder("upgrade step " + e.stepId()).setParent(parent)
                .setSpanKind(SpanKind.INTERNAL).setStartTimestamp(e.time()).setAttribute(PLAN, e.planId())
                .setAttribute(STEP, e.stepId()).setAttribute(PHASE, e.phase().name())
                .setAttribute(ATTEMPT, (long) e.attempt()).startSpan());
    }

    public void stepProgress(UpgradeEvent.StepProgress e) {
        Span span = steps.get(new StepKey(e.planId(), e.stepId()));
        if (span != null && e.isNotice()) {
            // a notice counts nothing: it is news on the span, and leaves the count it interrupts alone
            span.addEvent("notice", Attributes.of(MESSAGE, String.valueOf(e.message())), e.time());
        } else if (span != null) {
            span.setAttribute(DONE, e.done());
            if (e.total() >= 0) {
                span.setAttribute(TOTAL, e.total());
            }
        }
    }

    public void stepRetrying(UpgradeEvent.StepRetrying e) {
        Span span = steps.get(new StepKey(e.planId(), e.stepId()));
        if (span != null) {
            span.addEvent("retry", Attributes.of(ATTEMPT, (long) e.failedAttempt(), DELAY_MS, e.delay().toMillis(),
                    ERROR, String.valueOf(e.error())), e.time());
        }
    }

    public void stepSucceeded(UpgradeEvent.StepSucceeded e) {
        Span span = steps.remove(new StepKey(e.planId(), e.stepId()));
        if (span != null) {
            span.setAttribute(ATTEMPTS, (long) e.attempts());
            span.setStatus(StatusCode.OK);
            span.end(e.time());
        }
    }

    public void stepFailed(UpgradeEvent.StepFailed e) {
        Span span = steps.remove(new StepKey(e.planId(), e.stepId()));
        if (span != null) {
            span.setAttribute(ATTEMPTS, (long) e.attempts());
            span.setAttribute(ERROR_TYPE, String.valueOf(e.errorType()));
            span.setStatus(StatusCode.ERROR, String.valueOf(e.error()));
            span.end(e.time());
        }
    }

    /**
     * Makes the running step's span current on this thread; nothing when the step has no open span
     * (a join runner's partitions: the step's span is in the run that started it).
     */
    public StepScopeListener.StepScope makeStepCurrent(String planId, String stepId) {
        Span span = steps.get(new StepKey(planId, stepId));
        if (span == null) {
            return StepScopeListener.StepScope.NONE;
        }
        Scope scope = span.makeCurrent();
        return scope::close;
    }

    /** Skipped and compensated steps, confirmations: events on the plan's span. */
    public void planEvent(String planId, String name, Attributes attributes, Instant time) {
        Span span = plans.get(planId);
        if (span != null) {
            span.addEvent(name, attributes, time);
        }
    }

    private boolean endStep(StepKey key, Instant time) {
        Span span = steps.get(key);
        if (span != null) {
            span.setStatus(StatusCode.ERROR, "the run ended before the step did");
            span.end(time);
        }
        return true;
    }
}
