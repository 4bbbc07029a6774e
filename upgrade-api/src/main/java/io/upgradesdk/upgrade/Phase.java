package io.upgradesdk.upgrade;

/** The two phases of an upgrade, in the expand/contract sense. */
public enum Phase {
    /** Non-destructive: may run while old and new versions coexist; may be compensated. */
    UP,
    /** Destructive: runs only after every {@code UP} step has succeeded. */
    FINISH
}
