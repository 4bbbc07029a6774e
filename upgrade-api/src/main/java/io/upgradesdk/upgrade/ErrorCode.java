package io.upgradesdk.upgrade;

/**
 * A stable, machine-readable identifier of a failure. Product modules define their own enums
 * implementing this interface; {@link UpgradeErrorCode} holds the codes of the plan engine.
 */
public interface ErrorCode {

    /** The stable identifier, e.g. {@code UPGRADE_LOCK_HELD}; never changes between releases. */
    String id();

    /** Whether retrying the same operation later may succeed (network blips, busy servers). */
    default boolean isTransient() {
        return false;
    }
}
