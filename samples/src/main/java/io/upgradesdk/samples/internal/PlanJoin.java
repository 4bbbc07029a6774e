package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.JoinReport;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --join}: this process works, as extra workers, the free partitions of a copy that another
 * run of the same plan (another pod or host, on the same shared store) is running; it never runs
 * a step itself and takes no plan lock. Exit codes: 0 when its partitions are done (or the plan was
 * already finished), 1 when a partition failed, or when no copy is running to join (not started
 * yet, or at a step that has no partitions): a Job retries later.
 */
public final class PlanJoin {

    private PlanJoin() {
    }

    /** Joins the running copy of {@code plan} with {@code workers} threads (0: the step's own number); prints what it did. */
    public static ExitCode join(UpgradeRunner runner, UpgradePlan plan, int workers, PrintStream out) {
        JoinReport report = runner.join(plan, workers);
        if (report.stepId().isEmpty()) {
            return nothingToJoin(runner.status(plan), out);
        }
        Map<PartitionState, Integer> states = new EnumMap<>(PartitionState.class);
        for (PartitionStatus p : report.partitions()) {
            states.merge(p.state(), 1, Integer::sum);
        }
        out.printf("Joined step '%s' of plan '%s': this process completed %d partition(s), %d failed; all %d"
                + " partitions now: %s.%n", report.stepId().get(), plan.id(), report.completed(), report.failed(),
                report.partitions().size(), states);
        if (report.failed() > 0) {
            out.println("Failed partitions resume from their cursor at the next run or join.");
            return ExitCode.FAILURE;
        }
        return ExitCode.SUCCESS;
    }

    /** Says why there was nothing to join: the plan is finished, not started, or at a step without partitions. */
    static ExitCode nothingToJoin(PlanStatus status, PrintStream out) {
        if (status.isUpComplete()) {
            out.printf("Nothing to join: the copy of plan '%s' is already finished. Nothing was done.%n",
                    status.planId());
            return ExitCode.SUCCESS;
        }
        Optional<StepRecord> current = status.steps().stream().filter(s -> !s.state().isDone()).findFirst();
        boolean started = status.steps().stream().anyMatch(s -> s.state() != StepState.PENDING);
        String where = !started ? "no run of it has started on this store"
                : "its run is at step '" + current.map(StepRecord::stepId).orElse("?") + "' ("
                        + current.map(s -> s.state().name()).orElse("?") + "), which has no partitions to share";
        out.printf("Nothing to join: no copy of plan '%s' is running (%s). Nothing was done; start the run (same"
                + " command without --join) or join again once it copies.%n", status.planId(), where);
        return ExitCode.FAILURE;
    }
}
