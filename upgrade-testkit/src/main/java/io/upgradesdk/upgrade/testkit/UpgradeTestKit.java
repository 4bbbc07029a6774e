package io.upgradesdk.upgrade.testkit;

/**
 * Where plan authors start: a runner preset for tests and the other tools of the kit.
 *
 * <pre>{@code
 * UpgradeTestRunner t = UpgradeTestKit.runner().confirming().build();
 * UpgradeReport report = t.up(plan);
 * assertThat(report).succeeded();                         // UpgradeAssertions
 * }</pre>
 *
 * @see UpgradeTestRunner the preset
 * @see UpgradeAssertions assertions on reports, checkpoints and events
 * @see PlanState stored states on demand
 * @see CrashPoint in-process crashes
 * @see KillHarness SIGKILL of a plan run in a child JVM
 */
public final class UpgradeTestKit {

    private UpgradeTestKit() {
    }

    /**
     * A runner preset: in-memory store, {@link MutableClock} at 2026-01-01, a sleeper that advances
     * the clock, a {@link RecordingListener}, confirmation denied unless {@code confirming()}, no
     * heartbeat thread, the default retry policy without jitter.
     */
    public static UpgradeTestRunner.Builder runner() {
        return UpgradeTestRunner.builder();
    }
}
