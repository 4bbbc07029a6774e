package io.upgradesdk.upgrade.elasticsearch;

/**
 * What the host does for a rolling upgrade: stop one node, install the new version, start it again
 * on the same data directory (systemd, Kubernetes, a script...). Called at most once per node per
 * run, after the plan disabled replica allocation and flushed; the plan then waits until the node
 * rejoins with the new version. Must be idempotent: a resumed run may call it again for a node
 * whose restart was interrupted (a node already running the new version should be left alone).
 */
@FunctionalInterface
public interface NodeHost {

    /** Stops, upgrades and starts the node named {@code nodeName}; throws when that failed. */
    void upgradeNode(String nodeName) throws Exception;
}
