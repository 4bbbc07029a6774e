package io.upgradesdk.upgrade.elasticsearch;

import java.util.Locale;

/** Cluster health colours, ordered from best to worst. */
public enum HealthStatus {
    GREEN, YELLOW, RED;

    /** Parses {@code green}/{@code yellow}/{@code red}. */
    public static HealthStatus parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
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
