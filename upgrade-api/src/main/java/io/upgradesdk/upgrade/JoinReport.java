package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What {@link UpgradeRunner#join} did: which partitioned step it found running, how many
 * partitions its workers finished, and every partition's state when they stopped.
 *
 * @param planId     the plan joined
 * @param stepId     the partitioned step that was running, empty when none was (nothing was done)
 * @param completed  partitions this process's workers worked to DONE
 * @param failed     partitions this process's workers recorded FAILED
 * @param partitions the step's partitions when the workers stopped
 */
public record JoinReport(String planId, Optional<String> stepId, int completed, int failed,
        List<PartitionStatus> partitions) {

    public JoinReport {
        requireNonNull(planId, "planId");
        requireNonNull(stepId, "stepId");
        partitions = List.copyOf(partitions);
    }
}
