package io.upgradesdk.upgrade;

import java.util.List;

/** Describes, without side effects, what a step would do. */
@FunctionalInterface
public interface DryRun {
    List<PlannedAction> describe(StepContext context) throws Exception;
}
