package io.upgradesdk.upgrade.store.redis;

import io.upgradesdk.upgrade.ErrorCode;

/** Error codes of {@link RedisCheckpointStore}; ids are prefixed {@code REDIS_STORE_}. */
public enum RedisStoreErrorCode implements ErrorCode {
    /**
     * Redis could not be reached or answered "try again" (connection refused or lost, timeout,
     * loading its data after a restart, cluster down). Transient: the runner retries.
     */
    UNAVAILABLE {
        @Override
        public boolean isTransient() {
            return true;
        }
    },
    /**
     * Redis refused the command for a reason retrying cannot fix: wrong password, the ACL user
     * lacks a command or key pattern, or a key of the prefix holds data of another application.
     */
    REJECTED;

    @Override
    public String id() {
        return "REDIS_STORE_" + name();
    }
}
