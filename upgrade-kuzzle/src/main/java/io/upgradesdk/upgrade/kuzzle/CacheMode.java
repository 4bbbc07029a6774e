package io.upgradesdk.upgrade.kuzzle;

/** How v1 token keys reach their v2 names. */
public enum CacheMode {
    /** Copy to the new key name, keep the v1 key until it expires (default). */
    COPY,
    /**
     * Copy, then delete the v1 token key; only token keys are ever deleted (the original script
     * deleted every {@code repos/*} key).
     */
    MOVE
}
