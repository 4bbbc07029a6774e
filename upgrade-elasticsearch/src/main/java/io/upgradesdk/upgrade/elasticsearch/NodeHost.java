package io.upgradesdk.upgrade.elasticsearch;

import java.util.function.Consumer;

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

    /**
     * {@link #upgradeNode(String)}, telling {@code output} what it does as it goes, one line at a
     * time (a script's output: "stopping elasticsearch", "installing 8.19.0"): the rolling upgrade
     * publishes each line as a notice of its step (an INFO line of the SLF4J listener, a line of
     * the console), so that an operator sees what a long restart is doing. {@code output} may be
     * called from another thread while this method runs, one line at a time, never after it
     * returned. By default it tells nothing and calls {@link #upgradeNode(String)};
     * {@link CommandNodeHost} hands over its command's output lines.
     */
    default void upgradeNode(String nodeName, Consumer<String> output) throws Exception {
        upgradeNode(nodeName);
    }
}
