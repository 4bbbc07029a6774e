package io.upgradesdk.upgrade.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.upgradesdk.upgrade.StepScopeListener;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.opentelemetry.internal.RunTraces;

/**
 * Traces runs as OpenTelemetry spans: one span per plan operation ({@code upgrade UP orders-v2},
 * a child of the span current where the host started the run, else a root span, attributes
 * {@code upgrade.plan.id}, {@code upgrade.operation}, {@code upgrade.outcome}, status ERROR when
 * the run failed), a child span per step ({@code upgrade step copy-orders},
 * attributes {@code upgrade.step.id}, {@code upgrade.step.phase}, {@code upgrade.step.attempts}, the last
 * progress in {@code upgrade.progress.done}/{@code .total}, status ERROR with the error when it
 * failed), a {@code retry} event on the step's span per transient failure, and events on the plan's
 * span for skipped and compensated steps and confirmations. Span times are the events' times (the
 * runner's clock). Texts are those of the events, which the runner has redacted.
 *
 * <p>While a step runs, its span is the current span on the thread that runs it (and on each
 * partition worker's thread while it runs a partition), so that the spans of the step's own work,
 * such as an instrumented HTTP client's, are children of the step's span; it stops being current
 * when the attempt ends, also by an {@link Error}.
 *
 * <pre>{@code
 * UpgradeRunner.builder().store(store).listener(OpenTelemetryUpgradeListener.of(openTelemetry)).build();
 * }</pre>
 */
public final class OpenTelemetryUpgradeListener implements StepScopeListener {

    /** The instrumentation scope name of the tracer {@link #of(OpenTelemetry)} takes. */
    public static final String INSTRUMENTATION_NAME = "io.upgradesdk.upgrade";

    private final RunTraces traces;

    private OpenTelemetryUpgradeListener(Tracer tracer) {
        this.traces = new RunTraces(tracer);
    }

    /**
     * A listener on {@code openTelemetry}'s tracer {@value #INSTRUMENTATION_NAME}.
     *
     * @throws UpgradeException {@code INVALID_CONFIGURATION} when {@code openTelemetry} is null
     */
    public static OpenTelemetryUpgradeListener of(OpenTelemetry openTelemetry) {
        if (openTelemetry == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "OpenTelemetry listener: the"
                    + " OpenTelemetry instance is null: pass the application's (e.g. GlobalOpenTelemetry.get())");
        }
        return of(openTelemetry.getTracer(INSTRUMENTATION_NAME));
    }

    /**
     * A listener on {@code tracer}.
     *
     * @throws UpgradeException {@code INVALID_CONFIGURATION} when {@code tracer} is null
     */
    public static OpenTelemetryUpgradeListener of(Tracer tracer) {
        if (tracer == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "OpenTelemetry listener: the tracer"
                    + " is null: pass openTelemetry.getTracer(\"" + INSTRUMENTATION_NAME + "\")");
        }
        return new OpenTelemetryUpgradeListener(tracer);
    }

    @Override
    public void onEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.PlanStarted e) {
            traces.planStarted(e);
        } else if (event instanceof UpgradeEvent.PlanFinished e) {
            traces.planFinished(e);
        } else if (event instanceof UpgradeEvent.StepStarted e) {
            traces.stepStarted(e);
        } else if (event instanceof UpgradeEvent.StepProgress e) {
            traces.stepProgress(e);
        } else if (event instanceof UpgradeEvent.StepRetrying e) {
            traces.stepRetrying(e);
        } else if (event instanceof UpgradeEvent.StepSucceeded e) {
            traces.stepSucceeded(e);
        } else if (event instanceof UpgradeEvent.StepFailed e) {
            traces.stepFailed(e);
        } else if (event instanceof UpgradeEvent.StepSkipped e) {
            traces.planEvent(e.planId(), "step skipped", Attributes.of(RunTraces.STEP, e.stepId(),
                    RunTraces.REASON, String.valueOf(e.reason())), e.time());
        } else if (event instanceof UpgradeEvent.StepCompensated e) {
            traces.planEvent(e.planId(), "step compensated", Attributes.of(RunTraces.STEP, e.stepId()), e.time());
        } else if (event instanceof UpgradeEvent.ConfirmationRequested e) {
            traces.planEvent(e.planId(), "confirmation requested", Attributes.of(RunTraces.STEP, e.stepId()),
                    e.time());
        } else if (event instanceof UpgradeEvent.ConfirmationAnswered e) {
            traces.planEvent(e.planId(), "confirmation answered", Attributes.of(RunTraces.STEP, e.stepId(),
                    RunTraces.CONFIRMED, e.confirmed()), e.time());
        }
        // LeaseWaiting comes before the run's span exists; the plan span starts once the lease is taken
    }

    /** Makes the step's span current on this thread until the attempt ends. */
    @Override
    public StepScope enterStep(String planId, String stepId, String partitionId) {
        return traces.makeStepCurrent(planId, stepId);
    }
}
