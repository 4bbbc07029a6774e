package io.upgradesdk.upgrade.kuzzle.internal;

/** The plan's connections to two in-memory clusters (the same one twice for in place), without a token cache. */
record FakeConnectors(FakeEs source, FakeEs target) implements Connectors {

    @Override
    public TokenCache cache() {
        return null;
    }
}
