package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.time.Duration;

/**
 * The checks the settings records share; each fails with {@code ES_INVALID_CONFIGURATION} and a
 * message naming the setting, the value and what to give instead.
 */
public final class SettingsChecks {

    private static final String NAME = "[a-z0-9][a-z0-9._-]*";
    private static final String VERSION = "\\d+(\\.\\d+){0,2}";

    private SettingsChecks() {
    }

    /** The error every settings check throws. */
    public static UpgradeException invalid(String message) {
        return new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, message);
    }

    /** Fails with {@code message} when {@code condition} is false. */
    public static void require(boolean condition, String message) {
        if (!condition) {
            throw invalid(message);
        }
    }

    /** An index, alias, repository or snapshot name: lower case letters, digits, '.', '_' or '-'. */
    public static String name(String name, String what) {
        require(name != null && name.matches(NAME),
                what + " name '" + name + "' must be lower case letters, digits, '.', '_' or '-'");
        return name;
    }

    /** A version or version prefix such as {@code example}. */
    public static String version(String version, String setting, String example) {
        require(version != null && version.matches(VERSION),
                setting + " must look like " + example + ", was '" + version + "'");
        return version;
    }

    /** A positive duration. */
    public static Duration positive(Duration duration, String setting) {
        require(duration != null && !duration.isNegative() && !duration.isZero(),
                setting + " must be positive, was " + duration);
        return duration;
    }
}
