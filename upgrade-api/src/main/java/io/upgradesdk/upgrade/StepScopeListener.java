package io.upgradesdk.upgrade;

/**
 * A listener that also wraps each attempt of a step, on the thread that executes it: a tracing
 * listener makes the step's span current there, so that the spans of the step's own work (an
 * instrumented HTTP or JDBC client) are its children; a logging listener can put the plan and step
 * in the MDC. The runner calls {@link #enterStep} after the attempt's
 * {@link UpgradeEvent.StepStarted} and closes what it returns on the same thread when the attempt
 * ends, whether it returns, throws, or throws an {@link Error} (an assertion in a unit test, the
 * test kit's simulated crash), so nothing stays attached to a host's thread. A partition of a
 * partitioned step is entered on the worker thread that runs it, with its id.
 *
 * <p>Partition workers enter their partitions at the same time: {@code enterStep} must be
 * thread-safe. As for events, a listener that throws is logged and ignored: the step runs without
 * its scope. Compensations and dry runs are not wrapped.
 */
public interface StepScopeListener extends UpgradeListener {

    /**
     * Called on the thread about to run an attempt of {@code stepId}, or one of its partitions.
     *
     * @param planId      the plan's id
     * @param stepId      the step's id
     * @param partitionId the partition a worker thread is about to run, or null for the step itself
     * @return what to close when the attempt or partition ends, on this thread; {@link StepScope#NONE}
     *         for nothing (null is taken as {@code NONE}, with a warning)
     */
    StepScope enterStep(String planId, String stepId, String partitionId);

    /** What {@link #enterStep} opened; closed once, on the thread that entered it. */
    @FunctionalInterface
    interface StepScope extends AutoCloseable {

        /** A scope with nothing to close. */
        StepScope NONE = () -> { };

        /** Ends the scope; must not throw (what it throws is logged and ignored). */
        @Override
        void close();
    }
}
