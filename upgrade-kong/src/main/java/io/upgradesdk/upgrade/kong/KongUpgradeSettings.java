package io.upgradesdk.upgrade.kong;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a Kong upgrade does: the plan id, the strategy, the target version, the old node and the
 * database(s), and the host's hooks (CLI, deployment, traffic, backup, restore). Immutable and
 * validated when constructed; build it with {@link #builder(String)} and hand it to
 * {@link KongUpgrade#upgradePlan(KongUpgradeSettings)}.
 *
 * <pre>{@code
 * KongUpgradeSettings settings = KongUpgradeSettings.builder("kong-3.4-to-3.9")
 *     .strategy(Strategy.BLUE_GREEN).target(KongVersion.parse("3.9.1"))
 *     .oldNode(KongAdminClient.of(URI.create("http://10.0.0.5:8001"))).database(db)
 *     .cli(cli).deployment(deployment).traffic(traffic).backup(KongBackup.pgDump(...)).build();
 * }</pre>
 *
 * @param planId         the plan's id (its checkpoint key)
 * @param strategy       in-place, dual-cluster or blue/green
 * @param target         the version to upgrade to
 * @param expectedSource fail preflight unless the old node reports this version
 * @param oldNode        an old node's Admin API (source version); the host owns it
 * @param database       Kong's database (the one the old nodes use)
 * @param newDatabase    the new cluster's database (dual-cluster only, required there)
 * @param cli            the NEW version's {@code kong} CLI, configured for the database it migrates
 * @param deployment     how nodes are started and stopped
 * @param traffic        the traffic switch (required for blue/green and dual-cluster)
 * @param backup         the backup taken before migrations
 * @param restore        fills the new database from the backup (dual-cluster only, required there)
 * @param paths          the path rules; default those over the database's catalogue
 * @param readyTimeout   how long new nodes may take to become ready (default 5 min)
 * @param force          run {@code migrations up --force} (upgrading from a release candidate)
 * @param secrets        secrets the plan's clients use; the runner redacts their values
 */
public record KongUpgradeSettings(String planId, Strategy strategy, KongVersion target,
        Optional<KongVersion> expectedSource, KongAdminClient oldNode, KongDatabase database,
        Optional<KongDatabase> newDatabase, KongCli cli, KongDeployment deployment, Optional<TrafficShift> traffic,
        KongBackup backup, Optional<KongRestore> restore, KongUpgradePaths paths, Duration readyTimeout,
        boolean force, List<Secret> secrets) {

    /** Validates: every required part is named in one message, with what to set. */
    public KongUpgradeSettings {
        requireNonNull(planId, "planId");
        expectedSource = orEmpty(expectedSource);
        newDatabase = orEmpty(newDatabase);
        traffic = orEmpty(traffic);
        restore = orEmpty(restore);
        readyTimeout = requireNonNull(readyTimeout, "readyTimeout");
        secrets = List.copyOf(secrets);
        List<String> missing = missingParts(strategy, target, oldNode, database, cli, deployment, backup, traffic,
                newDatabase.isPresent() && restore.isPresent());
        if (!missing.isEmpty()) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "the Kong upgrade plan '" + planId
                    + "' needs " + String.join(", ", missing) + "; set them on the builder");
        }
        if (paths == null) {
            paths = new KongUpgradePaths(database.catalog());
        }
    }

    /** A builder of the upgrade with plan id {@code planId}. */
    public static Builder builder(String planId) {
        return new Builder(planId);
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    private static List<String> missingParts(Strategy strategy, KongVersion target, KongAdminClient oldNode,
            KongDatabase database, KongCli cli, KongDeployment deployment, KongBackup backup,
            Optional<TrafficShift> traffic, boolean newDatabaseAndRestore) {
        List<String> missing = new ArrayList<>();
        addIfNull(missing, strategy, "strategy");
        addIfNull(missing, target, "target");
        addIfNull(missing, oldNode, "oldNode");
        addIfNull(missing, database, "database");
        addIfNull(missing, cli, "cli");
        addIfNull(missing, deployment, "deployment");
        addIfNull(missing, backup, "backup");
        if (strategy != Strategy.IN_PLACE && traffic.isEmpty()) {
            missing.add("traffic");
        }
        if (strategy == Strategy.DUAL_CLUSTER && !newDatabaseAndRestore) {
            missing.add("newDatabase and restore (dual-cluster)");
        }
        return missing;
    }

    private static void addIfNull(List<String> missing, Object value, String name) {
        if (value == null) {
            missing.add(name);
        }
    }

    /** Validating builder of {@link KongUpgradeSettings}; {@link #build()} checks what is required. */
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
        private boolean force;
        private final List<Secret> secrets = new ArrayList<>();

        private Builder(String planId) {
            this.planId = requireNonNull(planId, "planId");
        }

        /** Required: in-place, dual-cluster or blue/green. */
        public Builder strategy(Strategy strategy) {
            this.strategy = requireNonNull(strategy, "strategy");
            return this;
        }

        /** Required: the version to upgrade to. */
        public Builder target(KongVersion target) {
            this.target = requireNonNull(target, "target");
            return this;
        }

        /** Optional: fail preflight unless the old node reports this version. */
        public Builder expectedSource(KongVersion source) {
            this.expectedSource = requireNonNull(source, "source");
            return this;
        }

        /** Required: an old node's Admin API (source version). */
        public Builder oldNode(KongAdminClient oldNode) {
            this.oldNode = requireNonNull(oldNode, "oldNode");
            return this;
        }

        /** Required: Kong's database (the one the old nodes use). */
        public Builder database(KongDatabase database) {
            this.database = requireNonNull(database, "database");
            return this;
        }

        /** Dual-cluster only (required there): the new cluster's database. */
        public Builder newDatabase(KongDatabase database) {
            this.newDatabase = requireNonNull(database, "database");
            return this;
        }

        /** Required: the NEW version's {@code kong} CLI (configured for the database it migrates). */
        public Builder cli(KongCli cli) {
            this.cli = requireNonNull(cli, "cli");
            return this;
        }

        /** Required: how nodes are started/stopped. */
        public Builder deployment(KongDeployment deployment) {
            this.deployment = requireNonNull(deployment, "deployment");
            return this;
        }

        /** Required for blue/green and dual-cluster: the traffic switch. */
        public Builder traffic(TrafficShift traffic) {
            this.traffic = requireNonNull(traffic, "traffic");
            return this;
        }

        /** Required: the backup taken before migrations (e.g. {@link KongBackup#pgDump}). */
        public Builder backup(KongBackup backup) {
            this.backup = requireNonNull(backup, "backup");
            return this;
        }

        /** Dual-cluster only (required there): fills the new database from the backup. */
        public Builder restore(KongRestore restore) {
            this.restore = requireNonNull(restore, "restore");
            return this;
        }

        /** A secret the plan's clients use (database password, Admin token): the runner redacts its value. */
        public Builder secret(Secret secret) {
            secrets.add(requireNonNull(secret, "secret"));
            return this;
        }

        /** Run {@code migrations up --force} (upgrading from a release candidate). */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /** Default: rules over the database's catalogue. */
        public Builder paths(KongUpgradePaths paths) {
            this.paths = requireNonNull(paths, "paths");
            return this;
        }

        /**
         * How long new nodes may take to become ready (default 5 min); they are polled every
         * {@link KongUpgrade.Builder#pollInterval(Duration)}.
         */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = requireNonNull(timeout, "timeout");
            return this;
        }

        /** The settings; {@code INVALID_CONFIGURATION} naming every required part that is missing. */
        public KongUpgradeSettings build() {
            return new KongUpgradeSettings(planId, strategy, target, Optional.ofNullable(expectedSource), oldNode,
                    database, Optional.ofNullable(newDatabase), cli, deployment, Optional.ofNullable(traffic), backup,
                    Optional.ofNullable(restore), paths, readyTimeout, force, secrets);
        }
    }
}
