package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A listener's scope around each attempt of a step, entered and closed on the thread that runs it. */
@Timeout(30)
class StepScopeListenerTest {

    private final List<String> trail = new CopyOnWriteArrayList<>();
    private final ThreadLocal<String> current = new ThreadLocal<>();

    /** Records what it enters and closes, and what is "current" on the thread (as a tracing context would be). */
    private final StepScopeListener recording = new StepScopeListener() {
        @Override
        public void onEvent(UpgradeEvent event) {
            if (event instanceof UpgradeEvent.StepStarted e) {
                trail.add("started " + e.stepId() + " #" + e.attempt());
            }
        }

        @Override
        public StepScope enterStep(String planId, String stepId, String partitionId) {
            String name = stepId + (partitionId == null ? "" : "/" + partitionId);
            Thread thread = Thread.currentThread();
            trail.add("enter " + name);
            current.set(name);
            return () -> {
                assertThat(Thread.currentThread()).as("closed on the thread that entered").isSameAs(thread);
                current.remove();
                trail.add("close " + name);
            };
        }
    };

    private UpgradeRunner runner(UpgradeListener... listeners) {
        UpgradeRunner.Builder b = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).heartbeat(false)
                .sleeper(d -> { }).retryPolicy(RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ofMillis(1))
                        .build());
        for (UpgradeListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    @Test
    void eachAttemptRunsInsideTheScopeEnteredAfterItsStartedEvent() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> seenInside = new CopyOnWriteArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("p")
                .step(UpgradeStep.builder("copy").execute(ctx -> {
                    seenInside.add(current.get());
                    if (attempts.incrementAndGet() == 1) {
                        throw new IOException("connection reset");
                    }
                }).build())
                .build();

        UpgradeReport report = runner(recording).up(plan);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(seenInside).containsExactly("copy", "copy");
        assertThat(trail).containsExactly("started copy #1", "enter copy", "close copy",
                "started copy #2", "enter copy", "close copy");
        assertThat(current.get()).as("nothing left on the caller's thread").isNull();
    }

    @Test
    void anErrorThrownByAStepClosesTheScopeBeforeItReachesTheCaller() {
        UpgradePlan plan = UpgradePlan.builder("p").step(UpgradeStep.builder("check").execute(ctx -> {
            throw new AssertionError("expected 3 documents");
        }).build()).build();

        assertThatThrownBy(() -> runner(recording).up(plan)).isInstanceOf(AssertionError.class);

        assertThat(trail).containsExactly("started check #1", "enter check", "close check");
        assertThat(current.get()).isNull();
    }

    @Test
    void eachPartitionRunsInsideAScopeEnteredOnItsWorkersThread() {
        List<String> seenInside = new CopyOnWriteArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("p").step(UpgradeStep.partitioned("copy")
                .partitions(ctx -> List.of("slice-0", "slice-1", "slice-2")).workers(2)
                .execute(ctx -> seenInside.add(ctx.partitionId() + " in " + current.get())).build()).build();

        UpgradeReport report = runner(recording).up(plan);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(seenInside).containsExactlyInAnyOrder("slice-0 in copy/slice-0", "slice-1 in copy/slice-1",
                "slice-2 in copy/slice-2");
        assertThat(trail).contains("enter copy", "close copy", "enter copy/slice-0", "close copy/slice-0",
                "enter copy/slice-1", "close copy/slice-1", "enter copy/slice-2", "close copy/slice-2");
    }

    @Test
    void aListenerThatFailsToEnterOrCloseOrReturnsNoScopeDoesNotStopTheRunNorTheOthersScopes() {
        StepScopeListener failsToEnter = new StepScopeListener() {
            @Override
            public void onEvent(UpgradeEvent event) {
            }

            @Override
            public StepScope enterStep(String planId, String stepId, String partitionId) {
                throw new IllegalStateException("no tracer");
            }
        };
        StepScopeListener returnsNull = new StepScopeListener() {
            @Override
            public void onEvent(UpgradeEvent event) {
            }

            @Override
            public StepScope enterStep(String planId, String stepId, String partitionId) {
                return null;
            }
        };
        StepScopeListener failsToClose = new StepScopeListener() {
            @Override
            public void onEvent(UpgradeEvent event) {
            }

            @Override
            public StepScope enterStep(String planId, String stepId, String partitionId) {
                return () -> {
                    throw new IllegalStateException("scope already closed");
                };
            }
        };
        UpgradePlan plan = UpgradePlan.builder("p").step(UpgradeStep.builder("copy").execute(ctx -> { }).build())
                .build();

        UpgradeReport report = runner(recording, failsToEnter, returnsNull, failsToClose).up(plan);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(trail).containsExactly("started copy #1", "enter copy", "close copy");
    }
}
