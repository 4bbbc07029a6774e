package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.SequenceJson;
import java.util.List;
import java.util.Optional;

/**
 * What running a sequence would do now, computed without changing anything: the plans already
 * applied (skipped) and, for each pending plan, its {@link Preview}. The dry runs of later plans
 * see the system as it is now, before the earlier plans ran.
 *
 * @param sequenceId the sequence
 * @param plans      one line per plan of the sequence, in order
 * @param warnings   what would stop a run before it starts (a plan out of order), with the fix
 */
public record SequencePreview(String sequenceId, List<PlanPreview> plans, List<String> warnings) {

    public SequencePreview {
        requireNonNull(sequenceId, "sequenceId");
        plans = List.copyOf(plans);
        warnings = List.copyOf(warnings);
    }

    /**
     * One plan's line.
     *
     * @param planId         the plan's id in the sequence
     * @param alreadyApplied true when the sequence recorded it applied: it would not run
     * @param preview        the plan's preview, when it would run
     */
    public record PlanPreview(String planId, boolean alreadyApplied, Optional<Preview> preview) {
        public PlanPreview {
            requireNonNull(planId, "planId");
            requireNonNull(preview, "preview");
        }
    }

    /** The plans a run would execute (or resume), in order. */
    public List<String> pendingPlans() {
        return plans.stream().filter(p -> !p.alreadyApplied()).map(PlanPreview::planId).toList();
    }

    /** True when a pending plan would stop to ask for a confirmation. */
    public boolean requiresConfirmation() {
        return plans.stream().flatMap(p -> p.preview().stream()).anyMatch(Preview::requiresConfirmation);
    }

    public String toJson() {
        return SequenceJson.write(this);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Preview of sequence '" + sequenceId + "' (dry run, nothing changed):");
        for (PlanPreview plan : plans) {
            text.append(System.lineSeparator()).append("  plan ").append(plan.planId())
                    .append(plan.alreadyApplied() ? ": already applied, would not run" : ":");
            plan.preview().ifPresent(p -> text.append(System.lineSeparator())
                    .append(p.toString().indent(4).stripTrailing()));
        }
        for (String warning : warnings) {
            text.append(System.lineSeparator()).append("  WARNING: ").append(warning);
        }
        return text.toString();
    }
}
