package io.upgradesdk.upgrade;

/**
 * Works one partition of a {@link PartitionedStep}, from its cursor to its end. Idempotent like a
 * step: after a crash another worker runs it again from the last saved cursor.
 */
@FunctionalInterface
public interface PartitionAction {

    /** Does the partition's work; exceptions are classified by the step's retry policy. */
    void execute(PartitionContext context) throws Exception;
}
