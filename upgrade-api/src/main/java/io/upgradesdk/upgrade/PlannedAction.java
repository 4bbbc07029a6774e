package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing a step would do, as answered by its dry run: an action on a target, with details.
 *
 * @param action  a verb, e.g. {@code "copy"}, {@code "delete-index"}
 * @param target  what it acts on, e.g. {@code "&index.collection"}
 * @param details further facts (counts, sizes, names); never secrets
 */
public record PlannedAction(String action, String target, Map<String, String> details) {

    public PlannedAction {
        requireNonNull(action, "action");
        requireNonNull(target, "target");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(details, "details")));
    }

    public static PlannedAction of(String action, String target) {
        return new PlannedAction(action, target, Map.of());
    }

    public static PlannedAction of(String action, String target, Map<String, String> details) {
        return new PlannedAction(action, target, details);
    }

    @Override
    public String toString() {
        return details.isEmpty() ? action + " " + target : action + " " + target + " " + details;
    }
}
