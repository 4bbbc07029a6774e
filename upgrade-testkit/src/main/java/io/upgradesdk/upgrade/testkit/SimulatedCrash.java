package io.upgradesdk.upgrade.testkit;

/**
 * Thrown by the test kit where a {@link CrashPoint} says the process dies. An {@link Error}, so
 * steps that catch {@code Exception} cannot swallow it and the runner does not retry it; once
 * thrown, the crashed run's store refuses every further call, so the store is left exactly as a
 * killed process leaves it (checkpoint as last saved, lease still held).
 */
public final class SimulatedCrash extends Error {

    private static final long serialVersionUID = 1L;

    private final transient CrashPoint point;

    SimulatedCrash(CrashPoint point, String detail) {
        super("simulated crash " + point + ": " + detail, null, false, false);
        this.point = point;
    }

    /** Where the run crashed. */
    public CrashPoint point() {
        return point;
    }
}
