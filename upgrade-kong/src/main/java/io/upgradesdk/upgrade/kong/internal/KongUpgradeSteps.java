package io.upgradesdk.upgrade.kong.internal;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.kong.CommandOutput;
import io.upgradesdk.upgrade.kong.KongAdminClient;
import io.upgradesdk.upgrade.kong.KongCli;
import io.upgradesdk.upgrade.kong.KongDatabase;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import io.upgradesdk.upgrade.kong.KongUpgradePath;
import io.upgradesdk.upgrade.kong.KongUpgradeSettings;
import io.upgradesdk.upgrade.kong.KongVersion;
import io.upgradesdk.upgrade.kong.MigrationState;
import io.upgradesdk.upgrade.kong.SchemaMetaRow;
import io.upgradesdk.upgrade.kong.SubsystemMigrations;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The steps of a Kong upgrade plan, closing over validated {@link KongUpgradeSettings} and the
 * runtime options of the {@code KongUpgrade} that builds them.
 */
public final class KongUpgradeSteps {

    private final KongUpgradeSettings s;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final Function<URI, KongAdminClient> adminClients;
    private final PlanDatabaseLock lock;

    public KongUpgradeSteps(KongUpgradeSettings settings, Sleeper sleeper, Duration pollInterval,
            Function<URI, KongAdminClient> adminClients) {
        this.s = settings;
        this.sleeper = sleeper;
        this.pollInterval = pollInterval;
        this.adminClients = adminClients;
        this.lock = new PlanDatabaseLock(s.database().dataSource(), s.database().schema().orElse(null), s.planId());
    }

    /** The plan lock the steps of {@link #plan()} take in Kong's database (its owner releases it at close). */
    public PlanDatabaseLock lock() {
        return lock;
    }

    /**
     * Preflight and backup, then the strategy's own steps, each run under the plan lock in Kong's
     * database (see {@link DatabaseLockedStep}).
     */
    public UpgradePlan plan() {
        UpgradePlan.Builder plan = UpgradePlan.builder(s.planId());
        s.secrets().forEach(plan::secret);
        List<UpgradeStep> steps = new ArrayList<>(List.of(preflight(), backup()));
        steps.addAll(switch (s.strategy()) {
            case IN_PLACE -> inPlace();
            case BLUE_GREEN -> blueGreen();
            case DUAL_CLUSTER -> dualCluster();
        });
        return plan.steps(DatabaseLockedStep.wrap(steps, lock)).build();
    }

    private List<UpgradeStep> inPlace() {
        UpgradeStep stopOldNodes = UpgradeStep.builder("stop-old-nodes")
                .description("Stop the old Kong nodes (downtime starts)")
                .execute(ctx -> s.deployment().stopOldNodes())
                .compensation(ctx -> s.deployment().startOldNodes()).build();
        return List.of(stopOldNodes, migrationsUp(s.database()), migrationsFinish(s.database(), Phase.FINISH, true),
                startNewNodes(Phase.FINISH), waitReady(Phase.FINISH), postCheck(s.database()));
    }

    private List<UpgradeStep> blueGreen() {
        return List.of(migrationsUp(s.database()), startNewNodes(Phase.UP), waitReady(Phase.UP), shiftTraffic(),
                migrationsFinish(s.database(), Phase.FINISH, true), decommission(false), postCheck(s.database()));
    }

    private List<UpgradeStep> dualCluster() {
        KongDatabase newDatabase = s.newDatabase().orElseThrow();
        UpgradeStep restore = UpgradeStep.builder("restore-new-database")
                .description("Restore the backup into the new cluster's database")
                .execute(ctx -> s.restore().orElseThrow().restore(ctx)).build();
        return List.of(restore, migrationsUp(newDatabase), migrationsFinish(newDatabase, Phase.UP, false),
                startNewNodes(Phase.UP), waitReady(Phase.UP), shiftTraffic(), decommission(true),
                postCheck(newDatabase));
    }

    // ------------------------------------------------------------------ preflight

    private UpgradeStep preflight() {
        return UpgradeStep.builder("preflight")
                .description("Check the running version, the upgrade path and the database state")
                .execute(ctx -> check())
                .dryRun(ctx -> {
                    KongUpgradePath path = check();
                    Map<String, String> details = new LinkedHashMap<>();
                    details.put("from", path.from().toString());
                    details.put("to", s.target().toString());
                    details.put("strategy", s.strategy().name());
                    details.put("kind", path.kind().name());
                    return List.of(PlannedAction.of("check", "kong " + path.from() + " -> " + s.target(), details));
                }).build();
    }

    private KongUpgradePath check() {
        KongVersion source = s.oldNode().info().version();
        requireExpectedSource(source);
        KongUpgradePath path = requireSupportedPath(source);
        requireNoPendingMigrations(source);
        requireDatabaseNotNewerThanTarget();
        return path;
    }

