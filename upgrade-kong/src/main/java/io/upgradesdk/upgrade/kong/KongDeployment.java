package io.upgradesdk.upgrade.kong;

import java.net.URI;
import java.util.List;

/**
 * The host's side of an upgrade plan: how Kong nodes are started, stopped and decommissioned in
 * its environment (VMs, systemd, Kubernetes, ...). Every method must be idempotent: a resumed
 * plan may call it again.
 */
public interface KongDeployment {

    /** Stops the old version's nodes (in-place upgrades; downtime starts). */
    default void stopOldNodes() throws Exception {
        throw new UnsupportedOperationException("this deployment cannot stop old nodes; implement stopOldNodes()");
    }

    /** Starts the old version's nodes again (compensation of {@link #stopOldNodes()}). */
    default void startOldNodes() throws Exception {
        throw new UnsupportedOperationException("this deployment cannot restart old nodes; implement startOldNodes()");
    }

    /** Starts the new version's nodes (idempotent; returns once they are launched, not necessarily ready). */
    void startNewNodes() throws Exception;

    /** The Admin (or Status) API URLs of the new version's nodes, polled for readiness. */
    List<URI> newNodes();

    /** Stops the new version's nodes (compensation of {@link #startNewNodes()}). */
    default void stopNewNodes() throws Exception {
    }

    /** Removes the old version's nodes for good. */
    default void decommissionOldNodes() throws Exception {
    }
}
