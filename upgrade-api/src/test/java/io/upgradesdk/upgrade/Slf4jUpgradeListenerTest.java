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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The built-in listener logs lifecycle at INFO, retries at WARN, failures at ERROR, never a secret,
 * and at INFO one line per quick step rather than one per event.
 */
class Slf4jUpgradeListenerTest {

    private final RecordingLogger log = new RecordingLogger();
    private final TestClock clock = new TestClock();

    private UpgradeReport run(Logger logger, UpgradeStep... steps) {
        return UpgradeRunner.builder().store(new InMemoryCheckpointStore()).heartbeat(false).clock(clock)
                .sleeper(clock::advance)
                .retryPolicy(RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ZERO).jitter(0).build())
                .listener(new Slf4jUpgradeListener(logger))
                .build().up(UpgradePlan.builder("plan").secret(Secret.of("pw", "hunter2")).steps(java.util.List.of(steps)).build());
    }

    private UpgradeReport run(UpgradeStep... steps) {
        return run(log, steps);
    }

    @Test
    void logsTheRunAndEveryStepsStartAtInfo() {
        run(UpgradeStep.builder("copy").execute(ctx -> { }).build());

        assertThat(log.at(Level.INFO, "")).containsExactly(
                "INFO [plan] UP started (lease token 1)",
                "INFO [plan] step copy started",
                "INFO [plan] UP finished: SUCCEEDED in 0 ms");
        assertThat(log.lines).noneMatch(line -> line.startsWith("ERROR") || line.startsWith("WARN"));
    }

    @Test
    void aQuickStepsSuccessIsImpliedAtInfoAndLoggedAtDebug() {
        run(UpgradeStep.builder("a").execute(ctx -> ctx.progress(1, 1, "one")).build(),
                UpgradeStep.builder("b").execute(ctx -> { }).build());

        assertThat(log.at(Level.INFO, "step ")).containsExactly(
                "INFO [plan] step a started",
                "INFO [plan] step a: 1/1 (100%), ETA 0s one",
                "INFO [plan] step b started");
        assertThat(log.at(Level.DEBUG, "succeeded")).containsExactly(
                "DEBUG [plan] step a succeeded in 0 ms (attempts: 1)",
                "DEBUG [plan] step b succeeded in 0 ms (attempts: 1)");
    }

    @Test
    void aSlowStepsSuccessIsLoggedAtInfo() {
        run(UpgradeStep.builder("reindex").execute(ctx -> clock.advance(Duration.ofMillis(1500))).build());

        assertThat(log.at(Level.INFO, "succeeded")).containsExactly(
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
                "INFO [plan] step flaky started",
                "INFO [plan] step flaky started (attempt 2)",
                "INFO [plan] step flaky succeeded in 0 ms (attempts: 2)");
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
