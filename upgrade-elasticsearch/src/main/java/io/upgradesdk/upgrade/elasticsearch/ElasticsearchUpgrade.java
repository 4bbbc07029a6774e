package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import io.upgradesdk.upgrade.elasticsearch.internal.MarkReadOnlyStep;
import io.upgradesdk.upgrade.elasticsearch.internal.PostChecks;
import io.upgradesdk.upgrade.elasticsearch.internal.Preflight;
import io.upgradesdk.upgrade.elasticsearch.internal.ReindexSteps;
import io.upgradesdk.upgrade.elasticsearch.internal.RollingPreflight;
import io.upgradesdk.upgrade.elasticsearch.internal.RollingUpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import io.upgradesdk.upgrade.elasticsearch.internal.SnapshotRestoreSteps;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.elasticsearch.client.RestClient;

/**
 * The entry point of the Elasticsearch module: builds {@link UpgradePlan}s (run them with an
 * {@code UpgradeRunner}) for upgrading Elasticsearch 7.17 to 8.x and 8.19 to 9.x the ways Elastic documents.
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
 * {@link #reindexPlan}, {@link #markReadOnlyPlan}; and the sequence {@link #rollingSequence} (7.17 → 8.19 → 9.x).
 * Every step is idempotent and resumable; clusters are reached with the
 * low-level REST client, version-tolerant across 7.17, 8.x and 9.x. Closing the instance closes the
 * connections its plans opened.
 *
 * <p><b>A host's own clients.</b> A host that already has a configured low-level {@link RestClient}
 * or an elasticsearch-java {@link ElasticsearchClient} (TLS, proxy, client certificate, bearer or
 * service token, interceptors) registers it under a name, and the settings refer to that cluster
 * with {@link ElasticsearchEndpoint#hostClient(String)}:
 *
 * <pre>{@code
 * try (ElasticsearchUpgrade es = ElasticsearchUpgrade.builder()
 *         .client("old", oldRestClient)          // a RestClient the host configured
 *         .client("new", newElasticsearchClient)  // or a typed client on a RestClientTransport
 *         .build()) {
 *     UpgradePlan plan = es.snapshotRestorePlan(SnapshotRestoreSettings.builder(
 *             ElasticsearchEndpoint.hostClient("old"), ElasticsearchEndpoint.hostClient("new"))
 *         .repository("upgrade", "/mnt/snapshots").build());
 * }
 * }</pre>
 *
 * What the host hands in, the host closes: {@link #close()} never closes a registered client (nor
 * the typed client's transport); it closes only the connections this instance opened from URLs.
 */
public final class ElasticsearchUpgrade implements AutoCloseable {

    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final Map<ElasticsearchEndpoint, EsClient> connections = new ConcurrentHashMap<>();
    private final Map<String, EsClient> hostClients;
    private final Preflight.Clients clients;

    private ElasticsearchUpgrade(Builder b) {
        this.sleeper = b.sleeper;
        this.pollInterval = b.pollInterval;
        this.hostClients = Map.copyOf(b.hostClients);
        this.clients = e -> e.hostClientName().isPresent() ? hostClient(e)
                : connections.computeIfAbsent(e, EsClient::connect).borrowed();
    }

