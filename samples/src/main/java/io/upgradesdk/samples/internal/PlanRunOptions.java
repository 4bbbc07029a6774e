package io.upgradesdk.samples.internal;

import io.upgradesdk.samples.ConsoleListener;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options every product command shares to run its plan ({@code --dry-run}, {@code --finish},
 * {@code --yes}), and the one way it runs it: a file checkpoint store, the console listener, a
 * confirmation asked at a terminal, the report printed, an exit code.
 */
public final class PlanRunOptions {

    @Option(names = "--dry-run", description = "Show what would happen; change nothing.")
    boolean dryRun;

    @Option(names = "--finish", description = "Also run the FINISH phase (the point of no return).")
    boolean finish;

    @Option(names = "--yes", description = "Confirm the point of no return in advance (non-interactive).")
    boolean yes;

    /** True with {@code --finish}: the plan may include what only the FINISH phase does. */
    public boolean finish() {
        return finish;
    }

    /**
     * Previews the plan ({@code --dry-run}) or runs its UP phase (and FINISH with {@code --finish}),
     * resuming from {@code checkpoints}; prints the report, and {@code whenNotConfirmed} when the run
     * stopped before the point of no return. Returns the exit code of {@link PlanCli#exitCode}.
     */
    public int run(UpgradePlan plan, Path checkpoints, String whenNotConfirmed) {
        try (FileCheckpointStore store = new FileCheckpointStore(checkpoints)) {
            UpgradeRunner runner = UpgradeRunner.builder()
                    .store(store)
                    .confirmation(PlanCli.confirmation(yes))
                    .listener(new ConsoleListener(System.out))
                    .leaseDuration(Duration.ofSeconds(60))
                    .build();
            if (dryRun) {
                System.out.println(runner.preview(plan));
                return 0;
            }
            UpgradeReport report = finish ? runner.run(plan) : runner.up(plan);
            System.out.println(report);
            if (report.outcome() == UpgradeReport.Outcome.AWAITING_CONFIRMATION) {
                System.out.println(whenNotConfirmed);
            }
            System.out.println("Checkpoint: " + checkpoints.toAbsolutePath());
            return PlanCli.exitCode(report);
        }
    }
}
