package io.upgradesdk.upgrade.kuzzle;

/**
 * What to do with v1 role rights that are permission closures ({@code {"test": "...", "args": {}}}),
 * which Kuzzle 2 no longer evaluates. Every closure is listed in the report whatever the policy.
 */
public enum ClosurePolicy {
    /** Replace the closure by {@code false} (default): the same as what Kuzzle 2 does at run time, made explicit. */
    DENY,
    /** Replace the closure by {@code true}: permissive, review the report before choosing it. */
    ALLOW,
    /** Copy the role verbatim (the original script): Kuzzle 2 denies the action, and updating the role via the API fails. */
    KEEP
}
