package io.upgradesdk.upgrade.spring.boot.internal;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.function.Consumer;

/** Hands a property's value to an SDK builder, so that a value the SDK refuses names its property. */
public final class PropertyCheck {

    private PropertyCheck() {
    }

    /** Passes {@code value} to {@code setter} unless it is null (unset: the SDK's default stays). */
    public static <T> void apply(String property, T value, Consumer<? super T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (UpgradeException e) {
            throw invalid(property, value, e.getMessage(), e);
        }
    }

    /** An {@code INVALID_CONFIGURATION} error naming the property, its value and why. */
    public static UpgradeException invalid(String property, Object value, String why, Throwable cause) {
        return new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "property " + property + "=" + value
                + " is invalid: " + why + "; correct it in the application's properties or environment", cause);
    }
}
