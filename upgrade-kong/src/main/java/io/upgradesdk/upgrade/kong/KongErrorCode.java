package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.ErrorCode;

/** Error codes of the Kong module; ids are prefixed {@code KONG_}. */
public enum KongErrorCode implements ErrorCode {
    /** A version string that is not {@code x.y.z}, {@code x.y.z.n} (Enterprise) or {@code x.y.z-rcN}. */
    INVALID_VERSION,
    /** The catalogue has no such release (or the bundled catalogue is unreadable). */
    UNKNOWN_RELEASE,
    /** The upgrade path is not supported; the message names the intermediate versions. */
    UNSUPPORTED_PATH,
    /** The database could not be read or written. */
    DATABASE_ERROR {
        @Override
        public boolean isTransient() {
            return true;
        }
    },
    /** The database needs {@code bootstrap} first. */
    NEEDS_BOOTSTRAP,
    /** The database has pending migrations of a previous upgrade; run finish first. */
    PENDING_MIGRATIONS,
    /** Another node holds the {@code migrations} lock (Kong prints "another node is performing database changes"). */
    LOCK_HELD {
        @Override
        public boolean isTransient() {
            return true;
        }
    },
    /**
     * Another upgrade plan run holds the plan lock of this Kong database (a PostgreSQL advisory
     * lock held for the run, whatever checkpoint store each run uses); the message names the holder.
     */
    PLAN_LOCK_HELD,
    /** The migrations lock expired or was taken over while this run held it. */
    LOCK_LOST,
    /** A migration's up or teardown failed. */
    MIGRATION_FAILED,
    /** The database records migrations this code does not know: it is newer than the code. */
    DATABASE_NEWER_THAN_CODE,
    /** A migration or subsystem definition is invalid. */
    INVALID_MIGRATION,
    /** Nothing to reset: the database is not bootstrapped. */
    NOTHING_TO_RESET,
    /** The Kong CLI or Admin API failed or answered unexpectedly. */
    KONG_COMMAND_FAILED,
    /** A Kong node did not become healthy/ready in time. */
    NODE_NOT_READY;

    @Override
    public String id() {
        return "KONG_" + name();
    }
}
