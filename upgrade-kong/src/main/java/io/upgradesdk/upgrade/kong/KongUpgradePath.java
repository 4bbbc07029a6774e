package io.upgradesdk.upgrade.kong;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The answer of {@link KongUpgradePaths#path}: whether going from one Kong version to another is
 * supported, through which intermediate versions, with which strategies, and what it runs.
 *
 * @param from             the running version
 * @param to               the target version
 * @param supported        false for downgrades, Enterprise to OSS, unknown lines
 * @param hops             the versions to pass through, in order, ending with {@code to} (just
 *                         {@code [to]} when the path is direct); empty when unsupported
 * @param kind             {@code RELOAD} for a patch upgrade without migrations, else {@code MIGRATE}
 * @param strategies       the strategies the docs allow for the (first) hop
 * @param requiresDowntime true when no zero-downtime strategy is allowed (e.g. Enterprise 1.5 to 2.1)
 * @param needsForce       run {@code kong migrations up --force} (upgrading from a release candidate)
 * @param migrations       per subsystem, the catalogue migrations the direct upgrade runs (bundled
 *                         plugins; empty when unknown, see {@code migrationsKnown})
 * @param migrationsKnown  false when the catalogue lacks a version (Enterprise, pre-1.0)
 * @param notes            documented caveats that apply (conflicting sources, manual commands, ...)
 */
public record KongUpgradePath(KongVersion from, KongVersion to, boolean supported, List<KongVersion> hops, Kind kind,
        Set<Strategy> strategies, boolean requiresDowntime, boolean needsForce,
        Map<String, List<KongMigration>> migrations, boolean migrationsKnown, List<String> notes) {

    /** What the upgrade does to the database. */
    public enum Kind {
        /** Patch release without migrations: install and {@code kong reload}. */
        RELOAD,
        /** {@code kong migrations up} then {@code finish}. */
        MIGRATE
    }

    /** Kong's documented upgrade strategies. */
    public enum Strategy {
        /** Stop the old nodes, migrate, start the new ones (downtime). */
        IN_PLACE,
        /** New nodes on a copy of the database, traffic shifted. */
        DUAL_CLUSTER,
        /** New nodes on the same database during the up/finish window. */
        BLUE_GREEN
    }

    public KongUpgradePath {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        hops = List.copyOf(hops);
        strategies = Set.copyOf(strategies);
        migrations = Map.copyOf(migrations);
        notes = List.copyOf(notes);
    }

    /** True when the path goes straight to {@code to}. */
    public boolean isDirect() {
        return supported && hops.size() == 1;
    }

    /** The intermediate versions (hops without the final target). */
    public List<KongVersion> intermediates() {
        return hops.isEmpty() ? List.of() : hops.subList(0, hops.size() - 1);
    }

    /** Total number of migrations the direct upgrade runs (0 when unknown). */
    public int migrationCount() {
        return migrations.values().stream().mapToInt(List::size).sum();
    }
}
