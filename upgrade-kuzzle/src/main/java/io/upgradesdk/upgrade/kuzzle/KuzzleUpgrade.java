package io.upgradesdk.upgrade.kuzzle;

import static java.util.Objects.requireNonNull;

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
 * try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
 *     UpgradePlan plan = kuzzle.upgradePlan(settings);
 *     UpgradeRunner runner = UpgradeRunner.builder().store(new FileCheckpointStore(path)).build();
 *     System.out.println(runner.preview(plan));
 *     runner.up(plan).throwIfFailed();
 * }
 * }</pre>
 *
 * <p>Steps: {@code kuzzle-inventory} (refuses bad names, colliding names, existing targets, a
 * "separate" target that is the source, before anything is written), {@code kuzzle-config},
 * {@code kuzzle-internal-storage}, {@code kuzzle-plugin-storages}, {@code kuzzle-public-storages}
 * (each resumable per collection), {@code kuzzle-cache}, {@code kuzzle-verify} and, in-place with a
 * destroy policy, the FINISH step {@code kuzzle-destroy-v1}, the point of no return.
 *
 * <p>Each step opens the Elasticsearch and Redis connections it needs and closes them when it
 * ends, so an instance holds no connection of its own: {@link #close()} has nothing to release
 * today, and plans stay usable after it.
 */
public final class KuzzleUpgrade implements AutoCloseable {

    private KuzzleUpgrade() {
    }

    /** An instance with the default runtime options; the same as {@code builder().build()}. */
    public static KuzzleUpgrade create() {
        return builder().build();
    }

    /** A builder for the runtime options (none yet: host-provided clients will go here). */
    public static Builder builder() {
        return new Builder();
    }

    /** The plan for these settings; connections are opened by each step and closed after it. */
    public UpgradePlan upgradePlan(KuzzleUpgradeSettings settings) {
        requireNonNull(settings, "settings");
        return KuzzlePlanFactory.build(settings, new LiveConnectors(settings));
    }

    /** Releases what this instance opened itself: nothing yet, steps close their own connections. */
    @Override
    public void close() {
    }

    /** Runtime options of a {@link KuzzleUpgrade} (how to reach servers, not what to upgrade). */
    public static final class Builder {

        private Builder() {
        }

        /** The instance. */
        public KuzzleUpgrade build() {
            return new KuzzleUpgrade();
        }
    }
}
