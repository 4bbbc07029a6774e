package io.upgradesdk.upgrade.spring.boot.internal;

import static io.upgradesdk.upgrade.spring.boot.internal.PropertyCheck.apply;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.Slf4jMdcListener;
import io.upgradesdk.upgrade.Slf4jUpgradeListener;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.spring.boot.UpgradeProperties;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link UpgradeRunner} bean from the {@code upgrade.*} properties. */
public final class RunnerFactory {

    private RunnerFactory() {
    }

    /** A runner on {@code store} with the host's listener beans; the point of no return runs only if a property says so. */
    public static UpgradeRunner create(UpgradeProperties properties, CheckpointStore store,
            List<UpgradeListener> listeners) {
        UpgradeRunner.Builder builder = UpgradeRunner.builder().store(store).retryPolicy(retryPolicy(properties.retry()))
                .confirmation(properties.confirmPointOfNoReturn() ? Confirmation.givenInAdvance() : Confirmation.deny());
        apply("upgrade.owner", properties.owner(), builder::owner);
        apply("upgrade.lease-duration", properties.leaseDuration(), builder::leaseDuration);
        apply("upgrade.lock-wait", properties.lockWait(), builder::lockWait);
        loggingListeners(properties).forEach(builder::listener);
        listeners.forEach(builder::listener);
        return builder.build();
    }

    /** The SDK's own logging listeners the properties ask for: the events' log lines, the MDC. */
    static List<UpgradeListener> loggingListeners(UpgradeProperties properties) {
        List<UpgradeListener> logging = new ArrayList<>();
        if (properties.logEvents()) {
            logging.add(new Slf4jUpgradeListener());
        }
        if (properties.logMdc()) {
            logging.add(new Slf4jMdcListener());
        }
        return logging;
    }

    static RetryPolicy retryPolicy(UpgradeProperties.Retry retry) {
        RetryPolicy.Builder builder = RetryPolicy.custom();
        apply("upgrade.retry.max-attempts", retry.maxAttempts(), builder::maxAttempts);
        apply("upgrade.retry.initial-backoff", retry.initialBackoff(), builder::initialBackoff);
        apply("upgrade.retry.multiplier", retry.multiplier(), builder::multiplier);
        apply("upgrade.retry.max-backoff", retry.maxBackoff(), builder::maxBackoff);
        apply("upgrade.retry.jitter", retry.jitter(), builder::jitter);
        try {
            return builder.build();
        } catch (UpgradeException e) {
            throw PropertyCheck.invalid("upgrade.retry.max-backoff", retry.maxBackoff(), e.getMessage(), e);
        }
    }
}
