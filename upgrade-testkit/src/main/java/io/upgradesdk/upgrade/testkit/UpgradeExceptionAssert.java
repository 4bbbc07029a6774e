package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.ErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import org.assertj.core.api.AbstractThrowableAssert;

/** Assertions on a thrown {@link UpgradeException}: its stable code and its message. */
public final class UpgradeExceptionAssert extends AbstractThrowableAssert<UpgradeExceptionAssert, UpgradeException> {

    UpgradeExceptionAssert(UpgradeException actual) {
        super(actual, UpgradeExceptionAssert.class);
    }

    public UpgradeExceptionAssert hasCode(ErrorCode code) {
        isNotNull();
        if (!actual.code().id().equals(code.id())) {
            failWithMessage("expected code %s but got %s: %s", code.id(), actual.code().id(), actual.getMessage());
        }
        return this;
    }
}
