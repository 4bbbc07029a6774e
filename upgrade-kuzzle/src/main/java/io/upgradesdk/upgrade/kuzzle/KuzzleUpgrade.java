package io.upgradesdk.upgrade.kuzzle;

import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.kuzzle.internal.KuzzlePlanFactory;
import io.upgradesdk.upgrade.kuzzle.internal.LiveConnectors;

/**
 * The entry point of the Kuzzle 1.x → 2.x upgrade: builds the plan from typed settings. Run it with
 * an {@code UpgradeRunner}: {@code preview} for the dry run (source → target names, document
 * counts, config changes, token counts, what needs confirmation), {@code up} for the upgrade,
 * {@code finish} for the optional destruction of the v1 structure (in-place only, confirmed).
 *
 * <pre>{@code
 * UpgradePlan plan = KuzzleUpgrade.plan(settings);
 * UpgradeRunner runner = UpgradeRunner.builder().store(new FileCheckpointStore(path)).build();
 * System.out.println(runner.preview(plan));
 * runner.up(plan).throwIfFailed();
 * }</pre>
 *
 * <p>Steps: {@code kuzzle-inventory} (refuses bad names, colliding names, existing targets, a
 * "separate" target that is the source, before anything is written), {@code kuzzle-config},
 * {@code kuzzle-internal-storage}, {@code kuzzle-plugin-storages}, {@code kuzzle-public-storages}
 * (each resumable per collection), {@code kuzzle-cache}, {@code kuzzle-verify} and, in-place with a
 * destroy policy, the FINISH step {@code kuzzle-destroy-v1}, the point of no return.
 */
public final class KuzzleUpgrade {

    private KuzzleUpgrade() {
    }

    /** The plan for these settings; connections are opened by each step and closed after it. */
    public static UpgradePlan plan(KuzzleUpgradeSettings settings) {
        return KuzzlePlanFactory.build(settings, new LiveConnectors(settings));
    }
}
