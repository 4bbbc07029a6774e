package io.upgradesdk.upgrade;

import java.util.List;

/**
 * Describes, without side effects, what a step would do. A problem the dry run finds that would stop
 * the run is answered as a planned action {@link Preview#REFUSE} (see {@link Preview#refusals()});
 * a dry run that cannot answer (an unreachable server) throws (see {@link Preview#failedDryRuns()}).
 */
@FunctionalInterface
public interface DryRun {
    List<PlannedAction> describe(StepContext context) throws Exception;
}
