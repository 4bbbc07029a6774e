package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a dry run comes to, for a script that gates on its exit code, as one last line naming each
 * problem once (with the steps it stops, as {@code plan:step} when there are several plans) and what
 * to do next:
 * <ul>
 *   <li>{@link ExitCode#FAILURE} when a step's dry run could not answer (a server down, an invalid
 *       configuration) or found a problem that makes the run refuse, or the run would be refused as a
 *       whole (a checkpoint of a plan with other steps, a sequence out of order);</li>
 *   <li>else {@link ExitCode#LOCK_HELD} when another run holds a plan's lock (a run now would stop there);</li>
 *   <li>else {@link ExitCode#SUCCESS}: clear.</li>
 * </ul>
 *
 * @param exitCode what the command exits with
 * @param summary  the command's last line
 */
public record DryRunVerdict(ExitCode exitCode, String summary) {

    /**
     * The verdict on the previews of one plan, or of the pending plans of a sequence.
     *
     * @param previews     the plans' previews
     * @param runRefusals  why a run would be refused as a whole, before any step (a checkpoint written
     *                     by a plan with other steps, a sequence out of order); empty when none
     * @param now          a lock counts as held when it has not expired at {@code now}
     */
    public static DryRunVerdict of(List<Preview> previews, List<String> runRefusals, Instant now) {
        Map<String, List<String>> stepsByProblem = new LinkedHashMap<>();
        List<String> locks = new ArrayList<>();
        int steps = 0;
        boolean severalPlans = previews.size() > 1;
        for (Preview preview : previews) {
            steps += preview.items().size();
            Function<Preview.Item, String> name = item -> severalPlans ? preview.planId() + ":" + item.stepId()
                    : item.stepId();
            preview.failedDryRuns().forEach(item -> stepsByProblem.computeIfAbsent(
                    "could not check: " + withoutExceptionName(item.dryRunError()), k -> new ArrayList<>())
                    .add(name.apply(item)));
            preview.refusals().forEach(item -> refusalsOf(item).forEach(refusal -> stepsByProblem
                    .computeIfAbsent("would refuse: " + refusal, k -> new ArrayList<>()).add(name.apply(item))));
            preview.lease().filter(lease -> !lease.isExpiredAt(now)).ifPresent(lease -> locks.add(held(lease)));
        }
        if (stepsByProblem.isEmpty() && runRefusals.isEmpty() && locks.isEmpty()) {
            return new DryRunVerdict(ExitCode.SUCCESS, "Dry run clear: every step's dry run answered and none would"
                    + " refuse (" + steps + (steps == 1 ? " step)." : " steps)."));
        }
        ExitCode code = stepsByProblem.isEmpty() && runRefusals.isEmpty() ? ExitCode.LOCK_HELD : ExitCode.FAILURE;
        StringBuilder line = new StringBuilder("Dry run NOT clear (exit ").append(code.code()).append("): ");
        if (!stepsByProblem.isEmpty()) {
            long blocked = stepsByProblem.values().stream().flatMap(List::stream).distinct().count();
            line.append(blocked).append(" of ").append(steps).append(" steps could not be checked or would refuse. ");
        }
        stepsByProblem.forEach((problem, stepIds) -> line.append(problem).append(' ').append(stepIds).append("; "));
        runRefusals.forEach(problem -> line.append("would refuse the run: ").append(problem).append("; "));
        locks.forEach(lock -> line.append(lock).append("; "));
        int problems = stepsByProblem.size() + runRefusals.size() + locks.size();
        line.append(problems == 1 ? "fix it" : "fix each").append(", then run the dry run again.");
        return new DryRunVerdict(code, line.toString());
    }

    /** The verdict on one plan's preview, with the reasons why its run would be refused as a whole. */
    public static DryRunVerdict of(Preview preview, List<String> runRefusals, Instant now) {
        return of(List.of(preview), runRefusals, now);
    }

    private static String held(Lease lease) {
        return "the lock of plan '" + lease.planId() + "' is held by '" + lease.owner() + "' until "
                + lease.expiresAt() + ": a run now would exit " + ExitCode.LOCK_HELD.code()
                + " (wait for that run to end, or --unlock --reason TEXT if it is dead)";
    }

    private static List<String> refusalsOf(Preview.Item item) {
        return item.plannedActions().stream().filter(a -> a.action().equals(Preview.REFUSE))
                .map(DryRunVerdict::describe).toList();
    }

    private static String describe(PlannedAction refusal) {
        String reason = refusal.details().get("reason");
        return reason == null ? refusal.target() : refusal.target() + ": " + reason;
    }

    /** An {@code UpgradeException}'s message says all; the name of another exception says what went wrong. */
    private static String withoutExceptionName(String error) {
        String prefix = "UpgradeException: ";
        return error.startsWith(prefix) ? error.substring(prefix.length()) : error;
    }
}
