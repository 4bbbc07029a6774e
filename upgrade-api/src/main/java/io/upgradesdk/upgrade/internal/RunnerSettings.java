package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.Scheduler;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.StopSignal;
import io.upgradesdk.upgrade.UpgradeListener;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The runner's immutable configuration, as validated by its builder. {@code scheduler} is the
 * host's heartbeat scheduler, or null when each run starts (and stops) a thread of its own;
 * {@code stopSignal} is never null (a signal nobody raises when the host gave none).
 */
public record RunnerSettings(CheckpointStore store, String owner, RetryPolicy retryPolicy, Confirmation confirmation,
        List<UpgradeListener> listeners, Map<String, Secret> secrets, Clock clock, Sleeper sleeper,
        Duration leaseDuration, Duration lockWait, boolean heartbeat, Scheduler scheduler, boolean adoptChangedPlan,
        StopSignal stopSignal) {
}
