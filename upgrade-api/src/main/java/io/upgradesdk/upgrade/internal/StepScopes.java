package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.StepScopeListener;
import java.util.function.Consumer;

/**
 * The scopes the {@link StepScopeListener}s entered for one step attempt on one thread, closed
 * together in reverse order on that thread; one that fails to close does not keep the others open.
 */
final class StepScopes implements AutoCloseable {

    /** No listener wraps steps: nothing entered, nothing to close. */
    static final StepScopes NONE = new StepScopes(new StepScopeListener.StepScope[0], e -> { });

    private final StepScopeListener.StepScope[] entered;
    private final Consumer<RuntimeException> onCloseFailure;

    /** {@code entered} may hold nulls: listeners that failed to enter. */
    StepScopes(StepScopeListener.StepScope[] entered, Consumer<RuntimeException> onCloseFailure) {
        this.entered = entered;
        this.onCloseFailure = onCloseFailure;
    }

    @Override
    public void close() {
        for (int i = entered.length - 1; i >= 0; i--) {
            if (entered[i] != null) {
                try {
                    entered[i].close();
                } catch (RuntimeException e) {
                    onCloseFailure.accept(e);
                }
            }
        }
    }
}
