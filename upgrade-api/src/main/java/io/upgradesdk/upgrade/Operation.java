package io.upgradesdk.upgrade;

/** What the runner was asked to do. */
public enum Operation {
    PREVIEW, UP, FINISH, RUN, ROLLBACK, MARK_DONE, MARK_SKIPPED, FORCE_RELEASE_LOCK
}
