package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeSequence;
import java.nio.file.Path;

/**
 * A sequence the {@link KillHarness} runs in child JVMs and kills, anywhere in any of its plans:
 * {@code KillHarness.forSequence(MySequence.class)}. Same rules as {@link KillablePlan} (public
 * no-argument constructor, everything durable under the trial's folder); a rerun after a kill
 * force-releases the leases the killed run left on the sequence's plans and record.
 *
 * <pre>{@code
 * public class ClusterSequence implements KillableSequence {
 *     public UpgradeSequence sequence(Path work) {
 *         return UpgradeSequence.builder("cluster").plan("a", planA(work)).plan("b", planB(work)).build();
 *     }
 * }
 * }</pre>
 */
public interface KillableSequence extends KillablePlan {

    /** The sequence, built the same way in every run of a trial. */
    UpgradeSequence sequence(Path work) throws Exception;

    /** The sequence's first plan; the harness runs the whole {@link #sequence}. */
    @Override
    default UpgradePlan plan(Path work) throws Exception {
        return sequence(work).plans().get(0);
    }
}
