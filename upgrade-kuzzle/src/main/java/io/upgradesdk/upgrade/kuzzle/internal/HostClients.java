package io.upgradesdk.upgrade.kuzzle.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The clients a host handed to {@code KuzzleUpgrade}: Elasticsearch connections by name (each a
 * view over the host's client, whose close leaves the client open), and a lettuce client or
 * client resources for the caches. The host closes all of them.
 *
 * @param elasticsearch a fresh connection over the host's client, per registered name
 * @param redisClient the host's lettuce client, if any
 * @param redisResources the host's lettuce client resources, if any (the SDK makes its own client on them)
 */
public record HostClients(Map<String, Supplier<ElasticsearchConnection>> elasticsearch,
        Optional<RedisClient> redisClient, Optional<ClientResources> redisResources) {

    public HostClients {
        elasticsearch = Map.copyOf(elasticsearch);
    }

    /** A connection for {@code endpoint}: over the host's client, or opened from its URLs. */
    public ElasticsearchConnection connect(ElasticsearchEndpoint endpoint) {
        return endpoint.hostClientName().isPresent() ? hostConnection(endpoint).get()
                : ElasticsearchConnection.open(endpoint);
    }

    /** Fails at plan build when the settings and the host's clients do not fit together. */
    public void check(KuzzleUpgradeSettings settings) {
        hostConnection(settings.sourceElasticsearch());
        settings.targetElasticsearch().ifPresent(this::hostConnection);
        if (redisClient.isPresent() && settings.redisClientOptions().isPresent()) {
            throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, "the settings give redisClientOptions and "
                    + "the host hands in its own RedisClient; set the options on that client and leave "
                    + "redisClientOptions unset");
        }
    }

    private Supplier<ElasticsearchConnection> hostConnection(ElasticsearchEndpoint endpoint) {
        if (endpoint.hostClientName().isEmpty()) {
            return () -> ElasticsearchConnection.open(endpoint);
        }
        Supplier<ElasticsearchConnection> c = elasticsearch.get(endpoint.hostClientName().get());
        if (c == null) {
            throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, "the settings name " + endpoint.displayName()
                    + " but no Elasticsearch client is registered under that name (registered: "
                    + new TreeSet<>(elasticsearch.keySet()) + "); call KuzzleUpgrade.builder().elasticsearchClient(\""
                    + endpoint.hostClientName().get() + "\", restClient)");
        }
        return c;
    }
}
