package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.ConfigFolderUpgrade;
import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.samples.internal.SignalStop;
import io.upgradesdk.samples.internal.StoreOptions;
import io.upgradesdk.samples.internal.KilledChildDemo;
import io.upgradesdk.samples.internal.PlanCli;
import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded demo: upgrades a folder of v1 JSON configs to a v2 layout with the file
 * checkpoint store. Needs no server.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Upgrade a folder of v1 JSON config files to a v2 layout, resumably.",
                "First run (no checkpoint yet): seeds demo-data/v1, runs the UP phase in a child JVM, kills it",
                "with SIGKILL after --crash-after files, and runs again here: it resumes after the last saved file.",
                "Later runs resume or report the steps already done."})
public final class DemoCommand implements Callable<Integer> {

    /** The lease of the crash story's child: short, so the rerun takes it over after a few seconds. */
    private static final Duration CHILD_LEASE = Duration.ofSeconds(3);

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

    @Option(names = "--crash-after", defaultValue = "5", description = {"On the first run (no checkpoint yet): kill"
            + " the child JVM running the upgrade after N files, then resume here. 0: no crash, one plain run."
            + " Default: ${DEFAULT-VALUE}"})
    int crashAfter;

    /** Set on the child JVM of the crash story: wait to be killed after N files. */
    @Option(names = "--child-hold-after", hidden = true, defaultValue = "0")
    int childHoldAfter;

    @Override
    public Integer call() throws Exception {
        if (files < 1 || files > 10_000) {
            System.err.println("Invalid options: --files must be 1 to 10000, was " + files);
            return ExitCode.USAGE.code();
        }
        if (crashAfter < 0 || delayMs < 0) {
            System.err.println("Invalid options: --crash-after and --delay-ms must be 0 or more");
            return ExitCode.USAGE.code();
        }
        boolean readOnly = dryRun || status;
        if (!readOnly) {
            Files.createDirectories(dir);
        }
        Path checkpointFile = checkpoints != null ? checkpoints : dir.resolve("upgrade.checkpoint.json");
        boolean story = crashAfter > 0 && childHoldAfter == 0 && !Files.exists(checkpointFile) && !readOnly
                && !rollback && !finish;
        ConfigFolderUpgrade upgrade = childHoldAfter > 0
                ? new ConfigFolderUpgrade(dir, Duration.ofMillis(delayMs), KilledChildDemo.holdAfter(childHoldAfter))
                : new ConfigFolderUpgrade(dir, Duration.ofMillis(delayMs));
        if (!readOnly) {
            int seeded = upgrade.seedIfEmpty(files);
            if (seeded > 0) {
                System.out.printf("Seeded %d v1 config files in %s%n", seeded, dir.resolve("v1").toAbsolutePath());
            }
        }
        UpgradePlan plan = upgrade.plan();
        Optional<String> killedAfter = story ? killAChildMidway(plan, checkpointFile) : Optional.empty();
        boolean resumingAfterKill = killedAfter.isPresent();
        List<String> convertedHere = new ArrayList<>();
        try (SignalStop stop = SignalStop.install(Duration.ofSeconds(25), System.err);
                StoreOptions.Opened opened = StoreOptions.openFile(checkpointFile, readOnly)) {
            UpgradeRunner runner = UpgradeRunner.builder()
                    .store(opened.store())
                    .confirmation(PlanCli.confirmation(yes))
                    .listener(new ConsoleListener(System.out))
                    .listener(event -> {
                        if (event instanceof UpgradeEvent.StepProgress p && p.stepId().equals("convert-files")) {
                            convertedHere.add(p.message());
                        }
                    })
                    // the child of the crash story holds a short lease, so the rerun can take it over soon
                    .leaseDuration(childHoldAfter > 0 ? CHILD_LEASE : Duration.ofSeconds(15))
                    .lockWait(resumingAfterKill ? CHILD_LEASE.plusSeconds(5) : Duration.ZERO)
                    .stopSignal(stop.signal())
                    .build();
            if (status) {
                System.out.println(runner.status(plan));
                return stop.complete(ExitCode.SUCCESS.code());
            }
            if (dryRun) {
                System.out.println(runner.preview(plan));
                return stop.complete(ExitCode.SUCCESS.code());
            }
            UpgradeReport report = rollback ? runner.rollback(plan) : finish ? runner.run(plan) : runner.up(plan);
            System.out.println(report);
            explain(report, killedAfter, convertedHere);
            System.out.println("Checkpoint: " + checkpointFile.toAbsolutePath());
            return stop.complete(PlanCli.exitCode(report).code());
        }
    }

    /** Steps 1 and 2 of the story: the file the killed child had saved last, if it was killed. */
    private Optional<String> killAChildMidway(UpgradePlan plan, Path checkpointFile) throws Exception {
        System.out.printf("[1/3] Running the UP phase in a child JVM; it will be killed with kill -9 after file %d"
                + " of %d.%n", crashAfter, files);
        KilledChildDemo demo = new KilledChildDemo(System.out);
        Optional<String> lastSaved = demo.runAndKill(List.of("demo", "--dir=" + dir, "--checkpoints=" + checkpointFile,
                "--files=" + files, "--delay-ms=" + delayMs, "--crash-after=0", "--child-hold-after=" + crashAfter));
        if (lastSaved.isEmpty()) {
            System.out.printf("The child ended before file %d (only %d files?); nothing was killed.%n", crashAfter, files);
            return Optional.empty();
        }
        demo.describeWhatWasLeft(checkpointFile, plan);
        System.out.printf("[3/3] Running again in this JVM: it waits for the dead run's lease to expire (%d s), skips"
                + " the finished steps and resumes convert-files after %s.%n", CHILD_LEASE.toSeconds(), lastSaved.get());
        return lastSaved;
    }

    private static void explain(UpgradeReport report, Optional<String> killedAfter, List<String> convertedHere) {
        if (report.outcome() == UpgradeReport.Outcome.AWAITING_CONFIRMATION) {
            System.out.println("Not confirmed: run again with --finish --yes to delete v1/.");
        } else if (report.isSuccess() && report.operation() == RunOperation.UP) {
            killedAfter.ifPresent(last -> {
                boolean noneAgain = convertedHere.stream().allMatch(f -> f.compareTo(last) > 0);
                System.out.printf("After the kill, this run converted %d files (%s); the killed run had converted"
                        + " up to %s. %s%n", convertedHere.size(), convertedHere.isEmpty() ? "none"
                        : convertedHere.get(0) + " to " + convertedHere.get(convertedHere.size() - 1), last,
                        noneAgain ? "No file was converted twice." : "Some files were converted again.");
            });
            System.out.println("UP phase done; v1/ and v2/ coexist. Next: demo --finish --yes retires v1/"
                    + " (demo --dry-run previews, demo --rollback undoes, demo --status shows the checkpoint).");
        }
    }
}
