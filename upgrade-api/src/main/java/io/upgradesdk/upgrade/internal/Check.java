package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.regex.Pattern;

/** Validation helpers that throw {@link UpgradeException} with a formatted message. */
public final class Check {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}");

    private Check() {
    }

    public static void argument(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, String.format(template, args));
        }
    }

    public static void plan(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, String.format(template, args));
        }
    }

    public static String stepId(String id) {
        return validId(id, "step id", UpgradeErrorCode.INVALID_PLAN);
    }

    public static String planId(String id) {
        return validId(id, "plan id", UpgradeErrorCode.INVALID_PLAN);
    }

    private static String validId(String id, String what, UpgradeErrorCode code) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new UpgradeException(code, what + " '" + id + "' is invalid: use 1 to 200 characters among"
                    + " letters, digits and . _ : @ / -, starting with a letter or digit");
        }
        return id;
    }
}
