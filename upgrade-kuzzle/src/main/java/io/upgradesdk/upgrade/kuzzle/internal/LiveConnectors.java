package io.upgradesdk.upgrade.kuzzle.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.util.Map;
import java.util.Optional;

/**
 * Connectors to the real servers named by the settings, through the host's clients where it
 * handed some in (each port or cache closes only what it opened).
 */
public final class LiveConnectors implements Connectors {

    private final KuzzleUpgradeSettings settings;
    private final HostClients host;
    /** Every copy of the plan writes to one target: one budget of bulk requests in flight for all. */
    private final SharedWriteBudget writeBudget = new SharedWriteBudget();

    public LiveConnectors(KuzzleUpgradeSettings settings) {
        this(settings, new HostClients(Map.of(), Optional.empty(), Optional.empty()));
    }

    public LiveConnectors(KuzzleUpgradeSettings settings, HostClients host) {
        this.settings = settings;
        this.host = host;
    }

    @Override
    public EsPort source() {
        return new RestEsPort(host.connect(settings.sourceElasticsearch()), settings.writeConcurrency(), writeBudget);
    }

    @Override
    public EsPort target() {
        return new RestEsPort(host.connect(settings.targetElasticsearch().orElse(settings.sourceElasticsearch())));
    }

    @Override
    public TokenCache cache() {
        if (settings.sourceRedis().isEmpty()) {
            return null;
        }
        RedisURI source = settings.sourceRedis().get();
        RedisURI target = settings.targetRedis().orElse(null);
        ClientOptions options = settings.redisClientOptions().orElse(null);
        if (host.redisClient().isPresent()) {
            return TokenCache.usingHostClient(host.redisClient().get(), source, target);
        }
        if (host.redisResources().isPresent()) {
            return TokenCache.usingHostResources(host.redisResources().get(), options, source, target);
        }
        return new TokenCache(source, target, options);
    }
}
