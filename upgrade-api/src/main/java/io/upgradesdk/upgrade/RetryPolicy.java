package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.time.Duration;

/**
 * How a step is retried: at most {@link #maxAttempts()} attempts, waiting an exponentially
 * growing, jittered backoff between them, and only after errors the {@link #classifier()} calls
 * transient. Immutable; built with {@link #custom()}.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.custom()
 *     .maxAttempts(5)
 *     .initialBackoff(Duration.ofSeconds(1))
 *     .multiplier(2.0)
 *     .maxBackoff(Duration.ofSeconds(30))
 *     .jitter(0.5)
 *     .classifier(ErrorClassifier.defaults().or(e -> e instanceof MyBusyException))
 *     .build();
 * }</pre>
 */
public final class RetryPolicy {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final double DEFAULT_JITTER = 0.5;

    private static final RetryPolicy DEFAULTS = custom().build();
    private static final RetryPolicy NONE = custom().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final ErrorClassifier classifier;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.multiplier = b.multiplier;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.classifier = b.classifier;
    }

    /** 3 attempts, 500 ms doubling up to 30 s, 50 % jitter, the default classifier. */
    public static RetryPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** One attempt only. */
    public static RetryPolicy none() {
        return NONE;
    }

    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(RetryPolicy base) {
        return new Builder().maxAttempts(base.maxAttempts).initialBackoff(base.initialBackoff)
                .multiplier(base.multiplier).maxBackoff(base.maxBackoff).jitter(base.jitter)
                .classifier(base.classifier);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Randomisation factor in [0, 1): each wait is the backoff ± this fraction. */
    public double jitter() {
        return jitter;
    }

    public ErrorClassifier classifier() {
        return classifier;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", multiplier="
                + multiplier + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + "]";
    }

    /** Validating builder; each setter rejects a bad value at once. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter = DEFAULT_JITTER;
        private ErrorClassifier classifier = ErrorClassifier.defaults();

        private Builder() {
        }

        public Builder maxAttempts(int maxAttempts) {
            Check.argument(maxAttempts >= 1, "maxAttempts must be at least 1 (1 = no retry), was %s", maxAttempts);
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder initialBackoff(Duration initialBackoff) {
            Check.argument(initialBackoff != null && !initialBackoff.isNegative(),
                    "initialBackoff must be zero or positive, was %s", initialBackoff);
            this.initialBackoff = initialBackoff;
            return this;
        }

        public Builder multiplier(double multiplier) {
            Check.argument(multiplier >= 1.0, "multiplier must be at least 1.0, was %s", multiplier);
            this.multiplier = multiplier;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            Check.argument(maxBackoff != null && !maxBackoff.isNegative(),
                    "maxBackoff must be zero or positive, was %s", maxBackoff);
            this.maxBackoff = maxBackoff;
            return this;
        }

        public Builder jitter(double jitter) {
            Check.argument(jitter >= 0.0 && jitter < 1.0, "jitter must be in [0, 1), was %s", jitter);
            this.jitter = jitter;
            return this;
        }

        public Builder classifier(ErrorClassifier classifier) {
            this.classifier = requireNonNull(classifier, "classifier");
            return this;
        }

        public RetryPolicy build() {
            Check.argument(maxBackoff.compareTo(initialBackoff) >= 0,
                    "maxBackoff (%s) must not be shorter than initialBackoff (%s)", maxBackoff, initialBackoff);
            return new RetryPolicy(this);
        }
    }
}
