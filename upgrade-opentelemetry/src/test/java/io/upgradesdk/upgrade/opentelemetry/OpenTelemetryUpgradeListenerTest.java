package io.upgradesdk.upgrade.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Spans of real runs of the testkit's runner, read back from the SDK's in-memory exporter. */
class OpenTelemetryUpgradeListenerTest {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetry openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(
            SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
    private final UpgradeTestRunner t = UpgradeTestKit.runner()
            .listener(OpenTelemetryUpgradeListener.of(openTelemetry)).build();

    /** validate (1 s); copy-orders: a transient failure, then 2 s and 400 items. */
    private UpgradePlan ordersPlan() {
        AtomicInteger attempts = new AtomicInteger();
        return UpgradePlan.builder("orders-v2")
                .step(UpgradeStep.builder("validate").execute(ctx -> t.clock().advance(Duration.ofSeconds(1))).build())
                .step(UpgradeStep.builder("copy-orders").execute(ctx -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IOException("connection reset");
                    }
                    t.clock().advance(Duration.ofSeconds(2));
                    ctx.progress(400, 400, "copied");
                }).build())
                .build();
    }

    @Test
    void a_run_is_a_span_with_a_child_span_per_step_timed_by_the_runners_clock() {
        t.up(ordersPlan());

        SpanData run = span("upgrade UP orders-v2");
        SpanData validate = span("upgrade step validate");
        SpanData copy = span("upgrade step copy-orders");
        assertThat(run.getParentSpanContext().isValid()).isFalse();
        assertThat(List.of(validate, copy)).allSatisfy(step -> {
            assertThat(step.getParentSpanId()).isEqualTo(run.getSpanId());
            assertThat(step.getTraceId()).isEqualTo(run.getTraceId());
            assertThat(step.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        });
        assertThat(millis(validate)).isEqualTo(1000);
        assertThat(millis(copy)).as("the 500 ms backoff and 2 s of copying").isEqualTo(2500);
        assertThat(run.getAttributes().get(AttributeKey.stringKey("upgrade.outcome"))).isEqualTo("SUCCEEDED");
        assertThat(run.getAttributes().get(AttributeKey.stringKey("upgrade.operation"))).isEqualTo("UP");
        assertThat(copy.getAttributes().get(AttributeKey.longKey("upgrade.step.attempts"))).isEqualTo(2);
        assertThat(copy.getAttributes().get(AttributeKey.longKey("upgrade.progress.done"))).isEqualTo(400);
        assertThat(copy.getAttributes().get(AttributeKey.stringKey("upgrade.step.phase"))).isEqualTo("UP");
    }

    @Test
    void a_run_started_inside_a_hosts_span_is_part_of_the_hosts_trace() {
        Span job = openTelemetry.getTracer("host").spanBuilder("nightly job").startSpan();
        try (Scope ignored = job.makeCurrent()) {
            t.up(ordersPlan());
        } finally {
            job.end();
        }

        SpanData run = span("upgrade UP orders-v2");
        SpanData host = span("nightly job");
        assertThat(run.getParentSpanId()).isEqualTo(host.getSpanId());
        assertThat(run.getTraceId()).isEqualTo(host.getTraceId());
        assertThat(span("upgrade step copy-orders").getTraceId()).isEqualTo(host.getTraceId());
    }

    @Test
    void the_spans_of_a_steps_own_work_are_children_of_the_steps_span() {
        Tracer client = openTelemetry.getTracer("http-client");
        UpgradePlan plan = UpgradePlan.builder("orders-v2").step(UpgradeStep.builder("copy-orders").execute(ctx ->
                client.spanBuilder("POST /_bulk").startSpan().end()).build()).build();

        t.up(plan);

        SpanData request = span("POST /_bulk");
        SpanData step = span("upgrade step copy-orders");
        assertThat(request.getParentSpanId()).isEqualTo(step.getSpanId());
        assertThat(request.getTraceId()).isEqualTo(step.getTraceId());
        assertThat(Span.current().getSpanContext().isValid()).as("nothing current after the run").isFalse();
    }

    @Test
    void a_partitions_own_work_is_a_child_of_its_steps_span_on_the_workers_thread() {
        Tracer client = openTelemetry.getTracer("http-client");
        UpgradePlan plan = UpgradePlan.builder("orders-v2").step(UpgradeStep.partitioned("copy-orders")
                .partitions(ctx -> List.of("slice-0", "slice-1")).workers(2)
                .execute(ctx -> client.spanBuilder("POST /_bulk " + ctx.partitionId()).startSpan().end()).build())
                .build();

        t.up(plan);

        SpanData step = span("upgrade step copy-orders");
        assertThat(List.of(span("POST /_bulk slice-0"), span("POST /_bulk slice-1")))
                .allSatisfy(request -> assertThat(request.getParentSpanId()).isEqualTo(step.getSpanId()));
    }

    @Test
    void an_error_thrown_by_a_step_leaves_no_span_current_on_the_callers_thread() {
        UpgradePlan plan = UpgradePlan.builder("orders-v2").step(UpgradeStep.builder("check").execute(ctx -> {
            throw new AssertionError("expected 3 documents");
        }).build()).build();

        assertThatThrownBy(() -> t.up(plan)).isInstanceOf(AssertionError.class);

        assertThat(Span.current().getSpanContext().isValid()).isFalse();
    }

    @Test
    void a_notice_is_an_event_on_the_steps_span_and_leaves_the_count_alone() {
        UpgradePlan plan = UpgradePlan.builder("rolling").step(UpgradeStep.builder("upgrade-nodes").execute(ctx -> {
            ctx.progress(1, 3, "node es-1 upgraded");
            t.clock().advance(Duration.ofSeconds(1));
            ctx.progress(0, -1, "node es-2: stopping elasticsearch");
        }).build()).build();

        t.up(plan);

        SpanData step = span("upgrade step upgrade-nodes");
        assertThat(step.getAttributes().get(AttributeKey.longKey("upgrade.progress.done"))).isEqualTo(1);
        assertThat(step.getAttributes().get(AttributeKey.longKey("upgrade.progress.total"))).isEqualTo(3);
        assertThat(step.getEvents()).filteredOn(event -> event.getName().equals("notice"))
                .singleElement().satisfies(notice -> assertThat(notice.getAttributes()
                        .get(AttributeKey.stringKey("upgrade.message"))).isEqualTo("node es-2: stopping elasticsearch"));
    }

    @Test
    void a_retry_is_an_event_on_the_steps_span() {
        t.up(ordersPlan());

        List<EventData> events = span("upgrade step copy-orders").getEvents();
        assertThat(events).extracting(EventData::getName).containsExactly("retry", "attempt started");
        EventData retry = events.get(0);
        assertThat(retry.getAttributes().get(AttributeKey.longKey("upgrade.step.attempt"))).isEqualTo(1);
        assertThat(retry.getAttributes().get(AttributeKey.longKey("upgrade.retry.delay_ms"))).isEqualTo(500);
        assertThat(retry.getAttributes().get(AttributeKey.stringKey("upgrade.error"))).contains("connection reset");
    }

    @Test
    void a_failed_step_and_its_run_carry_an_error_status() {
        UpgradePlan plan = UpgradePlan.builder("broken").step(UpgradeStep.builder("migrate").execute(ctx -> {
            throw new IllegalStateException("column missing");
        }).build()).build();

        t.up(plan);

        SpanData step = span("upgrade step migrate");
        assertThat(step.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(step.getStatus().getDescription()).contains("column missing");
        SpanData run = span("upgrade UP broken");
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(run.getAttributes().get(AttributeKey.stringKey("upgrade.outcome"))).isEqualTo("FAILED");
    }

    @Test
    void skipped_steps_and_confirmations_are_events_on_the_runs_span() {
        UpgradePlan plan = UpgradePlan.builder("drop-v1")
                .step(UpgradeStep.builder("copy").execute(ctx -> { }).build())
                .step(UpgradeStep.builder("drop-table").execute(ctx -> { }).pointOfNoReturn().build()).build();

        t.run(plan);                   // copy runs; the drop waits for a confirmation, denied
        exporter.reset();
        t.run(plan);                   // copy already done

        SpanData run = span("upgrade RUN drop-v1");
        assertThat(run.getEvents()).extracting(EventData::getName)
                .containsExactly("step skipped", "confirmation requested", "confirmation answered");
        assertThat(run.getEvents().get(2).getAttributes().get(AttributeKey.booleanKey("upgrade.confirmed"))).isFalse();
        assertThat(run.getAttributes().get(AttributeKey.stringKey("upgrade.outcome")))
                .isEqualTo("AWAITING_CONFIRMATION");
        assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
                .doesNotContain("upgrade step copy");
    }

    @Test
    void refuses_a_null_open_telemetry_or_tracer() {
        assertThatThrownBy(() -> OpenTelemetryUpgradeListener.of((OpenTelemetry) null))
                .isInstanceOf(UpgradeException.class).hasMessageContaining("OpenTelemetry instance is null");
        assertThatThrownBy(() -> OpenTelemetryUpgradeListener.of((Tracer) null))
                .isInstanceOf(UpgradeException.class).hasMessageContaining("tracer is null");
    }

    private SpanData span(String name) {
        List<SpanData> named = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("finished spans named '%s' among %s", name, exporter.getFinishedSpanItems().stream()
                .map(SpanData::getName).toList()).hasSize(1);
        return named.get(0);
    }

    private static long millis(SpanData span) {
        return TimeUnit.NANOSECONDS.toMillis(span.getEndEpochNanos() - span.getStartEpochNanos());
    }
}
