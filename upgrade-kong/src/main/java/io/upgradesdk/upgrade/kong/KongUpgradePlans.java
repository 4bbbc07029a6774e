package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a Kong upgrade as an {@link UpgradePlan} for the SDK's runner, per Kong's documented
 * strategies:
 * <ul>
 *   <li><b>in-place</b>: preflight, backup, stop old nodes, {@code migrations up}; finish phase:
 *       {@code migrations finish} (point of no return), start new nodes, wait until ready, post-checks;</li>
 *   <li><b>blue/green</b> (same database): preflight, backup, {@code migrations up}, start new nodes,
 *       wait until ready, shift traffic (compensated by shifting back); finish phase:
 *       {@code migrations finish} (point of no return), decommission old nodes, post-checks;</li>
 *   <li><b>dual-cluster</b>: preflight, backup, restore into the new database, {@code up} and
 *       {@code finish} on it, start new nodes, wait, shift traffic; finish phase: decommission the
 *       old cluster (point of no return), post-checks.</li>
 * </ul>
 * Preflight reads the running version from the old node's Admin API ({@code GET /}), applies the
 * path rules ({@link KongUpgradePaths}), and refuses a database that still has pending migrations
 * of a previous upgrade (any {@code schema_meta.pending}, loaded plugin or not). Kong's "another
 * node is performing database changes" (which exits 0) counts as not done ({@code KONG_LOCK_HELD},
 * retried), and every command is checked against the database state afterwards.
 */
public final class KongUpgradePlans {

    private KongUpgradePlans() {
    }

    public static Builder builder(String planId) {
        return new Builder(planId);
    }

    /** Validating builder of a Kong upgrade plan. */
    public static final class Builder {
        private final String planId;
        private Strategy strategy;
        private KongVersion target;
        private KongVersion expectedSource;
        private KongAdminClient oldNode;
        private KongDatabase database;
        private KongDatabase newDatabase;
        private KongCli cli;
        private KongDeployment deployment;
        private TrafficShift traffic;
        private KongBackup backup;
        private KongRestore restore;
        private KongUpgradePaths paths;
        private Duration readyTimeout = Duration.ofMinutes(5);
        private Duration pollInterval = Duration.ofSeconds(2);
        private Sleeper sleeper = Sleeper.system();
        private Function<URI, KongAdminClient> adminClients = KongAdminClient::of;
        private boolean force;
        private final List<io.upgradesdk.upgrade.Secret> secrets = new ArrayList<>();

        private Builder(String planId) {
            this.planId = Objects.requireNonNull(planId, "planId");
        }

