package io.upgradesdk.upgrade;

/** An operation that runs steps of a plan under its lease and ends with an {@link UpgradeReport}. */
public enum RunOperation implements Operation {
    /** The UP steps not yet done. */
    UP,
    /** The FINISH steps not yet done, once every UP step is done. */
    FINISH,
    /** Both phases under one lease: UP, then FINISH. */
    RUN,
    /** The compensations of started UP steps, in reverse order. */
    ROLLBACK
}
