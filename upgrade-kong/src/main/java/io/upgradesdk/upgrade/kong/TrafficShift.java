package io.upgradesdk.upgrade.kong;

/**
 * The host's traffic switch between the old and the new Kong nodes (load balancer, DNS, service
 * mesh). Both methods must be idempotent; {@link #shiftBack()} is the rollback before {@code finish}.
 */
public interface TrafficShift {

    /** Sends traffic to the new nodes (gradually if the host wishes; returns when done). */
    void shiftToNew() throws Exception;

    /** Sends traffic back to the old nodes. */
    void shiftBack() throws Exception;

    /** For deployments with nothing to switch (in-place). */
    static TrafficShift none() {
        return new TrafficShift() {
            @Override
            public void shiftToNew() {
            }

            @Override
            public void shiftBack() {
            }
        };
    }
}
