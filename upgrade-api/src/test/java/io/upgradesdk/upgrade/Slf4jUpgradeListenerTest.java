package io.upgradesdk.upgrade;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The built-in listener logs lifecycle at INFO, retries at WARN, failures at ERROR, and never a secret. */
class Slf4jUpgradeListenerTest {

    private final Logger log = mock(Logger.class);

    private UpgradeReport run(UpgradeStep step) {
        return UpgradeRunner.builder().store(new InMemoryCheckpointStore()).heartbeat(false).sleeper(d -> { })
                .retryPolicy(RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ZERO).jitter(0).build())
                .listener(new Slf4jUpgradeListener(log))
                .build().up(UpgradePlan.builder("plan").secret(Secret.of("pw", "hunter2")).step(step).build());
    }

    @Test
    void logsTheLifecycleAtInfo() {
        run(UpgradeStep.builder("copy").execute(ctx -> { }).build());

        verify(log, atLeastOnce()).info(contains("started"), any(), any(), any());
        verify(log).info(contains("succeeded"), any(), any(), any());
        verify(log, never()).error(anyString(), any(Object[].class));
    }

    @Test
    void logsRetriesAtWarnAndFailuresAtErrorWithSecretsMasked() {
        AtomicInteger calls = new AtomicInteger();
        run(UpgradeStep.builder("login").execute(ctx -> {
            calls.incrementAndGet();
            throw new IOException("refused for password " + ctx.secret("pw").reveal());
        }).build());

        verify(log).warn(contains("retrying"), eq("plan"), eq("login"), eq(1), eq(0L),
                eq("IOException: refused for password ****"));
        verify(log).error(contains("failed"), eq("plan"), eq("login"), eq(2),
                eq("IOException: refused for password ****"));
    }
}