        /** Required: in-place, dual-cluster or blue/green. */
        public Builder strategy(Strategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /** Required: the version to upgrade to. */
        public Builder target(KongVersion target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** Optional: fail preflight unless the old node reports this version. */
        public Builder expectedSource(KongVersion source) {
            this.expectedSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Required: an old node's Admin API (source version). */
        public Builder oldNode(KongAdminClient oldNode) {
            this.oldNode = Objects.requireNonNull(oldNode, "oldNode");
            return this;
        }

        /** Required: Kong's database (the one the old nodes use). */
        public Builder database(KongDatabase database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** Dual-cluster only (required there): the new cluster's database. */
        public Builder newDatabase(KongDatabase database) {
            this.newDatabase = Objects.requireNonNull(database, "database");
            return this;
        }

        /** Required: the NEW version's {@code kong} CLI (configured for the database it migrates). */
        public Builder cli(KongCli cli) {
            this.cli = Objects.requireNonNull(cli, "cli");
            return this;
        }

        /** Required: how nodes are started/stopped. */
        public Builder deployment(KongDeployment deployment) {
            this.deployment = Objects.requireNonNull(deployment, "deployment");
            return this;
        }

        /** Required for blue/green and dual-cluster: the traffic switch. */
        public Builder traffic(TrafficShift traffic) {
            this.traffic = Objects.requireNonNull(traffic, "traffic");
            return this;
        }

        /** Required: the backup taken before migrations (e.g. {@link KongBackup#pgDump}). */
        public Builder backup(KongBackup backup) {
            this.backup = Objects.requireNonNull(backup, "backup");
            return this;
        }

        /** Dual-cluster only (required there): fills the new database from the backup. */
        public Builder restore(KongRestore restore) {
            this.restore = Objects.requireNonNull(restore, "restore");
            return this;
        }

        /** A secret the plan's clients use (database password, Admin token): the runner redacts its value. */
        public Builder secret(io.upgradesdk.upgrade.Secret secret) {
            secrets.add(Objects.requireNonNull(secret, "secret"));
            return this;
        }

        /** Run {@code migrations up --force} (upgrading from a release candidate). */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /** Default: rules over the database's catalogue. */
        public Builder paths(KongUpgradePaths paths) {
            this.paths = Objects.requireNonNull(paths, "paths");
            return this;
        }

        /** How long new nodes may take to become ready (default 5 min), polled every {@code poll}. */
        public Builder readiness(Duration timeout, Duration poll) {
            this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
            this.pollInterval = Objects.requireNonNull(poll, "poll");
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** How Admin API clients for the new nodes' URLs are made (default {@link KongAdminClient#of(URI)}). */
        public Builder adminClients(Function<URI, KongAdminClient> factory) {
            this.adminClients = Objects.requireNonNull(factory, "factory");
            return this;
        }

        public UpgradePlan build() {
            List<String> missing = new ArrayList<>();
            if (strategy == null) {
                missing.add("strategy");
            }
            if (target == null) {
                missing.add("target");
            }
            if (oldNode == null) {
                missing.add("oldNode");
            }
            if (database == null) {
                missing.add("database");
            }
            if (cli == null) {
                missing.add("cli");
            }
            if (deployment == null) {
                missing.add("deployment");
            }
            if (backup == null) {
                missing.add("backup");
            }
            if (strategy != Strategy.IN_PLACE && traffic == null) {
                missing.add("traffic");
            }
            if (strategy == Strategy.DUAL_CLUSTER && (newDatabase == null || restore == null)) {
                missing.add("newDatabase and restore (dual-cluster)");
            }
            if (!missing.isEmpty()) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "the Kong upgrade plan '" + planId
                        + "' needs " + String.join(", ", missing) + "; set them on the builder");
            }
            if (paths == null) {
                paths = new KongUpgradePaths(database.catalog());
            }
            return new Steps(this).plan();
        }
    }

    /** The steps, closing over the builder's (now fixed) configuration. */
    private static final class Steps {
        private final Builder b;

        Steps(Builder b) {
            this.b = b;
        }

        UpgradePlan plan() {
            UpgradePlan.Builder plan = UpgradePlan.builder(b.planId);
            b.secrets.forEach(plan::secret);
            plan.step(preflight()).step(backup());
            switch (b.strategy) {
                case IN_PLACE -> {
                    plan.step(UpgradeStep.builder("stop-old-nodes").description("Stop the old Kong nodes (downtime starts)")
                            .execute(ctx -> b.deployment.stopOldNodes())
                            .compensation(ctx -> b.deployment.startOldNodes()).build());
                    plan.step(migrationsUp(b.database));
                    plan.step(migrationsFinish(b.database, Phase.FINISH, true));
                    plan.step(startNewNodes(Phase.FINISH));
                    plan.step(waitReady(Phase.FINISH));
                    plan.step(postCheck(b.database));
                }
                case BLUE_GREEN -> {
                    plan.step(migrationsUp(b.database));
                    plan.step(startNewNodes(Phase.UP));
                    plan.step(waitReady(Phase.UP));
                    plan.step(shiftTraffic());
                    plan.step(migrationsFinish(b.database, Phase.FINISH, true));
                    plan.step(decommission(false));
                    plan.step(postCheck(b.database));
                }
                case DUAL_CLUSTER -> {
                    plan.step(UpgradeStep.builder("restore-new-database")
                            .description("Restore the backup into the new cluster's database")
                            .execute(ctx -> b.restore.restore(ctx)).build());
                    plan.step(migrationsUp(b.newDatabase));
                    plan.step(migrationsFinish(b.newDatabase, Phase.UP, false));
                    plan.step(startNewNodes(Phase.UP));
                    plan.step(waitReady(Phase.UP));
                    plan.step(shiftTraffic());
                    plan.step(decommission(true));
                    plan.step(postCheck(b.newDatabase));
                }
                default -> throw new IllegalStateException("unknown strategy " + b.strategy);
            }
            return plan.build();
        }

        private UpgradeStep preflight() {
            return UpgradeStep.builder("preflight")
                    .description("Check the running version, the upgrade path and the database state")
                    .execute(ctx -> check())
                    .dryRun(ctx -> {
                        KongUpgradePath path = check();
                        Map<String, String> details = new LinkedHashMap<>();
                        details.put("from", path.from().toString());
                        details.put("to", b.target.toString());
                        details.put("strategy", b.strategy.name());
                        details.put("kind", path.kind().name());
                        return List.of(PlannedAction.of("check", "kong " + path.from() + " -> " + b.target, details));
                    }).build();
        }

        private KongUpgradePath check() {
            KongVersion source = b.oldNode.info().version();
            if (b.expectedSource != null && source.compareTo(b.expectedSource) != 0) {
                throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "the old node " + b.oldNode.base() + " runs Kong "
                        + source + ", not " + b.expectedSource + " as the plan expects; fix the plan's source version");
            }
            KongUpgradePath path = b.paths.requireDirect(source, b.target);
            if (path.needsForce() && !b.force) {
                throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "Kong " + source + " is a release candidate: "
                        + "its migrations must be re-applied with 'kong migrations up --force'; set force(true) on the plan");
            }
            if (!path.strategies().contains(b.strategy)) {
                throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "strategy " + b.strategy + " is not supported "
                        + "from " + source + " to " + b.target + " (allowed: " + path.strategies() + "): " + path.notes());
            }
            List<SchemaMetaRow> rows = b.database.rows();
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
            return path;
        }

