package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Separates transient failures (worth retrying) from permanent ones (retrying cannot help).
 *
 * <pre>{@code ErrorClassifier.defaults().or(e -> e instanceof ResponseException r && r.status() == 429)}</pre>
 */
@FunctionalInterface
public interface ErrorClassifier {

    /** True when retrying after {@code error} may succeed. */
    boolean isTransient(Throwable error);

    /**
     * The default: I/O errors, timeouts and {@link UpgradeException}s whose code is transient,
     * found anywhere in the cause chain; everything else is permanent.
     */
    static ErrorClassifier defaults() {
        return error -> {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof UpgradeException e) {
                    return e.isTransient();
                }
                if (t instanceof IOException || t instanceof TimeoutException) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Every error is permanent: no step is ever retried. */
    static ErrorClassifier nothingIsTransient() {
        return error -> false;
    }

    /** Transient when this or {@code other} says so. */
    default ErrorClassifier or(ErrorClassifier other) {
        requireNonNull(other, "other");
        return error -> isTransient(error) || other.isTransient(error);
    }
}
