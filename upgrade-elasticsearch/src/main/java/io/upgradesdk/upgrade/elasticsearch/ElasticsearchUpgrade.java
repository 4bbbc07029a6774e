package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import io.upgradesdk.upgrade.elasticsearch.internal.PostChecks;
import io.upgradesdk.upgrade.elasticsearch.internal.Preflight;
import io.upgradesdk.upgrade.elasticsearch.internal.ReindexSteps;
import io.upgradesdk.upgrade.elasticsearch.internal.RollingUpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import io.upgradesdk.upgrade.elasticsearch.internal.SnapshotRestoreSteps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry point of the Elasticsearch module: builds {@link UpgradePlan}s (run them with an
 * {@code UpgradeRunner}) for upgrading Elasticsearch 7.17 to 8.x the ways Elastic documents.
 * Built with the runtime options ({@link #builder()}, or {@link #create()} for the defaults); each
 * plan kind comes from a {@code <kind>Plan(settings)} method.
 *
 * <pre>{@code
 * try (ElasticsearchUpgrade es = ElasticsearchUpgrade.builder()
 *         .sleeper(sleeper).pollInterval(Duration.ofSeconds(1))
 *         .build()) {
 *     UpgradePlan plan = es.snapshotRestorePlan(SnapshotRestoreSettings.builder(source, target)
 *         .repository("upgrade", "/mnt/snapshots").indices(List.of("logs-*")).build());
 *     runner.up(plan).throwIfFailed();
 * }
 * }</pre>
 *
 * Plans: {@link #preflightPlan}, {@link #snapshotRestorePlan}, {@link #rollingUpgradePlan},
 * {@link #reindexPlan}. Every step is idempotent and resumable; clusters are reached with the
 * low-level REST client, version-tolerant across 7.17 and 8.x. Closing the instance closes the
 * connections its plans opened.
 */
public final class ElasticsearchUpgrade implements AutoCloseable {

    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final Map<ElasticsearchEndpoint, EsClient> connections = new ConcurrentHashMap<>();
    private final Preflight.Clients clients;

    private ElasticsearchUpgrade(Builder b) {
        this.sleeper = b.sleeper;
        this.pollInterval = b.pollInterval;
        this.clients = e -> connections.computeIfAbsent(e, EsClient::connect).borrowed();
    }

    /** A builder of the runtime options: real sleeps, polling every second unless set. */
    public static Builder builder() {
        return new Builder();
    }

    /** With the default runtime options: {@code builder().build()}. */
    public static ElasticsearchUpgrade create() {
        return builder().build();
    }

    /**
     * Closes the connections the plans of this instance opened (one pool per endpoint, shared by
     * all steps). Plans built from a closed instance reconnect on demand.
     */
    @Override
    public void close() {
        for (ElasticsearchEndpoint e : List.copyOf(connections.keySet())) {
            EsClient c = connections.remove(e);
            if (c != null) {
                c.close();
            }
        }
    }

    /** Builder of {@link ElasticsearchUpgrade}; {@link #build()} validates. */
    public static final class Builder {
        private Sleeper sleeper = Sleeper.system();
        private Duration pollInterval = Duration.ofSeconds(1);

        private Builder() {
        }

        /** How waits pause between polls (default: real sleeps); tests and benchmarks inject their own. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Pause between two polls of a snapshot, restore, reindex task or node (default 1 s). */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /** The entry point; fails with {@code ES_INVALID_CONFIGURATION} on a negative poll interval. */
        public ElasticsearchUpgrade build() {
            SettingsChecks.require(!pollInterval.isNegative(),
                    "pollInterval must not be negative, was " + pollInterval + "; give zero or more");
            return new ElasticsearchUpgrade(this);
        }
    }

    /** The pre-flight checks as steps, ids prefixed with {@code idPrefix} (may be empty). */
    public List<UpgradeStep> preflightSteps(PreflightSettings settings, String idPrefix) {
        return Preflight.steps(requireNonNull(settings, "settings"), requireNonNull(idPrefix, "idPrefix"), clients);
    }

    /** A plan of the pre-flight checks only (plan id {@code es-preflight}). */
    public UpgradePlan preflightPlan(PreflightSettings settings) {
        UpgradePlan.Builder b = UpgradePlan.builder("es-preflight");
        preflightSteps(settings, "").forEach(b::step);
        return b.build();
    }

    /**
     * Snapshot the source, restore into the new target, verify, post-upgrade checks; FINISH
     * optionally deletes the source indices (plan id {@code es-snapshot-restore}).
     */
    public UpgradePlan snapshotRestorePlan(SnapshotRestoreSettings settings) {
        UpgradePlan.Builder b = UpgradePlan.builder("es-snapshot-restore");
        new SnapshotRestoreSteps(requireNonNull(settings, "settings"), clients, sleeper, pollInterval).steps()
                .forEach(b::step);
        return b.build();
    }

    /**
     * Rolling upgrade node by node through {@code host}, then post-upgrade checks (plan id
     * {@code es-rolling-upgrade}). The checkpoint records the nodes done: a resumed run continues
     * with the next node.
     */
    public UpgradePlan rollingUpgradePlan(RollingUpgradeSettings settings, NodeHost host) {
        requireNonNull(settings, "settings");
        requireNonNull(host, "host");
        UpgradePlan.Builder b = UpgradePlan.builder("es-rolling-upgrade");
        settings.preflight().ifPresent(p -> preflightSteps(p, "").forEach(b::step));
        b.step(new RollingUpgradeStep(settings, host, clients, sleeper, pollInterval));
        int major = Integer.parseInt(settings.targetVersion().split("\\.")[0]);
        b.step(PostChecks.step("post-upgrade-checks", settings.cluster(), major, settings.requiredHealth(), clients));
        return b.build();
    }

    /**
     * Reindex an index into a new one (mappings and settings copied, asynchronous task polled,
     * counts verified, alias moved); FINISH deletes the old index (plan id {@code es-reindex-<dest>}).
     * Also "reindex from remote" with {@link ReindexSettings.Builder#remoteSource}.
     */
    public UpgradePlan reindexPlan(ReindexSettings settings) {
        requireNonNull(settings, "settings");
        UpgradePlan.Builder b = UpgradePlan.builder("es-reindex-" + settings.destIndex());
        settings.remoteSource().flatMap(ElasticsearchEndpoint::password).ifPresent(b::secret);
        new ReindexSteps(settings, clients, sleeper, pollInterval).steps().forEach(b::step);
        return b.build();
    }
}
