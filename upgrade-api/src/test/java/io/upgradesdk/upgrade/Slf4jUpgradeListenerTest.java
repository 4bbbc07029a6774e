package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The built-in listener logs lifecycle at INFO, retries at WARN, failures at ERROR, never a secret,
 * and at INFO no line per quick step: a plan progress line at a bounded rate, the steps that are
 * slow, retried, resumed or still running, one line for the steps already done.
 */
class Slf4jUpgradeListenerTest {

    private final RecordingLogger log = new RecordingLogger();
    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);

    private UpgradeRunner.Builder runner(Logger logger) {
        return UpgradeRunner.builder().store(store).heartbeat(false).clock(clock).sleeper(clock::advance)
                .retryPolicy(RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ZERO).jitter(0).build())
                .listener(new Slf4jUpgradeListener(logger));
    }

    private static UpgradePlan plan(UpgradeStep... steps) {
        return UpgradePlan.builder("plan").secret(Secret.of("pw", "hunter2")).steps(List.of(steps)).build();
    }

    private UpgradeReport run(Logger logger, UpgradeStep... steps) {
        return runner(logger).build().up(plan(steps));
    }

    /** {@code count} steps s0, s1, ... each taking {@code millis} of the test clock and reporting its progress once. */
    private UpgradeStep[] quickSteps(int count, long millis) {
        UpgradeStep[] steps = new UpgradeStep[count];
        for (int i = 0; i < count; i++) {
            steps[i] = UpgradeStep.builder("s" + i).execute(ctx -> {
                ctx.progress(1, 1, "done");
                clock.advance(Duration.ofMillis(millis));
            }).build();
        }
        return steps;
    }

    private UpgradeReport run(UpgradeStep... steps) {
        return run(log, steps);
    }

    @Test
    void logsTheRunsStartAndEndAndNoLinePerQuickStepAtInfo() {
        run(quickSteps(3, 0));

        assertThat(log.at(Level.INFO, "")).containsExactly(
                "INFO [plan] UP started (lease token 1)",
                "INFO [plan] UP finished: SUCCEEDED in 0 ms (3 step(s) succeeded in this run)");
        assertThat(log.at(Level.DEBUG, "s1")).containsExactly(
                "DEBUG [plan] step s1 started",
                "DEBUG [plan] step s1: 1/1 (100%), ETA 0s done",
                "DEBUG [plan] step s1 succeeded in 0 ms (attempts: 1)");
        assertThat(log.lines).noneMatch(line -> line.startsWith("ERROR") || line.startsWith("WARN"));
    }

    @Test
    void logsAPlanProgressLineWhenAStepStartsTenSecondsOrMoreAfterTheLastOne() {
        run(quickSteps(50, 500));      // 25 s of steps of 0.5 s

        assertThat(log.at(Level.INFO, "")).containsExactly(
                "INFO [plan] UP started (lease token 1)",
                "INFO [plan] 20 step(s) done, step s20 started",
                "INFO [plan] 40 step(s) done, step s40 started",
                "INFO [plan] UP finished: SUCCEEDED in 25000 ms (50 step(s) succeeded in this run)");
    }

    @Test
    void logsStepsAlreadyDoneAsOneLineAndEachAtDebug() {
        UpgradePlan plan = plan(quickSteps(3, 0));
        runner(log).build().up(plan);
        log.lines.clear();

        runner(log).build().up(plan);

        assertThat(log.at(Level.INFO, "")).containsExactly(
                "INFO [plan] UP started (lease token 2)",
                "INFO [plan] 3 steps already done, not run again: s0 .. s2",
                "INFO [plan] UP finished: SUCCEEDED in 0 ms (0 step(s) succeeded in this run)");
        assertThat(log.at(Level.DEBUG, "already done")).containsExactly(
                "DEBUG [plan] step s0 skipped: already done",
                "DEBUG [plan] step s1 skipped: already done",
                "DEBUG [plan] step s2 skipped: already done");
    }

    @Test
    void logsTheStepsAlreadyDoneBeforeTheFirstStepThatRuns() {
        UpgradeStep[] steps = quickSteps(3, 0);
        runner(log).build().up(plan(steps[0], steps[1]));
        log.lines.clear();

        runner(log).adoptCheckpointOfChangedPlan(true).build().up(plan(steps));

        assertThat(log.lines).containsSubsequence(
                "INFO [plan] 2 steps already done, not run again: s0 .. s1",
                "DEBUG [plan] step s2 started");
    }

    @Test
    void namesAStepStillRunningAtEachHeartbeatOnceItRanTenSeconds() {
        UpgradeReport report = withHeartbeat().build().up(plan(UpgradeStep.builder("hangs").execute(ctx -> {
            for (int second = 0; second < 35; second++) {
                clock.advance(Duration.ofSeconds(1));
            }
        }).build()));

        assertThat(report.isSuccess()).isTrue();
        assertThat(log.at(Level.INFO, "still running")).containsExactly(
                "INFO [plan] step hangs still running after 10 s",
                "INFO [plan] step hangs still running after 20 s",
                "INFO [plan] step hangs still running after 30 s");
    }

    @Test
    void aStepStillRunningThatLoggedItsProgressRecentlyIsNamedByItsProgressLines() {
        withHeartbeat().build().up(plan(UpgradeStep.builder("copy").execute(ctx -> {
            for (int second = 0; second < 25; second++) {
                ctx.progress(second, 100, "docs");
                clock.advance(Duration.ofSeconds(1));
            }
        }).build()));

        assertThat(log.at(Level.INFO, "step copy: ")).extracting(line -> line.substring(0, line.indexOf(" (")))
                .containsExactly("INFO [plan] step copy: 1/100", "INFO [plan] step copy: 11/100",
                        "INFO [plan] step copy: 21/100", "INFO [plan] step copy: 24/100");
        assertThat(log.at(Level.INFO, "still running")).isEmpty();
        assertThat(log.at(Level.DEBUG, "still running")).containsExactly(
                "DEBUG [plan] step copy still running after 10 s",
                "DEBUG [plan] step copy still running after 20 s");
    }

    /** A runner whose heartbeat (every 10 s: a third of a 30 s lease) follows the test clock. */
    private UpgradeRunner.Builder withHeartbeat() {
        return runner(log).heartbeat(true).leaseDuration(Duration.ofSeconds(30))
                .scheduler(new ClockDrivenScheduler(clock));
    }

    @Test
    void aQuickStepsProgressAndSuccessAreAtDebug() {
        run(UpgradeStep.builder("a").execute(ctx -> ctx.progress(1, 1, "one")).build(),
                UpgradeStep.builder("b").execute(ctx -> { }).build());

        assertThat(log.at(Level.INFO, "step ")).isEmpty();
        assertThat(log.at(Level.DEBUG, "step a")).containsExactly(
                "DEBUG [plan] step a started",
                "DEBUG [plan] step a: 1/1 (100%), ETA 0s one",
                "DEBUG [plan] step a succeeded in 0 ms (attempts: 1)");
    }

    @Test
    void aSlowStepsProgressOfItsFirstSecondIsLoggedAtInfoBeforeItsSuccess() {
        run(UpgradeStep.builder("reindex").execute(ctx -> {
            ctx.progress(7, 7, "indices");
            clock.advance(Duration.ofMillis(1500));
        }).build());

        assertThat(log.at(Level.INFO, "step reindex")).containsExactly(
                "INFO [plan] step reindex: 7/7 (100%), ETA 0s indices",
                "INFO [plan] step reindex succeeded in 1500 ms (attempts: 1)");
    }

    @Test
    void aFailedStepsLastProgressIsLoggedAtInfoBeforeTheError() {
        run(UpgradeStep.builder("copy").execute(ctx -> {
            ctx.progress(3, 10, "docs");
            throw new IllegalStateException("mapping conflict");
        }).build());

        assertThat(log.lines).containsSubsequence(
                "INFO [plan] step copy: 3/10 (30%) docs",
                "ERROR [plan] step copy failed after 1 attempt(s): IllegalStateException: mapping conflict");
    }

    @Test
    void aReportThatCountsNothingIsANoticeEachLoggedAtInfoWithoutACount() {
        // how Preflight reports deprecation warnings: progress(0, -1, text), in a step that is often quick
        run(UpgradeStep.builder("preflight").execute(ctx -> {
            ctx.progress(0, -1, "deprecation warnings on old: [index.foo]");
            clock.advance(Duration.ofMillis(1200));
            ctx.progress(0, -1, "kept read-only by 8.x (write block): [logs-2019]");
            ctx.progress(0, -1, "deprecation warnings on new: [index.bar]");
        }).build(), UpgradeStep.builder("quick").execute(ctx -> ctx.progress(0, -1, "nothing to check")).build());

        assertThat(log.at(Level.INFO, "step ")).containsExactly(
                "INFO [plan] step preflight: deprecation warnings on old: [index.foo]",
                "INFO [plan] step preflight: kept read-only by 8.x (write block): [logs-2019]",
                "INFO [plan] step preflight: deprecation warnings on new: [index.bar]",
                "INFO [plan] step preflight succeeded in 1200 ms (attempts: 1)",
                "INFO [plan] step quick: nothing to check");
    }

    @Test
    void aNoticeNeitherDelaysNorReplacesTheCountingReportsLines() {
        run(UpgradeStep.builder("copy").execute(ctx -> {
            clock.advance(Duration.ofMillis(1000));
            ctx.progress(10, 100, "docs");
            ctx.progress(0, -1, "source index is read-only");
            clock.advance(Duration.ofMillis(500));
            ctx.progress(20, 100, "docs");
        }).build());

        // (the rate and ETA are left out: the runner measures them from the notice's 0, see ProgressRates)
        assertThat(log.at(Level.INFO, "step copy: ")).extracting(line -> line.replaceAll(", \\S+/s, ETA \\S+", ""))
                .containsExactly(
                        "INFO [plan] step copy: 10/100 (10%) docs",
                        "INFO [plan] step copy: source index is read-only",
                        "INFO [plan] step copy: 20/100 (20%) docs");
    }

    @Test
    void reportsPastTheirTotalAreNotEachAtInfo() {
        // a copy of an index written meanwhile reads more than it counted at its start
        run(UpgradeStep.builder("copy").execute(ctx -> {
            clock.advance(Duration.ofMillis(1000));
            ctx.progress(900, 1000, "orders");
            for (int done = 1000; done <= 1400; done += 100) {
                clock.advance(Duration.ofMillis(100));
                ctx.progress(done, 1000, "orders");
            }
            ctx.progress(50, 200, "customers");
            ctx.progress(200, 200, "customers");
            ctx.progress(200, 200, "invoices");     // copied in one page: its first report is at its total
        }).build());

        assertThat(log.at(Level.INFO, "step copy: ")).extracting(line -> line.substring(0, line.indexOf(" (")))
                .containsExactly("INFO [plan] step copy: 900/1000", "INFO [plan] step copy: 1000/1000",
                        "INFO [plan] step copy: 200/200", "INFO [plan] step copy: 200/200");
    }

    @Test
    void aSlowStepsSuccessIsLoggedAtInfo() {
        run(UpgradeStep.builder("reindex").execute(ctx -> clock.advance(Duration.ofMillis(1500))).build());

        assertThat(log.at(Level.INFO, "step reindex")).containsExactly(
                "INFO [plan] step reindex succeeded in 1500 ms (attempts: 1)");
    }

    @Test
    void aRetriedStepSaysSoAtInfo() {
        AtomicInteger calls = new AtomicInteger();
        run(UpgradeStep.builder("flaky").execute(ctx -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("connection reset");
            }
        }).build());

        assertThat(log.at(Level.WARN, "")).containsExactly(
                "WARN [plan] step flaky attempt 1 failed, retrying in 0 ms: IOException: connection reset");
        assertThat(log.at(Level.INFO, "step flaky")).containsExactly(
                "INFO [plan] step flaky started (attempt 2)",
                "INFO [plan] step flaky succeeded in 0 ms (attempts: 2)");
    }

    @Test
    void aStartResumingFromACursorIsLoggedAtInfo() {
        AtomicInteger calls = new AtomicInteger();
        run(UpgradeStep.builder("copy").execute(ctx -> {
            if (calls.incrementAndGet() == 1) {
                ctx.saveCursor("page-7");
                throw new IOException("connection reset");
            }
        }).build());

        assertThat(log.at(Level.INFO, "step copy started")).containsExactly(
                "INFO [plan] step copy started (attempt 2, resuming from page-7)");
    }

    @Test
    void aLongCursorIsShownByItsStartAndItsLength() {
        String cursor = "{\"i\":0,\"index\":\"orders\",\"scroll\":\"" + "FGluY2x1ZGVfY29udGV4dF91dWlk".repeat(40) + "\"}";
        AtomicInteger calls = new AtomicInteger();
        run(UpgradeStep.builder("copy").execute(ctx -> {
            if (calls.incrementAndGet() == 1) {
                ctx.saveCursor(cursor);
                throw new IOException("connection reset");
            }
        }).build());

        assertThat(log.at(Level.INFO, "step copy started")).containsExactly(
                "INFO [plan] step copy started (attempt 2, resuming from " + cursor.substring(0, 160) + "... ("
                        + cursor.length() + " characters))");
    }

    @Test
    void logsRetriesAtWarnAndFailuresAtErrorWithSecretsMasked() {
        run(UpgradeStep.builder("login").execute(ctx -> {
            throw new IOException("refused for password " + ctx.secret("pw").reveal());
        }).build());

        assertThat(log.at(Level.WARN, "login")).containsExactly("WARN [plan] step login attempt 1 failed, retrying in"
                + " 0 ms: IOException: refused for password ****");
        assertThat(log.at(Level.ERROR, "login")).containsExactly("ERROR [plan] step login failed after 2 attempt(s):"
                + " IOException: refused for password ****");
        assertThat(log.lines).noneMatch(line -> line.contains("hunter2"));
    }

    @Test
    void buildsNoInfoOrDebugLineWhenOnlyWarningsAreEnabled() {
        Logger warnOnly = mock(Logger.class);
        when(warnOnly.isWarnEnabled()).thenReturn(true);
        when(warnOnly.isErrorEnabled()).thenReturn(true);

        run(warnOnly, UpgradeStep.builder("copy").execute(ctx -> ctx.progress(5, 10, "orders")).build());

        verify(warnOnly, never()).info(anyString(), any(Object[].class));
        verify(warnOnly, never()).info(anyString(), any(), any());
        verify(warnOnly, never()).info(anyString(), any(Object.class));
        verify(warnOnly, never()).debug(anyString(), any(Object[].class));
    }
}
