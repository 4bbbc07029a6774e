package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;

/** Connectors to the real servers named by the settings. */
public final class LiveConnectors implements Connectors {

    private final KuzzleUpgradeSettings settings;

    public LiveConnectors(KuzzleUpgradeSettings settings) {
        this.settings = settings;
    }

    @Override
    public EsPort source() {
        return new RestEsPort(EsClient.connect(settings.sourceElasticsearch()), settings.writeConcurrency());
    }

    @Override
    public EsPort target() {
        return new RestEsPort(EsClient.connect(settings.targetElasticsearch().orElse(settings.sourceElasticsearch())));
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