    /**
     * Refuses a database that records migrations the target release does not know (and no earlier
     * one dropped): a newer Kong migrated it, so this "upgrade" would run an older release on it.
     */
    private void requireDatabaseNotNewerThanTarget() {
        s.database().find(s.target()).filter(MigrationState::isNewerThanCode).ifPresent(state -> {
            throw new UpgradeException(KongErrorCode.DATABASE_NEWER_THAN_CODE, "database newer than target: it"
                    + " records migrations Kong " + s.target() + " does not know " + state.newerRecorded() + "; a"
                    + " newer Kong migrated it, so running " + s.target() + " on it would be a downgrade. Nothing was"
                    + " changed. Target the Kong version that migrated it (or a later one), or restore a backup taken"
                    + " before that upgrade");
        });
    }

    private void requireExpectedSource(KongVersion source) {
        s.expectedSource().filter(expected -> source.compareTo(expected) != 0).ifPresent(expected -> {
            throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "the old node " + s.oldNode().base()
                    + " runs Kong " + source + ", not " + expected + " as the plan expects; fix the plan's source version");
        });
    }

    private KongUpgradePath requireSupportedPath(KongVersion source) {
        KongUpgradePath path = s.paths().requireDirect(source, s.target());
        if (path.needsForce() && !s.force()) {
            throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "Kong " + source + " is a release candidate: "
                    + "its migrations must be re-applied with 'kong migrations up --force'; set force(true) on the plan");
        }
        if (!path.strategies().contains(s.strategy())) {
            throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "strategy " + s.strategy() + " is not supported "
                    + "from " + source + " to " + s.target() + " (allowed: " + path.strategies() + "): " + path.notes());
        }
        return path;
    }

    private void requireNoPendingMigrations(KongVersion source) {
        List<SchemaMetaRow> rows = s.database().rows();
        if (rows == null) {
            throw new UpgradeException(KongErrorCode.NEEDS_BOOTSTRAP, "Kong's database has no schema_meta table: "
                    + "it was never bootstrapped (or is older than 1.0); there is nothing to upgrade");
        }
        List<String> pending = new ArrayList<>();
        for (SchemaMetaRow row : rows) {
            row.pending().forEach(p -> pending.add(row.subsystem() + "/" + p));
        }
        if (!pending.isEmpty()) {
            throw new UpgradeException(KongErrorCode.PENDING_MIGRATIONS, "the database has pending migrations of a "
                    + "previous upgrade " + pending + ": run 'kong migrations finish' with Kong " + source
                    + " (and all its plugins) first, then plan this upgrade again");
        }
    }

    private UpgradeStep backup() {
        return UpgradeStep.builder("backup").description("Back up Kong's database (migrations are irreversible)")
                .execute(ctx -> s.backup().backup(ctx))
                .dryRun(ctx -> List.of(PlannedAction.of("backup", "kong database"))).build();
    }

    // ------------------------------------------------------------------ migrations

    /** Each line Kong prints while it migrates: a notice of the step ("kong migrations up: ..."). */
    private static Consumer<String> notices(StepContext ctx, String subcommand) {
        return line -> ctx.progress(0, -1, "kong migrations " + subcommand + ": " + line);
    }

    private UpgradeStep migrationsUp(KongDatabase db) {
        return UpgradeStep.builder("migrations-up")
                .description("kong migrations up (non-destructive; old and new nodes can share the database)")
                .execute(ctx -> {
                    checkCommand("up", s.cli().migrations("up", s.force() ? List.of("--force") : List.of(),
                            notices(ctx, "up")));
                    db.find(s.target()).filter(MigrationState::hasNew).ifPresent(state -> {
                        throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "'kong migrations up' "
                                + "exited 0 but these migrations are still new:\n"
                                + MigrationState.render(state.newMigrations()) + "\nCheck that the CLI runs "
                                + "with the same plugins and config as the new nodes, then run again");
                    });
                })
                .dryRun(ctx -> plannedMigrations(db, "migrations up", MigrationState::newMigrations))
                .build();
    }

    private UpgradeStep migrationsFinish(KongDatabase db, Phase phase, boolean pointOfNoReturn) {
        var step = UpgradeStep.builder(phase == Phase.FINISH ? "migrations-finish" : "migrations-finish-new-database")
                .description("kong migrations finish (destructive teardowns; old nodes can no longer use this database)")
                .phase(phase)
                .execute(ctx -> {
                    checkCommand("finish", s.cli().migrations("finish", List.of(), notices(ctx, "finish")));
                    db.find(s.target()).filter(state -> state.exitCode() != 0).ifPresent(state -> {
                        throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "'kong migrations finish'"
                                + " exited 0 but 'list' would exit " + state.exitCode() + "; check the CLI's plugins");
                    });
                })
                .dryRun(ctx -> plannedMigrations(db, "migrations finish", MigrationState::pending));
        if (pointOfNoReturn) {
            step.pointOfNoReturn();
        }
        return step.build();
    }

    /** One planned action per subsystem in the {@code category}, or one for all when the version is not catalogued. */
    private List<PlannedAction> plannedMigrations(KongDatabase db, String action,
            Function<MigrationState, List<SubsystemMigrations>> category) {
        return db.find(s.target()).map(state -> category.apply(state).stream()
                .map(m -> PlannedAction.of(action, m.subsystem(), Map.of("migrations", String.join(", ", m.migrations()))))
                .toList()).orElse(List.of(PlannedAction.of(action, "all subsystems")));
    }

    private static void checkCommand(String sub, CommandOutput out) {
        if ((out.stdout() + out.stderr()).contains(KongCli.ANOTHER_NODE)) {
            throw new UpgradeException(KongErrorCode.LOCK_HELD, "'kong migrations " + sub + "' did nothing: "
                    + KongCli.ANOTHER_NODE + " (Kong exits 0 here). Make sure only one job runs migrations; "
                    + "the step is retried");
        }
        if (out.exitCode() != 0) {
            throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "'kong migrations " + sub + "' exited "
                    + out.exitCode() + ": " + (out.stderr().isBlank() ? out.stdout() : out.stderr()).strip()
                    + ". Fix the cause and run the plan again (Kong migrations are re-entrant)");
        }
    }

    // ------------------------------------------------------------------ nodes and traffic

    private UpgradeStep startNewNodes(Phase phase) {
        return UpgradeStep.builder("start-new-nodes").description("Start the Kong " + s.target() + " nodes")
                .phase(phase)
                .execute(ctx -> s.deployment().startNewNodes())
                .build();
    }

    private UpgradeStep waitReady(Phase phase) {
        return UpgradeStep.builder("wait-new-nodes-ready")
                .description("Wait until every new node answers /status/ready (or /status) and runs " + s.target())
                .phase(phase)
                .execute(this::awaitReady).build();
    }

    private void awaitReady(StepContext ctx) throws InterruptedException {
        long deadline = System.nanoTime() + s.readyTimeout().toNanos();
        List<URI> nodes = s.deployment().newNodes();
        if (nodes.isEmpty()) {
            throw new UpgradeException(KongErrorCode.NODE_NOT_READY, "the deployment reports no new nodes; "
                    + "KongDeployment.newNodes() must list their Admin API URLs");
        }
        for (URI uri : nodes) {
            awaitReady(ctx, uri, nodes.size(), deadline);
        }
    }

    /** Polls one node until it is ready and runs the target version, or fails at the deadline. */
    private void awaitReady(StepContext ctx, URI uri, int nodeCount, long deadline) throws InterruptedException {
        KongAdminClient node = adminClients.apply(uri);
        while (true) {
            String last = notReadyReason(node);
            if (last == null) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new UpgradeException(KongErrorCode.NODE_NOT_READY, "new node " + uri + " is not ready after "
                        + s.readyTimeout() + " (" + last + "); check its logs, then run the plan again");
            }
            ctx.progress(0, nodeCount, uri + ": " + last);
            sleeper.sleep(pollInterval);
        }
    }

    /** Null when the node is ready and runs the target version, else why not. */
    private String notReadyReason(KongAdminClient node) {
        try {
            KongAdminClient.Readiness r = node.readiness();
            if (!r.ready()) {
                return r.reason();
            }
            KongVersion running = node.info().version();
            return running.compareTo(s.target()) == 0 ? null : "runs " + running + ", not " + s.target();
        } catch (UpgradeException e) {
            return e.getMessage();
        }
    }

    private UpgradeStep shiftTraffic() {
        return UpgradeStep.builder("shift-traffic").description("Shift traffic to the new nodes (host hook)")
                .execute(ctx -> s.traffic().orElseThrow().shiftToNew())
                .compensation(ctx -> s.traffic().orElseThrow().shiftBack()).build();
    }

    private UpgradeStep decommission(boolean pointOfNoReturn) {
        var step = UpgradeStep.builder("decommission-old-nodes").description("Decommission the old Kong nodes")
                .phase(Phase.FINISH)
                .execute(ctx -> s.deployment().decommissionOldNodes());
        if (pointOfNoReturn) {
            step.pointOfNoReturn();
        }
        return step.build();
    }

    private UpgradeStep postCheck(KongDatabase db) {
        return UpgradeStep.builder("post-check").description("Check the database is up to date for " + s.target())
                .phase(Phase.FINISH)
                .execute(ctx -> {
                    db.find(s.target()).filter(state -> state.exitCode() != 0).ifPresent(state -> {
                        throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "after the upgrade "
                                + "'kong migrations list' would exit " + state.exitCode() + ":\n"
                                + state.listOutput(s.target().toString()).stdout());
                    });
                    CommandOutput list = s.cli().migrations("list", List.of());
                    if (list.exitCode() != 0) {
                        throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "'kong migrations list' exited "
                                + list.exitCode() + " after the upgrade: " + list.stdout().strip());
                    }
                }).build();
    }
}
