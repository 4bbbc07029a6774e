package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;

/**
 * Ends an operation early without a step failure of its own (lease lost, interrupted, checkpoint
 * not saved). A started run reports it; before the start, or in a recovery operation, it is thrown
 * as the {@link UpgradeException} of {@link #toException()}.
 */
final class StopRun extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient UpgradeErrorCode code;

    StopRun(UpgradeErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    UpgradeErrorCode code() {
        return code;
    }

    UpgradeException toException() {
        return new UpgradeException(code, getMessage());
    }
}
