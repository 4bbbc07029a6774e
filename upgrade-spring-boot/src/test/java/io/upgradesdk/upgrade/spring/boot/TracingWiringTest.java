package io.upgradesdk.upgrade.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.opentelemetry.OpenTelemetryUpgradeListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The OpenTelemetry listener is wired when upgrade-opentelemetry and an OpenTelemetry bean are there. */
class TracingWiringTest {

    private final List<String> journal = new ArrayList<>();
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
            .withBean(UpgradePlan.class, () -> TestPlans.oneStep("orders", journal));

    private OpenTelemetry openTelemetry() {
        return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
    }

    @Test
    void the_startup_run_is_traced_with_the_hosts_open_telemetry() {
        contexts.withBean(OpenTelemetry.class, this::openTelemetry).run(context -> {
            assertThat(context).hasSingleBean(OpenTelemetryUpgradeListener.class);
            assertThat(journal).containsExactly("orders/up");
            assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
                    .containsExactlyInAnyOrder("upgrade UP orders", "upgrade step up");
        });
    }

    @Test
    void no_open_telemetry_bean_no_listener() {
        contexts.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(OpenTelemetryUpgradeListener.class);
            assertThat(journal).containsExactly("orders/up");
        });
    }

    @Test
    void without_the_module_nothing_is_traced() {
        contexts.withClassLoader(new FilteredClassLoader(OpenTelemetryUpgradeListener.class))
                .withBean(OpenTelemetry.class, this::openTelemetry)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(OpenTelemetryUpgradeListener.class);
                    assertThat(exporter.getFinishedSpanItems()).isEmpty();
                });
    }

    @Test
    void the_property_turns_it_off() {
        contexts.withBean(OpenTelemetry.class, this::openTelemetry)
                .withPropertyValues("upgrade.tracing.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(OpenTelemetryUpgradeListener.class);
                    assertThat(exporter.getFinishedSpanItems()).isEmpty();
                });
    }

    @Test
    void a_listener_of_the_hosts_own_wins() {
        InMemorySpanExporter own = InMemorySpanExporter.create();
        OpenTelemetry ownTelemetry = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(own)).build()).build();
        contexts.withBean(OpenTelemetry.class, this::openTelemetry)
                .withBean(OpenTelemetryUpgradeListener.class, () -> OpenTelemetryUpgradeListener.of(ownTelemetry))
                .run(context -> {
                    assertThat(context).hasSingleBean(OpenTelemetryUpgradeListener.class);
                    assertThat(own.getFinishedSpanItems()).isNotEmpty();
                    assertThat(exporter.getFinishedSpanItems()).isEmpty();
                });
    }
}
