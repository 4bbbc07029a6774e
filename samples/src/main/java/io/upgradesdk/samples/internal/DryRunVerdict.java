package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a dry run comes to, for a script that gates on its exit code: clear ({@link ExitCode#SUCCESS})
 * when every step's dry run answered and none would refuse, else {@link ExitCode#FAILURE}, with one
 * line naming each problem once (the steps it stops after it) and what to do next.
 *
 * @param exitCode what the command exits with
 * @param summary  the command's last line
 */
public record DryRunVerdict(ExitCode exitCode, String summary) {

    /** The verdict on the previews of one plan, or of each plan of a sequence. */
    public static DryRunVerdict of(List<Preview> previews) {
        Map<String, List<String>> stepsByProblem = new LinkedHashMap<>();
        int steps = 0;
        for (Preview preview : previews) {
            steps += preview.items().size();
            preview.failedDryRuns().forEach(item -> stepsByProblem.computeIfAbsent(
                    "could not check: " + withoutExceptionName(item.dryRunError()), k -> new ArrayList<>())
                    .add(item.stepId()));
            preview.refusals().forEach(item -> refusalsOf(item).forEach(refusal -> stepsByProblem
                    .computeIfAbsent("would refuse: " + refusal, k -> new ArrayList<>()).add(item.stepId())));
        }
        if (stepsByProblem.isEmpty()) {
            return new DryRunVerdict(ExitCode.SUCCESS, "Dry run clear: every step's dry run answered and none would"
                    + " refuse (" + steps + (steps == 1 ? " step)." : " steps)."));
        }
        long blocked = stepsByProblem.values().stream().flatMap(List::stream).distinct().count();
        StringBuilder line = new StringBuilder("Dry run NOT clear (exit ").append(ExitCode.FAILURE.code())
                .append("): ").append(blocked).append(" of ").append(steps)
                .append(" steps could not be checked or would refuse. ");
        stepsByProblem.forEach((problem, stepIds) -> line.append(problem).append(' ').append(stepIds).append("; "));
        line.append(stepsByProblem.size() == 1 ? "fix it" : "fix each").append(", then run the dry run again.");
        return new DryRunVerdict(ExitCode.FAILURE, line.toString());
    }

    /** The verdict on one plan's preview. */
    public static DryRunVerdict of(Preview preview) {
        return of(List.of(preview));
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