    private EsClient hostClient(ElasticsearchEndpoint endpoint) {
        EsClient client = hostClients.get(endpoint.hostClientName().orElseThrow());
        if (client == null) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, "the settings name "
                    + endpoint.displayName() + " but no client is registered under that name (registered: "
                    + new TreeSet<>(hostClients.keySet()) + "); call ElasticsearchUpgrade.builder().client(\""
                    + endpoint.hostClientName().get() + "\", restClient)");
        }
        return client;
    }

    /** Fails at plan build, not mid-run, when an endpoint names a host client nobody registered. */
    private void requireRegistered(ElasticsearchEndpoint... endpoints) {
        for (ElasticsearchEndpoint e : endpoints) {
            if (e.hostClientName().isPresent()) {
                hostClient(e);
            }
        }
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
     * all steps). Plans built from a closed instance reconnect on demand. Clients the host
     * registered with {@link Builder#client} stay open: the host closes them.
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
        private final Map<String, EsClient> hostClients = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Registers a low-level client the host configured and owns, for the settings'
         * {@link ElasticsearchEndpoint#hostClient(String) hostClient(name)} endpoints. The SDK uses
         * it as it is (TLS, proxy, authentication, interceptors) and never closes it.
         */
        public Builder client(String name, RestClient client) {
            return register(name, EsClient.borrowing(requireNonNull(client, "client"), name));
        }

        /**
         * Registers an elasticsearch-java client the host configured and owns, for the settings'
         * {@link ElasticsearchEndpoint#hostClient(String) hostClient(name)} endpoints. The SDK sends
         * its version-tolerant requests through the client's {@code RestClientTransport} (and the
         * headers of the client's transport options); it never closes the client nor its transport.
         * Fails with {@code ES_INVALID_CONFIGURATION} for another transport: hand in its
         * {@code RestClient} instead.
         */
        public Builder client(String name, ElasticsearchClient client) {
            return register(name, EsClient.borrowing(requireNonNull(client, "client"), name));
        }

        private Builder register(String name, EsClient client) {
            ElasticsearchEndpoint.hostClient(name);   // validates the name
            SettingsChecks.require(!hostClients.containsKey(name),
                    "a client is already registered under '" + name + "'; give each cluster its own name");
            hostClients.put(name, client);
            return this;
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

    /**
     * The oldest version any node of {@code cluster} runs ({@code GET /_nodes}), e.g. {@code 8.19.21};
     * a host picks the plan's target major from it (8.x source: 9). Fails with the client's error
     * when the cluster is unreachable.
     */
    public String oldestNodeVersion(ElasticsearchEndpoint cluster) {
        requireRegistered(requireNonNull(cluster, "cluster"));
        try (EsClient c = clients.apply(cluster)) {
            return Collections.min(Preflight.nodeVersions(c).values()).toString();
        }
    }

    /** The pre-flight checks as steps, ids prefixed with {@code idPrefix} (may be empty). */
    public List<UpgradeStep> preflightSteps(PreflightSettings settings, String idPrefix) {
        requireRegistered(requireNonNull(settings, "settings").cluster());
        return Preflight.steps(settings, requireNonNull(idPrefix, "idPrefix"), clients);
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
        requireRegistered(requireNonNull(settings, "settings").source(), settings.target());
        settings.preflight().ifPresent(p -> requireRegistered(p.cluster()));
        UpgradePlan.Builder b = UpgradePlan.builder("es-snapshot-restore");
        new SnapshotRestoreSteps(settings, clients, sleeper, pollInterval).steps()
                .forEach(b::step);
        return b.build();
    }

    /**
     * Rolling upgrade node by node through {@code host}, then post-upgrade checks (plan id
     * {@code es-rolling-upgrade}). A first step refuses, before anything changes, a target the
     * upgrade rules do not allow for the nodes' versions (a downgrade, a skipped major, a source
     * not on the required minor, a 9.x release older than the 8.19 patch). The checkpoint records
     * the nodes done: a resumed run continues with the next node.
     */
    public UpgradePlan rollingUpgradePlan(RollingUpgradeSettings settings, NodeHost host) {
        return rollingPlan(settings, host, List.of());
    }

    private UpgradePlan rollingPlan(RollingUpgradeSettings settings, NodeHost host, List<UpgradeStep> extraChecks) {
        requireNonNull(settings, "settings");
        requireNonNull(host, "host");
        requireRegistered(settings.cluster());
        UpgradePlan.Builder b = UpgradePlan.builder("es-rolling-upgrade");
        b.step(new RollingPreflight(settings, clients));
        extraChecks.forEach(b::step);
        settings.preflight().ifPresent(p -> preflightSteps(p, "").forEach(b::step));
        b.step(new RollingUpgradeStep(settings, host, clients, sleeper, pollInterval));
        int major = Integer.parseInt(settings.targetVersion().split("\\.")[0]);
        b.step(PostChecks.step("post-upgrade-checks", settings.cluster(), major, settings.requiredHealth(), clients));
        return b.build();
    }

    /**
     * One rolling upgrade per hop of {@code settings}, in order, as an {@link UpgradeSequence} (id
     * {@code settings.sequenceId()}, plan ids {@code <sequenceId>/<version>}, e.g.
     * {@code es-rolling/8.19.21} then {@code es-rolling/9.2.4}): run it with
     * {@code runner.run(sequence)}; a hop applied is never run again, and a run stopped mid-hop
     * resumes with that hop's next node. {@code nodeHostForVersion} gives the {@link NodeHost} that
     * restarts a node on the given release (called once per hop, at build time). The hops were
     * checked against the upgrade rules when the settings were built; each plan's first steps check
     * its hop against the versions the nodes really run ({@code rolling-preflight}) and refuse
     * indices the hop's release cannot open ({@code preflight-old-indices}), before any node. With
     * {@link RollingSequenceSettings.Builder#readOnlyBefore9}, a plan write-blocks those 7.x indices
     * on 8.19, before the first 9.x hop.
     *
     * <pre>{@code
     * UpgradeSequence sequence = es.rollingSequence(RollingSequenceSettings.builder(cluster,
     *         List.of("8.19.21", "9.2.4")).fromVersion("7.17.29").build(),
     *     version -> new CommandNodeHost("upgrade-node.sh {node} " + version, Duration.ofMinutes(30)));
     * runner.run(sequence).throwIfFailed();
     * }</pre>
     */
    public UpgradeSequence rollingSequence(RollingSequenceSettings settings,
            Function<String, NodeHost> nodeHostForVersion) {
        requireNonNull(settings, "settings");
        requireNonNull(nodeHostForVersion, "nodeHostForVersion");
        UpgradeSequence.Builder sequence = UpgradeSequence.builder(settings.sequenceId());
        for (String version : settings.targetVersions()) {
            if (settings.firstHopTo9().filter(version::equals).isPresent()) {
                settings.markReadOnly().ifPresent(readOnly -> sequence.plan(settings.markReadOnlyPlanId(version),
                        markReadOnlyPlan(readOnly)));
            }
            NodeHost host = requireNonNull(nodeHostForVersion.apply(version), "no NodeHost for " + version);
            sequence.plan(settings.planId(version), rollingPlan(settings.hop(version), host,
                    oldIndicesCheck(settings.cluster(), version)));
        }
        return sequence.build();
    }

    /** The pre-flight check refusing indices the hop's release cannot open (7.x ones not write-blocked, for 9.x). */
    private List<UpgradeStep> oldIndicesCheck(ElasticsearchEndpoint cluster, String version) {
        int major = Integer.parseInt(version.substring(0, version.indexOf('.')));
        return preflightSteps(PreflightSettings.builder(cluster).targetMajor(major).build(), "").stream()
                .filter(step -> step.id().equals("preflight-old-indices")).toList();
    }

    /**
     * Adds a write block to indices created before 8.0 so that 9.x keeps them read-only, the fix
     * pre-flight offers beside {@link #reindexPlan} (plan id {@code es-mark-read-only}).
     */
    public UpgradePlan markReadOnlyPlan(MarkReadOnlySettings settings) {
        requireNonNull(settings, "settings");
        requireRegistered(settings.cluster());
        return UpgradePlan.builder("es-mark-read-only").step(new MarkReadOnlyStep(settings, clients)).build();
    }

    /**
     * Reindex an index into a new one (mappings and settings copied, asynchronous {@code _reindex}
     * task in {@link ReindexSettings.Builder#slices slices} with the parent and every sub-task
     * polled, counts verified, alias moved); FINISH deletes the old index (plan id
     * {@code es-reindex-<dest>}). Also "reindex from remote" with
     * {@link ReindexSettings.Builder#remoteSource}. On a cluster without {@code _reindex} the step
     * copies the documents client-side (as {@link DocumentCopy} does, resumable at its cursor)
     * unless {@link ReindexSettings.Method#SERVER_SIDE} is set; the preview says which.
     */
    public UpgradePlan reindexPlan(ReindexSettings settings) {
        requireNonNull(settings, "settings");
        requireRegistered(settings.cluster());
        UpgradePlan.Builder b = UpgradePlan.builder("es-reindex-" + settings.destIndex());
        settings.remoteSource().flatMap(ElasticsearchEndpoint::password).ifPresent(b::secret);
        new ReindexSteps(settings, clients, sleeper, pollInterval).steps().forEach(b::step);
        return b.build();
    }
}
