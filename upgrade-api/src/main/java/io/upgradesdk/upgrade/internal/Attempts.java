package io.upgradesdk.upgrade.internal;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.upgradesdk.upgrade.RetryPolicy;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Turns a {@link RetryPolicy} into a resilience4j {@link Retry} whose contexts decide, after each
 * failure, whether and how long to wait. The waiting itself is left to the runner's sleeper.
 */
final class Attempts {

    private final Retry retry;

    Attempts(String name, RetryPolicy policy) {
        SplittableRandom random = new SplittableRandom();
        IntervalFunction backoff = attempt -> backoffMillis(policy, attempt, random);
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(backoff)
                .retryOnException(policy.classifier()::isTransient)
                .build();
        this.retry = Retry.of(name, config);
    }

    /** A fresh decision context for one step execution. */
    Retry.AsyncContext<Void> start() {
        return retry.asyncContext();
    }

    static long backoffMillis(RetryPolicy policy, int attempt, SplittableRandom random) {
        double base = policy.initialBackoff().toMillis() * Math.pow(policy.multiplier(), Math.max(0, attempt - 1));
        double capped = Math.min(base, policy.maxBackoff().toMillis());
        double jittered = policy.jitter() == 0 ? capped
                : capped * (1 + policy.jitter() * (2 * random.nextDouble() - 1));
        return Math.max(0, Math.round(Math.min(jittered, Duration.ofDays(1).toMillis())));
    }
}
