package io.upgradesdk.upgrade.kuzzle;

/**
 * What the FINISH step deletes from the v1 structure after an in-place upgrade (the point of no
 * return). The default is {@link #NOTHING}: destruction is always an explicit choice (the original
 * script pre-selected "remove all upgraded structures").
 */
public enum DestroyPolicy {
    /** Keep everything as is (default). */
    NOTHING,
    /** Delete the v1 internal index only. */
    INTERNAL,
    /** Delete the v1 internal index and the v1 plugin storages. */
    INTERNAL_AND_PLUGINS,
    /** Delete the v1 internal index, plugin storages and every public index whose collections were all migrated. */
    EVERYTHING
}
