package io.upgradesdk.upgrade.spring.boot;

import io.upgradesdk.upgrade.UpgradeException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/** Reads why a test context failed to start. */
final class StartupFailures {

    private StartupFailures() {
    }

    /** The outermost {@link UpgradeException} in the failure's cause chain (what the SDK said). */
    static UpgradeException upgradeFailure(AssertableApplicationContext context) {
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            if (t instanceof UpgradeException e) {
                return e;
            }
        }
        throw new AssertionError("the context did not fail with an UpgradeException: " + context.getStartupFailure());
    }

    /** The messages of the failure and all its causes, outermost first. */
    static List<String> messages(AssertableApplicationContext context) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
