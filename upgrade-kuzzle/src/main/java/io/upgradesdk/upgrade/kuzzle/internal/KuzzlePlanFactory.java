package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.kuzzle.DestroyPolicy;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.kuzzle.internal.CollectionMove.Kind;

/** Assembles the Kuzzle plan from settings and connectors. */
public final class KuzzlePlanFactory {

    /** Step ids, in order. */
    public static final String INVENTORY = "kuzzle-inventory";
    public static final String CONFIG = "kuzzle-config";
    public static final String INTERNAL = "kuzzle-internal-storage";
    public static final String PLUGINS = "kuzzle-plugin-storages";
    public static final String PUBLIC = "kuzzle-public-storages";
    public static final String SETTLE = "kuzzle-settle-storages";
    public static final String CACHE = "kuzzle-cache";
    public static final String VERIFY = "kuzzle-verify";
    public static final String DESTROY = "kuzzle-destroy-v1";

    private KuzzlePlanFactory() {
    }

    public static UpgradePlan build(KuzzleUpgradeSettings settings, Connectors connectors) {
        KuzzleSteps steps = new KuzzleSteps(settings, connectors);
        UpgradePlan.Builder plan = UpgradePlan.builder(settings.planId())
                .step(UpgradeStep.builder(INVENTORY)
                        .description("Check source names, endpoints and targets before writing anything")
                        .execute(steps::inventory).dryRun(steps::inventoryDryRun).build())
                .step(UpgradeStep.builder(CONFIG)
                        .description("Convert the v1 .kuzzlerc and write the Kuzzle 2 file next to it")
                        .execute(steps::config).dryRun(steps::configDryRun).build())
                .step(storageStep(steps, INTERNAL, Kind.INTERNAL,
                        "Copy %kuzzle into %kuzzle.<collection> and write the bootstrap markers"))
                .step(partitionedStep(steps, settings, PLUGINS, Kind.PLUGIN,
                        "Copy %plugin:<name> storages into %plugin-<name>.<collection>, one partition per slice"))
                .step(partitionedStep(steps, settings, PUBLIC, Kind.PUBLIC,
                        "Copy public <index>/<Type> collections into &<index>.<collection>, one partition per slice"))
                .step(UpgradeStep.builder(SETTLE)
                        .description("Turn periodic refresh back on for the plugin and public targets and refresh them")
                        .execute(steps::settleStorages).dryRun(steps::settleStoragesDryRun).build())
                .step(UpgradeStep.builder(CACHE)
                        .description("Move token keys repos/%kuzzle/token/* to repos/kuzzle/token/* with their TTL")
                        .execute(steps::cache).dryRun(steps::cacheDryRun).build())
                .step(UpgradeStep.builder(VERIFY)
                        .description("Compare counts and sample documents per collection, count tokens, write the report")
                        .execute(steps::verify).build());
        if (settings.inPlace() && settings.destroyPolicy() != DestroyPolicy.NOTHING) {
            plan.step(UpgradeStep.builder(DESTROY)
                    .description("Delete the v1 structure (" + settings.destroyPolicy() + "): cannot be undone")
                    .phase(Phase.FINISH).pointOfNoReturn()
                    .execute(steps::destroy).dryRun(steps::destroyDryRun).build());
        }
        return plan.build();
    }

    /**
     * The step that copies every collection of one storage kind in partitions (collection × slice)
     * that this run's workers, and those of processes joining it, claim.
     */
    private static UpgradeStep partitionedStep(KuzzleSteps steps, KuzzleUpgradeSettings settings, String id, Kind kind,
            String description) {
        return UpgradeStep.partitioned(id).description(description)
                .partitions(ctx -> steps.storagePartitions(kind, ctx))
                .execute(part -> steps.copyStoragePartition(kind, part))
                .workers(settings.workers())
                .dryRun(ctx -> steps.storageDryRun(kind, ctx)).build();
    }

    /** The step that copies every collection of one storage kind. */
    private static UpgradeStep storageStep(KuzzleSteps steps, String id, Kind kind, String description) {
        return UpgradeStep.builder(id).description(description)
                .execute(ctx -> steps.storage(kind, ctx))
                .dryRun(ctx -> steps.storageDryRun(kind, ctx)).build();
    }
}
