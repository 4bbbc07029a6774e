package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

/**
 * The one unchecked exception root of the SDK. Every instance carries a stable {@link ErrorCode}
 * and a message that names the problem and what to do about it.
 */
public class UpgradeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    public UpgradeException(ErrorCode code, String message) {
        super(message);
        this.code = requireNonNull(code, "code");
    }

    public UpgradeException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = requireNonNull(code, "code");
    }

    /** The stable error code. */
    public ErrorCode code() {
        return code;
    }

    /** Whether the same operation may succeed if retried later. */
    public boolean isTransient() {
        return code.isTransient();
    }

    @Override
    public String toString() {
        return getClass().getName() + ": [" + code.id() + "] " + getMessage();
    }
}
