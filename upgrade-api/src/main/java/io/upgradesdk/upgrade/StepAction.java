package io.upgradesdk.upgrade;

/** The body of a step: does the work, may save a cursor through the context. */
@FunctionalInterface
public interface StepAction {
    void execute(StepContext context) throws Exception;
}
