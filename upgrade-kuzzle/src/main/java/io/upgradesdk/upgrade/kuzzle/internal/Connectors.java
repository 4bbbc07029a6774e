package io.upgradesdk.upgrade.kuzzle.internal;

/** Opens fresh connections for one step execution; each returned resource is closed by the step. */
public interface Connectors {

    /** The v1 cluster. */
    EsPort source();

    /** The v2 cluster (the source cluster again when in-place). */
    EsPort target();

    /** The token cache (source and, if separate, target Redis); null when no Redis is configured. */
    TokenCache cache();
}
