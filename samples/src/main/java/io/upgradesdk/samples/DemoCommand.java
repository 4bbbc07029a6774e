package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.ConfigFolderUpgrade;
import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.samples.internal.KilledChildDemo;
import io.upgradesdk.samples.internal.PlanRunOptions;
import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The embedded demo: upgrades a folder of v1 JSON configs to a v2 layout, with the file checkpoint
 * store in that folder by default. Needs no server. Takes the options of the product commands
 * ({@link PlanRunOptions}: {@code --store}, {@code --status}, {@code --unlock}, {@code --mark-done},
 * {@code --json}, ...); the crash story runs on the first plain run with the file store.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Upgrade a folder of v1 JSON config files to a v2 layout, resumably.",
                "First run (file store, no checkpoint yet): seeds demo-data/v1, runs the UP phase in a child JVM, kills it",
                "with SIGKILL after --crash-after files, and runs again here: it resumes after the last saved file.",
                "Later runs resume or report the steps already done."})
public final class DemoCommand implements Callable<Integer> {

    /** The lease of the crash story's child: short, so the rerun takes it over after a few seconds. */
    private static final Duration CHILD_LEASE = Duration.ofSeconds(3);

    @Option(names = "--dir", description = "Folder holding v1/ (seeded if absent). Default: ${DEFAULT-VALUE}",
            defaultValue = "demo-data")
    Path dir;

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

    /** The options every command shares: the operation, the store, the report, the lock wait, the stop grace. */
    @Mixin
    PlanRunOptions runOptions;

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
        Path defaultCheckpoints = dir.resolve("upgrade.checkpoint.json");
        if (!runOptions.readOnly()) {
            Files.createDirectories(dir);
        }
        try {
            runOptions.check(defaultCheckpoints);
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid options: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        ConfigFolderUpgrade upgrade = childHoldAfter > 0
                ? new ConfigFolderUpgrade(dir, Duration.ofMillis(delayMs), KilledChildDemo.holdAfter(childHoldAfter))
                : new ConfigFolderUpgrade(dir, Duration.ofMillis(delayMs));
        if (!runOptions.readOnly()) {
            int seeded = upgrade.seedIfEmpty(files);
            if (seeded > 0) {
                runOptions.progressStream().printf("Seeded %d v1 config files in %s%n", seeded,
                        dir.resolve("v1").toAbsolutePath());
            }
        }
        UpgradePlan plan = upgrade.plan();
        Optional<Path> storyCheckpoints = runOptions.checkpointFile(defaultCheckpoints)
                .filter(file -> crashAfter > 0 && childHoldAfter == 0 && runOptions.upOnly() && !Files.exists(file));
        Optional<String> killedAfter = storyCheckpoints.isPresent()
                ? killAChildMidway(plan, storyCheckpoints.get()) : Optional.empty();
        return runOptions.run(plan, defaultCheckpoints, "Not confirmed: run again with --finish --yes to delete v1/.",
                new Story(killedAfter));
    }

    /**
     * The demo's part of the run: the child of the crash story holds a short lease, so that the
     * rerun here takes it over soon (and waits for it); the files converted here are counted
     * against the killed run's last one.
     */
    private final class Story implements PlanRunOptions.RunHooks {
        private final Optional<String> killedAfter;
        private final List<String> convertedHere = new CopyOnWriteArrayList<>();

        Story(Optional<String> killedAfter) {
            this.killedAfter = killedAfter;
        }

        @Override
        public void configure(UpgradeRunner.Builder runner) {
            runner.listener(event -> {
                if (event instanceof UpgradeEvent.StepProgress p && p.stepId().equals("convert-files")) {
                    convertedHere.add(p.message());
                }
            }).leaseDuration(childHoldAfter > 0 ? CHILD_LEASE : Duration.ofSeconds(15));
            if (killedAfter.isPresent()) {
                runner.lockWait(CHILD_LEASE.plusSeconds(5));
            }
        }

        @Override
        public void afterReport(UpgradeReport report, PrintStream notes) {
            explain(report, killedAfter, convertedHere, notes);
        }
    }

    /** Steps 1 and 2 of the story: the file the killed child had saved last, if it was killed. */
    private Optional<String> killAChildMidway(UpgradePlan plan, Path checkpointFile) throws Exception {
        PrintStream out = runOptions.progressStream();
        out.printf("[1/3] Running the UP phase in a child JVM; it will be killed with kill -9 after file %d"
                + " of %d.%n", crashAfter, files);
        KilledChildDemo demo = new KilledChildDemo(out);
        Optional<String> lastSaved = demo.runAndKill(List.of("demo", "--dir=" + dir, "--checkpoints=" + checkpointFile,
                "--files=" + files, "--delay-ms=" + delayMs, "--crash-after=0", "--child-hold-after=" + crashAfter));
        if (lastSaved.isEmpty()) {
            out.printf("The child ended before file %d (only %d files?); nothing was killed.%n", crashAfter, files);
            return Optional.empty();
        }
        demo.describeWhatWasLeft(checkpointFile, plan);
        out.printf("[3/3] Running again in this JVM: it waits for the dead run's lease to expire (%d s), skips"
                + " the finished steps and resumes convert-files after %s.%n", CHILD_LEASE.toSeconds(), lastSaved.get());
        return lastSaved;
    }

    private static void explain(UpgradeReport report, Optional<String> killedAfter, List<String> convertedHere,
            PrintStream notes) {
        if (report.isSuccess() && report.operation() == RunOperation.UP) {
            killedAfter.ifPresent(last -> {
                boolean noneAgain = convertedHere.stream().allMatch(f -> f.compareTo(last) > 0);
                notes.printf("After the kill, this run converted %d files (%s); the killed run had converted"
                        + " up to %s. %s%n", convertedHere.size(), convertedHere.isEmpty() ? "none"
                        : convertedHere.get(0) + " to " + convertedHere.get(convertedHere.size() - 1), last,
                        noneAgain ? "No file was converted twice." : "Some files were converted again.");
            });
            notes.println("UP phase done; v1/ and v2/ coexist. Next: demo --finish --yes retires v1/"
                    + " (demo --dry-run previews, demo --rollback undoes, demo --status shows the checkpoint).");
        }
    }
}
