package io.upgradesdk.upgrade.kuzzle;

/** What to do with v1 soft-deleted documents ({@code _kuzzle_info.active: false}); Kuzzle 2 has no trashcan. */
public enum TrashcanPolicy {
    /** Do not copy them (default): they were deleted in v1 and must stay deleted. */
    DROP,
    /** Copy them as live documents (what the original script did). */
    KEEP_AS_LIVE
}