        private UpgradeStep backup() {
            return UpgradeStep.builder("backup").description("Back up Kong's database (migrations are irreversible)")
                    .execute(ctx -> b.backup.backup(ctx))
                    .dryRun(ctx -> List.of(PlannedAction.of("backup", "kong database"))).build();
        }

        private List<String> forceFlag() {
            return b.force ? List.of("--force") : List.of();
        }

        private UpgradeStep migrationsUp(KongDatabase db) {
            return UpgradeStep.builder("migrations-up")
                    .description("kong migrations up (non-destructive; old and new nodes can share the database)")
                    .execute(ctx -> {
                        CommandOutput out = b.cli.migrations("up", forceFlag());
                        checkCommand("up", out);
                        db.find(b.target).ifPresent(state -> {
                            if (state.hasNew()) {
                                throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "'kong migrations up' "
                                        + "exited 0 but these migrations are still new:\n"
                                        + MigrationState.render(state.newMigrations()) + "\nCheck that the CLI runs "
                                        + "with the same plugins and config as the new nodes, then run again");
                            }
                        });
                    })
                    .dryRun(ctx -> db.find(b.target).map(state -> state.newMigrations().stream()
                            .map(s -> PlannedAction.of("migrations up", s.subsystem(),
                                    Map.of("migrations", String.join(", ", s.migrations()))))
                            .toList()).orElse(List.of(PlannedAction.of("migrations up", "all subsystems"))))
                    .build();
        }

