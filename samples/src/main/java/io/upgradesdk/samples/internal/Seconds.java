package io.upgradesdk.samples.internal;

import java.time.Duration;

/** A duration given on the command line in whole seconds. */
public final class Seconds {

    private Seconds() {
    }

    /**
     * {@code seconds}, the value of {@code option}, as a duration.
     *
     * @throws IllegalArgumentException below one second (a usage error, raised before anything runs),
     *                                  naming the option and the value
     */
    public static Duration atLeastOne(String option, long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException(option + " must be 1 second or more, was " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
