package io.upgradesdk.upgrade.kuzzle;

import io.upgradesdk.upgrade.ErrorCode;

/** Error codes of the Kuzzle 1.x → 2.x upgrade; ids are prefixed {@code KUZZLE_}. */
public enum KuzzleErrorCode implements ErrorCode {
    /** The settings given to the plan are invalid or contradictory. */
    INVALID_SETTINGS,
    /** Source index or collection names that Kuzzle 2 cannot address, or that collide once lower-cased. */
    UNADDRESSABLE_NAMES,
    /** The v1 {@code .kuzzlerc} is not valid JSON (with comments). */
    CONFIG_MALFORMED,
    /** The v1 {@code .kuzzlerc} cannot be converted (conflicting keys, unreadable file, ...). */
    CONFIG_CONFLICT,
    /** A source structure the step needs is missing (e.g. {@code %kuzzle} after a destroy). */
    SOURCE_MISSING,
    /** A target index exists that this plan did not create. */
    TARGET_EXISTS,
    /** Documents were rejected by the target or counts differ after a copy. */
    COPY_MISMATCH,
    /**
     * The target Elasticsearch major is one the target Kuzzle release cannot use (8 before Kuzzle
     * 2.32.0, 9 and later with any Kuzzle 2); found before anything is written.
     */
    INCOMPATIBLE_TARGET,
    /** The source and the "separate" target are the same server. */
    SAME_ENDPOINT,
    /** Elasticsearch answered with an unexpected error. */
    ELASTICSEARCH_FAILED {
        @Override
        public boolean isTransient() {
            return true;
        }
    },
    /** Redis answered with an unexpected error. */
    REDIS_FAILED {
        @Override
        public boolean isTransient() {
            return true;
        }
    },
    /** A server refused the credentials (Redis {@code WRONGPASS}/{@code NOAUTH}/{@code NOPERM}); not retried. */
    AUTHENTICATION,
    /** Verification found differences between source and target. */
    VERIFICATION_FAILED;

    @Override
    public String id() {
        return "KUZZLE_" + name();
    }
}
