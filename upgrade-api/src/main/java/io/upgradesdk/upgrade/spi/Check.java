package io.upgradesdk.upgrade.spi;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.regex.Pattern;

/**
 * Argument checks that throw {@link UpgradeException} with the SDK's error codes, for those who
 * write a store or a step library: a store's builder validates its settings with
 * {@link #argument}, and a store checks the plan ids it is handed with {@link #planId}, so that
 * its errors carry the same codes and wording as the built-in stores'.
 *
 * <pre>{@code
 * Check.argument(keyPrefix != null && !keyPrefix.isBlank(),
 *         "keyPrefix must not be blank, was '%s'", keyPrefix);          // INVALID_CONFIGURATION
 * String key = keyPrefix + Check.planId(planId);                       // INVALID_PLAN if malformed
 * }</pre>
 *
 * <p>Messages are {@link String#format} templates: say what is wrong and how to fix it.
 */
public final class Check {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}");

    private Check() {
    }

    /**
     * Refuses a wrong setting or argument.
     *
     * @throws UpgradeException {@code INVALID_CONFIGURATION} with the formatted message when
     *         {@code condition} is false
     */
    public static void argument(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, String.format(template, args));
        }
    }

    /**
     * Refuses a malformed plan or step.
     *
     * @throws UpgradeException {@code INVALID_PLAN} with the formatted message when
     *         {@code condition} is false
     */
    public static void plan(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, String.format(template, args));
        }
    }

    /**
     * Returns {@code id} if it is a valid step id: 1 to 200 characters among letters, digits and
     * {@code . _ : @ / -}, starting with a letter or digit.
     *
     * @throws UpgradeException {@code INVALID_PLAN} otherwise
     */
    public static String stepId(String id) {
        return validId(id, "step id", UpgradeErrorCode.INVALID_PLAN);
    }

    /**
     * Returns {@code id} if it is a valid plan id (the same rule as {@link #stepId}); a store may
     * rely on it to build file names or keys.
     *
     * @throws UpgradeException {@code INVALID_PLAN} otherwise
     */
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
