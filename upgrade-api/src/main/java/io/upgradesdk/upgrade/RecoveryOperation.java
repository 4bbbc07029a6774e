package io.upgradesdk.upgrade;

/** An operator's correction of a plan's stored state; recorded in the audit trail by name. */
public enum RecoveryOperation implements Operation {
    /** A step recorded as done without running it. */
    MARK_DONE,
    /** A step recorded as skipped: runs will not execute it. */
    MARK_SKIPPED,
    /** The plan's lease removed, whoever held it. */
    FORCE_RELEASE_LOCK
}
