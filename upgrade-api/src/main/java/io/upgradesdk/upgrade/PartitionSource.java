package io.upgradesdk.upgrade;

import java.util.List;

/**
 * Computes a partitioned step's partition ids when the step first starts (e.g. index × slice).
 * The list is recorded in the store: a resumed run, and every worker that joins, uses the recorded
 * list, not a new one, until a rollback resets the step.
 */
@FunctionalInterface
public interface PartitionSource {

    /** The partition ids, each a valid step id ({@code [A-Za-z0-9][A-Za-z0-9._:@/-]*}), no duplicates. */
    List<String> partitionIds(StepContext context) throws Exception;
}
