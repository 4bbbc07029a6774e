package io.upgradesdk.upgrade;

/**
 * What the runner was asked to do: a {@link RunOperation} (runs steps, ends with an
 * {@link UpgradeReport}) or a {@link RecoveryOperation} (an operator's audited correction, ends
 * with a {@link PlanStatus}). Reports, events and audit entries carry it by {@link #name()}.
 */
public sealed interface Operation permits RunOperation, RecoveryOperation {

    /** The stable name written into reports and audit entries, e.g. {@code UP} or {@code MARK_DONE}. */
    String name();
}