        private UpgradeStep migrationsFinish(KongDatabase db, Phase phase, boolean pointOfNoReturn) {
            var step = UpgradeStep.builder(phase == Phase.FINISH ? "migrations-finish" : "migrations-finish-new-database")
                    .description("kong migrations finish (destructive teardowns; old nodes can no longer use this database)")
                    .phase(phase)
                    .execute(ctx -> {
                        CommandOutput out = b.cli.migrations("finish", List.of());
                        checkCommand("finish", out);
                        db.find(b.target).ifPresent(state -> {
                            if (state.exitCode() != 0) {
                                throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "'kong migrations finish'"
                                        + " exited 0 but 'list' would exit " + state.exitCode() + "; check the CLI's plugins");
                            }
                        });
                    })
                    .dryRun(ctx -> db.find(b.target).map(state -> state.pending().stream()
                            .map(s -> PlannedAction.of("migrations finish", s.subsystem(),
                                    Map.of("migrations", String.join(", ", s.migrations()))))
                            .toList()).orElse(List.of(PlannedAction.of("migrations finish", "all subsystems"))));
            if (pointOfNoReturn) {
                step.pointOfNoReturn();
            }
            return step.build();
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

        private UpgradeStep startNewNodes(Phase phase) {
            return UpgradeStep.builder("start-new-nodes").description("Start the Kong " + b.target + " nodes")
                    .phase(phase)
                    .execute(ctx -> b.deployment.startNewNodes())
                    .build();
        }

        private UpgradeStep waitReady(Phase phase) {
            return UpgradeStep.builder("wait-new-nodes-ready")
                    .description("Wait until every new node answers /status/ready (or /status) and runs " + b.target)
                    .phase(phase)
                    .execute(this::awaitReady).build();
        }

        private void awaitReady(StepContext ctx) throws InterruptedException {
            long deadline = System.nanoTime() + b.readyTimeout.toNanos();
            List<URI> nodes = b.deployment.newNodes();
            if (nodes.isEmpty()) {
                throw new UpgradeException(KongErrorCode.NODE_NOT_READY, "the deployment reports no new nodes; "
                        + "KongDeployment.newNodes() must list their Admin API URLs");
            }
            for (URI uri : nodes) {
                KongAdminClient node = b.adminClients.apply(uri);
                String last = "not asked yet";
                while (true) {
                    try {
                        KongAdminClient.Readiness r = node.readiness();
                        if (r.ready()) {
                            KongVersion running = node.info().version();
                            if (running.compareTo(b.target) == 0) {
                                break;
                            }
                            last = "runs " + running + ", not " + b.target;
                        } else {
                            last = r.reason();
                        }
                    } catch (UpgradeException e) {
                        last = e.getMessage();
                    }
                    if (System.nanoTime() >= deadline) {
                        throw new UpgradeException(KongErrorCode.NODE_NOT_READY, "new node " + uri + " is not ready after "
                                + b.readyTimeout + " (" + last + "); check its logs, then run the plan again");
                    }
                    ctx.progress(0, nodes.size(), uri + ": " + last);
                    b.sleeper.sleep(b.pollInterval);
                }
            }
        }

        private UpgradeStep shiftTraffic() {
            return UpgradeStep.builder("shift-traffic").description("Shift traffic to the new nodes (host hook)")
                    .execute(ctx -> b.traffic.shiftToNew())
                    .compensation(ctx -> b.traffic.shiftBack()).build();
        }

        private UpgradeStep decommission(boolean pointOfNoReturn) {
            var step = UpgradeStep.builder("decommission-old-nodes").description("Decommission the old Kong nodes")
                    .phase(Phase.FINISH)
                    .execute(ctx -> b.deployment.decommissionOldNodes());
            if (pointOfNoReturn) {
                step.pointOfNoReturn();
            }
            return step.build();
        }

        private UpgradeStep postCheck(KongDatabase db) {
            return UpgradeStep.builder("post-check").description("Check the database is up to date for " + b.target)
                    .phase(Phase.FINISH)
                    .execute(ctx -> {
                        db.find(b.target).ifPresent(state -> {
                            if (state.exitCode() != 0) {
                                throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "after the upgrade "
                                        + "'kong migrations list' would exit " + state.exitCode() + ":\n"
                                        + state.listOutput(b.target.toString()).stdout());
                            }
                        });
                        CommandOutput list = b.cli.migrations("list", List.of());
                        if (list.exitCode() != 0) {
                            throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "'kong migrations list' exited "
                                    + list.exitCode() + " after the upgrade: " + list.stdout().strip());
                        }
                    }).build();
        }
    }
}
