package io.upgradesdk.upgrade.kuzzle;

import static java.util.Objects.requireNonNull;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.internal.HostClients;
import io.upgradesdk.upgrade.kuzzle.internal.KuzzlePlanFactory;
import io.upgradesdk.upgrade.kuzzle.internal.LiveConnectors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.elasticsearch.client.RestClient;

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
 * "separate" target that is the source, a target Elasticsearch major the target Kuzzle release
 * cannot use, before anything is written), {@code kuzzle-config},
 * {@code kuzzle-internal-storage}, {@code kuzzle-plugin-storages}, {@code kuzzle-public-storages}
 * (each resumable per collection), {@code kuzzle-cache}, {@code kuzzle-verify} and, in-place with a
 * destroy policy, the FINISH step {@code kuzzle-destroy-v1}, the point of no return.
 *
 * <p>Each step opens the Elasticsearch and Redis connections it needs and closes them when it
 * ends, so an instance holds no connection of its own: {@link #close()} has nothing to release
 * today, and plans stay usable after it.
 *
 * <p><b>A host's own clients.</b> A host that already has configured clients hands them in; the
 * settings refer to a host's Elasticsearch client with {@link ElasticsearchEndpoint#hostClient}:
 *
 * <pre>{@code
 * try (KuzzleUpgrade kuzzle = KuzzleUpgrade.builder()
 *         .elasticsearchClient("es-v1", v1RestClient)         // or an elasticsearch-java ElasticsearchClient
 *         .elasticsearchClient("es-v2", v2ElasticsearchClient)
 *         .redisClient(redisClient)                           // TLS trust, resources, options: the host's
 *         .build()) {
 *     UpgradePlan plan = kuzzle.upgradePlan(KuzzleUpgradeSettings.builder()
 *         .sourceElasticsearch(ElasticsearchEndpoint.hostClient("es-v1"))
 *         .targetElasticsearch(ElasticsearchEndpoint.hostClient("es-v2"))
 *         .sourceRedis(RedisURI.create("rediss://upgrader@cache:6379/0"))   // where to connect, with that client
 *         ...build());
 * }
 * }</pre>
 *
 * What the host hands in, the host closes: steps close the connections they opened on a host's
 * {@code RedisClient}, never the client; a client the SDK builds on the host's
 * {@code ClientResources} is shut down, the resources are not; a host's Elasticsearch client is
 * never closed.
 */
public final class KuzzleUpgrade implements AutoCloseable {

    private final HostClients host;

    private KuzzleUpgrade(Builder b) {
        this.host = new HostClients(b.elasticsearch, Optional.ofNullable(b.redisClient),
                Optional.ofNullable(b.redisResources));
    }

    /** An instance with the default runtime options; the same as {@code builder().build()}. */
    public static KuzzleUpgrade create() {
        return builder().build();
    }

    /** A builder for the runtime options: the host's own clients, if any. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The plan for these settings; connections are opened by each step and closed after it. Fails
     * with {@link KuzzleErrorCode#INVALID_SETTINGS} when the settings name a host client that was
     * not handed in, or give {@code redisClientOptions} together with a host {@code RedisClient}.
     */
    public UpgradePlan upgradePlan(KuzzleUpgradeSettings settings) {
        requireNonNull(settings, "settings");
        host.check(settings);
        return KuzzlePlanFactory.build(settings, new LiveConnectors(settings, host));
    }

    /**
     * Kuzzle 1.x to 2.x, then the Elasticsearch cluster Kuzzle 2 now runs on onto its next major,
     * as one resumable {@link UpgradeSequence} (id {@code settings.planId()}): first
     * {@link #upgradePlan} (under {@code settings.planId()}, so a Kuzzle upgrade already run keeps
     * its checkpoint), then {@code elasticsearchUpgrade} (under {@code <planId>/<its id>}, e.g.
     * {@code kuzzle-1-to-2/es-snapshot-restore}), a plan of {@code ElasticsearchUpgrade}
     * (snapshot-restore or rolling) whose source is the settings' target cluster, e.g. 7.17 to 8.19.
     * Run it with {@code runner.run(sequence)}; plans are only ever added at the end.
     *
     * <pre>{@code
     * UpgradeSequence sequence = kuzzle.upgradeSequence(settings,          // 5.6 -> Kuzzle 2 on 7.17
     *         es.snapshotRestorePlan(SnapshotRestoreSettings.builder(es717, es819)...build()));
     * runner.run(sequence).throwIfFailed();
     * }</pre>
     *
     * <p>Fails with {@link KuzzleErrorCode#INVALID_SETTINGS} for an in-place Kuzzle upgrade (there
     * is no new cluster to carry on), and with {@code INVALID_PLAN} when both plans have one id.
     */
    public UpgradeSequence upgradeSequence(KuzzleUpgradeSettings settings, UpgradePlan elasticsearchUpgrade) {
        requireNonNull(elasticsearchUpgrade, "elasticsearchUpgrade");
        UpgradePlan kuzzlePlan = upgradePlan(settings);
        if (settings.targetElasticsearch().isEmpty()) {
            throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, "an upgrade sequence needs a new"
                    + " Elasticsearch cluster for Kuzzle 2: set targetElasticsearch (an in-place upgrade keeps the"
                    + " 5.6 cluster, which no Elasticsearch plan can carry on), or run upgradePlan alone");
        }
        return UpgradeSequence.builder(settings.planId())
                .plan(kuzzlePlan)
                .plan(settings.planId() + "/" + elasticsearchUpgrade.id(), elasticsearchUpgrade)
                .build();
    }

    /**
     * Releases what this instance opened itself: nothing, steps close their own connections; the
     * host's clients stay open.
     */
    @Override
    public void close() {
    }

    /** Runtime options of a {@link KuzzleUpgrade} (how to reach servers, not what to upgrade). */
    public static final class Builder {
        private final Map<String, Supplier<ElasticsearchConnection>> elasticsearch = new LinkedHashMap<>();
        private RedisClient redisClient;
        private ClientResources redisResources;

        private Builder() {
        }

        /**
         * A low-level Elasticsearch client the host configured and owns, for the settings'
         * {@link ElasticsearchEndpoint#hostClient(String) hostClient(name)} endpoints; never closed here.
         */
        public Builder elasticsearchClient(String name, RestClient client) {
            requireNonNull(client, "client");
            return register(name, () -> ElasticsearchConnection.using(client, name));
        }

        /**
         * An elasticsearch-java client (on a {@code RestClientTransport}) the host configured and
         * owns, for the settings' {@link ElasticsearchEndpoint#hostClient(String) hostClient(name)}
         * endpoints; requests go through its low-level client, it is never closed here.
         */
        public Builder elasticsearchClient(String name, ElasticsearchClient client) {
            requireNonNull(client, "client");
            ElasticsearchConnection.using(client, name);   // fails now on a transport it cannot use
            return register(name, () -> ElasticsearchConnection.using(client, name));
        }

        private Builder register(String name, Supplier<ElasticsearchConnection> connection) {
            ElasticsearchEndpoint.hostClient(name);   // validates the name
            if (elasticsearch.putIfAbsent(name, connection) != null) {
                throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, "an Elasticsearch client is already "
                        + "registered under '" + name + "'; give each cluster its own name");
            }
            return this;
        }

        /**
         * The host's lettuce client for the source and target caches (the settings' Redis URIs say
         * where to connect): its TLS trust, resources and options apply, the settings'
         * {@code redisClientOptions} must stay unset. Steps close their connections, never the client.
         */
        public Builder redisClient(RedisClient client) {
            this.redisClient = requireNonNull(client, "client");
            return this;
        }

        /**
         * The host's lettuce {@link ClientResources} (event loops, DNS, metrics): the caches use a
         * client of the SDK's own on them, shut down after each step; the resources stay the host's.
         */
        public Builder redisClientResources(ClientResources resources) {
            this.redisResources = requireNonNull(resources, "resources");
            return this;
        }

        /** The instance; fails with {@link KuzzleErrorCode#INVALID_SETTINGS} given both a RedisClient and resources. */
        public KuzzleUpgrade build() {
            if (redisClient != null && redisResources != null) {
                throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, "both a RedisClient and ClientResources "
                        + "were handed in; give one (a RedisClient already has its resources)");
            }
            return new KuzzleUpgrade(this);
        }
    }
}
