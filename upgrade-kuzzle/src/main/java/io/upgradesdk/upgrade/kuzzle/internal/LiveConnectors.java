package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;

/** Connectors to the real servers named by the settings. */
public final class LiveConnectors implements Connectors {

    private final KuzzleUpgradeSettings settings;

    public LiveConnectors(KuzzleUpgradeSettings settings) {
        this.settings = settings;
    }

    @Override
    public EsPort source() {
        return new RestEsPort(ElasticsearchConnection.open(settings.sourceElasticsearch()), settings.writeConcurrency());
    }

    @Override
    public EsPort target() {
        return new RestEsPort(ElasticsearchConnection.open(settings.targetElasticsearch().orElse(settings.sourceElasticsearch())));
    }

    @Override
    public TokenCache cache() {
        if (settings.sourceRedis().isEmpty()) {
            return null;
        }
        return new TokenCache(settings.sourceRedis().get(), settings.targetRedis().orElse(null),
                settings.redisClientOptions().orElse(null));
    }
}
