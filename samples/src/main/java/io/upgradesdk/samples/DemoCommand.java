package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.PlanCli;
import io.upgradesdk.samples.internal.ConfigFolderUpgrade;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded demo: upgrades a folder of v1 JSON configs to a v2 layout with the file
 * checkpoint store. Needs no server.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Upgrade a folder of v1 JSON config files to a v2 layout, resumably.",
                "First run: seeds demo-data/v1 and runs the UP phase. Interrupt it (Ctrl-C or --stop-after N)",
                "and run again: it resumes after the last converted file."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Folder holding v1/ (seeded if absent). Default: ${DEFAULT-VALUE}",
            defaultValue = "demo-data")
    Path dir;

    @Option(names = "--checkpoints", description = "Checkpoint file. Default: <dir>/upgrade.checkpoint.json")
    Path checkpoints;

    @Option(names = "--dry-run", description = "Show what would happen; change nothing.")
    boolean dryRun;

    @Option(names = "--finish", description = "Also run the FINISH phase (deletes v1/: the point of no return).")
    boolean finish;

    @Option(names = "--yes", description = "Confirm the point of no return in advance (non-interactive).")
    boolean yes;

    @Option(names = "--rollback", description = "Undo the UP phase (deletes v2/), if FINISH has not run.")
    boolean rollback;

    @Option(names = "--status", description = "Print the plan's status and exit.")
    boolean status;

    @Option(names = "--files", description = "How many v1 files to seed. Default: ${DEFAULT-VALUE}", defaultValue = "12")
    int files;

    @Option(names = "--delay-ms", description = "Pause per file, to watch or interrupt. Default: ${DEFAULT-VALUE}",
            defaultValue = "150")
    long delayMs;

    @Option(names = "--stop-after", description = "Halt the JVM abruptly after N files, as a crash would.",
            defaultValue = "0")
    int stopAfter;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        ConfigFolderUpgrade upgrade = new ConfigFolderUpgrade(dir, Duration.ofMillis(delayMs), stopAfter);
        if (!dryRun) {
            int seeded = upgrade.seedIfEmpty(files);
            if (seeded > 0) {
                System.out.printf("Seeded %d v1 config files in %s%n", seeded, dir.resolve("v1").toAbsolutePath());
            }
        }
        UpgradePlan plan = upgrade.plan();
        Path checkpointFile = checkpoints != null ? checkpoints : dir.resolve("upgrade.checkpoint.json");
        try (FileCheckpointStore store = new FileCheckpointStore(checkpointFile)) {
            UpgradeRunner runner = UpgradeRunner.builder()
                    .store(store)
                    .confirmation(PlanCli.confirmation(yes))
                    .listener(new ConsoleListener(System.out))
                    .leaseDuration(Duration.ofSeconds(15))
                    .build();
            if (status) {
                System.out.println(runner.status(plan));
                return 0;
            }
            if (dryRun) {
                System.out.println(runner.preview(plan));
                return 0;
            }
            UpgradeReport report = rollback ? runner.rollback(plan) : finish ? runner.run(plan) : runner.up(plan);
            System.out.println(report);
            if (report.outcome() == UpgradeReport.Outcome.AWAITING_CONFIRMATION) {
                System.out.println("Not confirmed: run again with --finish --yes to delete v1/.");
            } else if (report.isSuccess() && !finish && !rollback) {
                System.out.println("UP phase done; v1/ and v2/ coexist. Run with --finish to retire v1/.");
            }
            System.out.println("Checkpoint: " + checkpointFile.toAbsolutePath());
            return PlanCli.exitCode(report);
        }
    }

}
