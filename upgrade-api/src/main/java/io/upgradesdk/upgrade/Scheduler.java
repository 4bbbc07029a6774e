package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the lease heartbeat: a task repeated at a fixed rate until cancelled. A host hands in its
 * own with {@link UpgradeRunner.Builder#scheduler(Scheduler)}, for example
 * {@code Scheduler.using(hostExecutor)}, and stays its owner: the runner cancels its tasks but never
 * shuts a host's executor down. Without one, each run starts a daemon thread of its own and stops
 * it when the run ends. Tests hand in a scheduler driven by their clock.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Runs {@code task} every {@code period}, the first time one period from now, until the
     * returned handle is cancelled. The runner's tasks catch their own errors.
     */
    Scheduled scheduleAtFixedRate(Runnable task, Duration period);

    /** A repeated task; cancelling it is final and safe to call more than once. */
    @FunctionalInterface
    interface Scheduled {
        void cancel();
    }

    /** A scheduler on the host's executor, which the host keeps and closes. */
    static Scheduler using(ScheduledExecutorService executor) {
        requireNonNull(executor, "executor");
        return (task, period) -> {
            ScheduledFuture<?> future = executor.scheduleAtFixedRate(task, period.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        };
    }
}
