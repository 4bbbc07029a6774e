package io.upgradesdk.upgrade.elasticsearch;

import java.util.Locale;

/** Cluster health colours, ordered from best to worst. */
public enum HealthStatus {
    GREEN, YELLOW, RED;

    /**
     * Parses {@code green}/{@code yellow}/{@code red} (any case).
     *
     * @throws IllegalArgumentException for anything else, listing the accepted values
     */
    public static HealthStatus parse(String text) {
        for (HealthStatus status : values()) {
            if (text != null && status.name().equalsIgnoreCase(text.trim())) {
                return status;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a cluster health; accepted values: green, yellow, red");
    }

    /** True when this status is at least as good as {@code minimum}. */
    public boolean isAtLeast(HealthStatus minimum) {
        return ordinal() <= minimum.ordinal();
    }

    /** The lower-case form used in the REST API. */
    public String apiValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
