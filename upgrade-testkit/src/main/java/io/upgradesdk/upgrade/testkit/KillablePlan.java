package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Path;

/**
 * A plan the {@link KillHarness} runs in child JVMs and kills. Implementations need a public
 * no-argument constructor and must be on the test class path; every child builds the plan
 * afresh from the trial's folder, so everything durable (effects, the checkpoint) lives there.
 *
 * <pre>{@code
 * public class OrdersKillablePlan implements KillablePlan {
 *     public UpgradePlan plan(Path work) { return new OrdersUpgrade(new FileOrders(work)).plan(); }
 * }
 * }</pre>
 */
public interface KillablePlan {

    /** The plan, built the same way in every run of a trial; its effects go under {@code work}. */
    UpgradePlan plan(Path work) throws Exception;

    /** Seeds a trial's folder before its first run (source data, say). Nothing by default. */
    default void prepare(Path work) throws Exception {
    }

    /** The durable store every run of a trial shares: a file store in {@code work} by default. */
    default CheckpointStore store(Path work) throws Exception {
        return new FileCheckpointStore(work.resolve("checkpoint.json"));
    }

    /**
     * Further runner settings (retry policy, secrets, ...). The harness has set the store, an
     * owner per process, a confirmation given in advance and a 30 s lease.
     */
    default void configure(UpgradeRunner.Builder runner, Path work) {
    }
}
