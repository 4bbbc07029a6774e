package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;

/** Connectors to the real servers named by the settings. */
public final class LiveConnectors implements Connectors {

    private final KuzzleUpgradeSettings settings;

    public LiveConnectors(KuzzleUpgradeSettings settings) {
        this.settings = settings;
    }

    @Override
    public EsPort source() {
        throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, "Elasticsearch access is not wired yet");
    }

    @Override
    public EsPort target() {
        return settings.inPlace() ? source() : source();
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
