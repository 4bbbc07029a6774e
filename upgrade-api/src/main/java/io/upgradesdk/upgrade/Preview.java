package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.ReportJson;
import java.util.List;
import java.util.Optional;

/**
 * What a run would do now, computed without changing anything: per step whether it would run,
 * resume, be skipped as done, or wait for a confirmation, with the step's own dry-run answer.
 *
 * @param planId       the plan
 * @param fingerprint  the plan's fingerprint
 * @param items        one per step, in plan order
 * @param lease        the lease currently recorded (another run may be in progress), if any
 * @param warnings     problems a run would meet (changed plan, held lock, failing dry runs)
 */
public record Preview(String planId, String fingerprint, List<Item> items, Optional<Lease> lease,
        List<String> warnings) {

    /**
     * The {@link PlannedAction#action()} of a dry run's answer "a run would refuse": the dry run
     * could look and found a problem that stops the run before it changes anything (its target
     * and details say which and how to fix it). See {@link DryRun}.
     */
    public static final String REFUSE = "refuse";

    public Preview {
        requireNonNull(planId, "planId");
        items = List.copyOf(items);
        warnings = List.copyOf(warnings);
    }

    /** What would happen to a step. */
    public enum Action {
        /** Would run from the beginning. */
        RUN,
        /** Was interrupted; would resume from its saved cursor. */
        RESUME,
        /** Already succeeded; would be skipped. */
        ALREADY_DONE,
        /** Marked skipped by an operator; would not run. */
        SKIPPED
    }

    /**
     * One step's line.
     *
     * @param stepId                the step
     * @param description           its description
     * @param phase                 its phase
     * @param action                what would happen
     * @param cursor                the cursor it would resume from, or null
     * @param requiresConfirmation  true for the point of no return (asked before it runs)
     * @param plannedActions        the step's dry-run answer
     * @param dryRunError           why the step's dry run failed (redacted), or null when it answered
     */
    public record Item(String stepId, String description, Phase phase, Action action, String cursor,
            boolean requiresConfirmation, List<PlannedAction> plannedActions, String dryRunError) {
        public Item {
            plannedActions = List.copyOf(plannedActions);
        }
    }

    /** True when a run would stop to ask for a confirmation. */
    public boolean requiresConfirmation() {
        return items.stream().anyMatch(i -> i.requiresConfirmation() && i.action() != Action.ALREADY_DONE);
    }

    /**
     * The steps whose dry run failed: a run would meet the same problem (an invalid configuration,
     * an unreachable server), so a dry run with any of them is not a green light.
     */
    public List<Item> failedDryRuns() {
        return items.stream().filter(i -> i.dryRunError() != null).toList();
    }

    /**
     * The steps whose dry run found a problem that makes the run refuse (a planned action
     * {@value #REFUSE}): like a failed dry run, not a green light.
     */
    public List<Item> refusals() {
        return items.stream().filter(i -> i.plannedActions().stream().anyMatch(a -> a.action().equals(REFUSE)))
                .toList();
    }

    /** The steps a run would execute (run or resume). */
    public List<Item> pending() {
        return items.stream().filter(i -> i.action() == Action.RUN || i.action() == Action.RESUME).toList();
    }

    public String toJson() {
        return ReportJson.write(this);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Preview of plan '" + planId + "' (dry run, nothing changed):");
        for (Item item : items) {
            text.append(System.lineSeparator()).append(String.format("  [%-6s] %-12s %s - %s", item.phase(),
                    item.action(), item.stepId(), item.description()));
            if (item.cursor() != null) {
                text.append(" (from cursor ").append(item.cursor()).append(')');
            }
            if (item.requiresConfirmation()) {
                text.append(" ** point of no return: confirmation will be asked **");
            }
            for (PlannedAction action : item.plannedActions()) {
                text.append(System.lineSeparator()).append("        would ").append(action);
            }
        }
        lease.ifPresent(l -> text.append(System.lineSeparator()).append("  lease held by '").append(l.owner())
                .append("' until ").append(l.expiresAt()));
        for (String warning : warnings) {
            text.append(System.lineSeparator()).append("  WARNING: ").append(warning);
        }
        return text.toString();
    }
}
