package io.upgradesdk.samples.internal;

import io.upgradesdk.samples.ConsoleListener;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.OperatorNote;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.RunOperation;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.SequencePreview;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.SequenceStatus;
import io.upgradesdk.upgrade.StopSignal;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every product command shares to run its plan, and the one way it runs it: the
 * operation ({@code --dry-run}, the UP phase, {@code --finish}, {@code --status}, {@code --rollback},
 * {@code --unlock}, {@code --mark-done}, {@code --mark-skipped}), the checkpoint store, the
 * console listener, a confirmation asked at a terminal, SIGTERM/SIGINT as a stop at the next safe
 * point, the report (text or JSON), and an {@link ExitCode}.
 */
public final class PlanRunOptions {

    @Option(names = "--dry-run", description = "Show what would happen; change nothing (creates no file).")
    boolean dryRun;

    @Option(names = "--finish", description = "Also run the FINISH phase (the point of no return).")
    boolean finish;

    @Option(names = "--yes", description = "Confirm the point of no return in advance (non-interactive).")
    boolean yes;

    @Option(names = "--status", description = "Print the plan's state as stored (read only) and exit.")
    boolean status;

    @Option(names = "--rollback", description = "Undo the UP phase (compensations), if FINISH has not started.")
    boolean rollback;

    @Option(names = "--unlock", description = "Force-release the plan's lock held by a dead run (needs --reason).")
    boolean unlock;

    @Option(names = "--mark-done", paramLabel = "STEP", description = "Record STEP as done by hand (needs --reason).")
    String markDone;

    @Option(names = "--mark-skipped", paramLabel = "STEP", description = "Record STEP as skipped (needs --reason).")
    String markSkipped;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why an --unlock/--mark-* is safe (audited).")
    String reason;

    @Option(names = "--json", description = "Print the report as JSON on stdout (progress goes to stderr).")
    boolean json;

    @Option(names = "--report-json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path reportJson;

    @Option(names = "--lock-wait", paramLabel = "SECONDS", defaultValue = "0",
            description = "Wait up to SECONDS for a lock held by another run. Default: ${DEFAULT-VALUE}")
    long lockWaitSeconds;

    @Option(names = "--stop-grace", paramLabel = "SECONDS", defaultValue = "25",
            description = "On SIGTERM/SIGINT, wait up to SECONDS for a safe point. Default: ${DEFAULT-VALUE}")
    long stopGraceSeconds;

    @Mixin
    StoreOptions store;

    /**
     * What a command adds to the shared way of running its plan: its own listeners or lease
     * settings, and what it prints after the report. Both do nothing by default.
     */
    public interface RunHooks {

        /** Called on the runner's builder after the shared settings, which it may override. */
        default void configure(UpgradeRunner.Builder runner) {
        }

        /** Called with the signal that SIGTERM and SIGINT raise for this command, before it runs. */
        default void stopSignal(StopSignal signal) {
        }

        /**
         * Called with the console that prints the run's progress, before it runs: what the hooks
         * print goes through it, below its live line.
         */
        default void console(ConsoleListener console) {
        }

        /** Called after the report of a run or rollback was printed; {@code notes} is where notes go. */
        default void afterReport(UpgradeReport report, PrintStream notes) {
        }
    }

    private static final RunHooks NO_HOOKS = new RunHooks() {
    };

    /** True with {@code --finish}: the plan may include what only the FINISH phase does. */
    public boolean finish() {
        return finish;
    }

    /** True with {@code --dry-run} or {@code --status}: the command changes nothing and creates no file. */
    public boolean readOnly() {
        return dryRun || status;
    }

    /** Where progress and notes go: standard error with {@code --json} (stdout then holds the JSON only), else stdout. */
    public PrintStream progressStream() {
        return json ? System.err : System.out;
    }

    /** True when the command runs the UP phase alone: no {@code --finish} and no other operation. */
    public boolean upOnly() {
        return !finish && !readOnly() && !rollback && !unlock && markDone == null && markSkipped == null;
    }

    /** The checkpoint file when the store is the file store ({@code defaultCheckpoints} unless {@code --checkpoints}). */
    public Optional<Path> checkpointFile(Path defaultCheckpoints) {
        return store.file(defaultCheckpoints);
    }

    /**
     * Checks the options that need no server.
     *
     * @throws IllegalArgumentException naming the problem and the fix (a usage error)
     */
    public void check(Path defaultCheckpoints) {
        List<String> operations = new ArrayList<>();
        addIf(operations, dryRun, "--dry-run");
        addIf(operations, status, "--status");
        addIf(operations, rollback, "--rollback");
        addIf(operations, unlock, "--unlock");
        addIf(operations, markDone != null, "--mark-done");
        addIf(operations, markSkipped != null, "--mark-skipped");
        if (operations.size() > 1) {
            throw new IllegalArgumentException("give one of " + operations + ", not several");
        }
        if ((unlock || markDone != null || markSkipped != null) && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException(operations.get(0) + " needs --reason TEXT: say why it is safe (audited)");
        }
        if (finish && !operations.isEmpty() && !dryRun) {
            throw new IllegalArgumentException("--finish runs the plan; it does not go with " + operations.get(0));
        }
        if (lockWaitSeconds < 0 || stopGraceSeconds < 1) {
            throw new IllegalArgumentException("--lock-wait must be 0 or more and --stop-grace 1 or more seconds");
        }
        if (reportJson != null && writesReport()) {
            checkReportFile(reportJson);
        }
        store.check(defaultCheckpoints, readOnly());
    }

    /** True for the operations that end with a report: a run (UP, both phases) or a rollback. */
    private boolean writesReport() {
        return !readOnly() && !unlock && markDone == null && markSkipped == null;
    }

    /**
     * A report file that cannot be written is found before the run, not after hours of it (the run
     * would end with exit 1, and a Job retry with the same failure).
     */
    private static void checkReportFile(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("--report-json " + file + " is a directory; give a file in it, e.g. "
                    + file.resolve("report.json"));
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--report-json " + file + ": the directory " + dir + " does not exist;"
                    + " create it (or mount the volume there) or choose another path");
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            throw new IllegalArgumentException("--report-json " + file + " cannot be written (permissions of "
                    + (Files.exists(file) ? file : dir) + "); choose a path this user can write");
        }
    }

    private static void addIf(List<String> list, boolean condition, String name) {
        if (condition) {
            list.add(name);
        }
    }

    /**
     * Performs the chosen operation on {@code plan}, resuming from the store, and prints what it
     * came to ({@code whenNotConfirmed} when the run stopped before the point of no return).
     * {@code defaultCheckpoints} is the file store's default, or null when {@code --checkpoints} is
     * required. Returns the {@link ExitCode}'s code; refusals (a held lock, ...) are thrown.
     */
    public int run(UpgradePlan plan, Path defaultCheckpoints, String whenNotConfirmed) {
        return run(plan, defaultCheckpoints, whenNotConfirmed, NO_HOOKS);
    }

    /** As {@link #run(UpgradePlan, Path, String)}, with the command's {@code hooks}. */
    public int run(UpgradePlan plan, Path defaultCheckpoints, String whenNotConfirmed, RunHooks hooks) {
        check(defaultCheckpoints);
        boolean readOnly = dryRun || status;
        PrintStream out = System.out;
        PrintStream progress = json ? System.err : System.out;
        ConsoleListener console = new ConsoleListener(progress);
        try (ConsoleListener.Restore guard = console.guardStandardError();
                SignalStop stop = SignalStop.install(Duration.ofSeconds(stopGraceSeconds), System.err);
                StoreOptions.Opened opened = store.open(defaultCheckpoints, readOnly, SecretSource.system())) {
            UpgradeRunner runner = runner(opened, stop, console, hooks);
            Optional<DryRunVerdict> verdict = dryRun ? Optional.of(preview(runner, plan, out)) : Optional.empty();
            int code = verdict.map(v -> v.exitCode().code())
                    .orElseGet(() -> perform(runner, plan, out, whenNotConfirmed, hooks));
            progress.println("Checkpoints: " + opened.description());
            verdict.ifPresent(v -> progress.println(v.summary()));
            return stop.complete(code);
        }
    }

    /**
     * Runs the pending plans of {@code sequence} in order (both phases of each), resuming from the
     * store, or with {@code --dry-run} / {@code --status} shows the whole sequence; prints the
     * report and returns the {@link ExitCode} of the plan that stopped it (success when none did).
     * {@code --rollback}, {@code --unlock} and {@code --mark-*} address one plan and are refused here.
     */
    public int run(UpgradeSequence sequence, Path defaultCheckpoints, String whenNotConfirmed) {
        check(defaultCheckpoints);
        if (rollback || unlock || markDone != null || markSkipped != null) {
            throw new IllegalArgumentException("--rollback, --unlock and --mark-* act on one plan, not on the"
                    + " sequence '" + sequence.id() + "' " + sequence.planIds()
                    + ": give one --target-version to act on one plan");
        }
        boolean readOnly = dryRun || status;
        PrintStream out = System.out;
        PrintStream progress = json ? System.err : System.out;
        ConsoleListener console = new ConsoleListener(progress);
        try (ConsoleListener.Restore guard = console.guardStandardError();
                SignalStop stop = SignalStop.install(Duration.ofSeconds(stopGraceSeconds), System.err);
                StoreOptions.Opened opened = store.open(defaultCheckpoints, readOnly, SecretSource.system())) {
            UpgradeRunner runner = runner(opened, stop, console, NO_HOOKS);
            Optional<DryRunVerdict> verdict = dryRun ? Optional.of(preview(runner, sequence, out)) : Optional.empty();
            int code = verdict.map(v -> v.exitCode().code())
                    .orElseGet(() -> perform(runner, sequence, out, whenNotConfirmed));
            progress.println("Checkpoints: " + opened.description());
            verdict.ifPresent(v -> progress.println(v.summary()));
            return stop.complete(code);
        }
    }

    /**
     * {@code --join}: works, with {@code workers} threads (0: the plan's own number), the free
     * partitions of the copy that another run of {@code plan} is running on the same store; runs no
     * step itself (see {@link PlanJoin}). Only the store, output and signal options apply; another
     * operation is a usage error. Returns the {@link ExitCode}'s code.
     */
    public int join(UpgradePlan plan, Path defaultCheckpoints, int workers) {
        check(defaultCheckpoints);
        if (!upOnly()) {
            throw new IllegalArgumentException("--join works the partitions of a running copy; it does not go with"
                    + " --finish, --dry-run, --status, --rollback, --unlock or --mark-*");
        }
        PrintStream progress = json ? System.err : System.out;
        Optional<Path> file = store.file(defaultCheckpoints);
        if (file.isPresent() && !Files.exists(file.get())) {
            progress.printf("Nothing to join: no run of plan '%s' has written its checkpoints to %s yet. Nothing was"
                    + " done; start the run (same command without --join) or join again once it copies.%n", plan.id(),
                    file.get().toAbsolutePath());
            return ExitCode.FAILURE.code();
        }
        ConsoleListener console = new ConsoleListener(progress);
        try (ConsoleListener.Restore guard = console.guardStandardError();
                SignalStop stop = SignalStop.install(Duration.ofSeconds(stopGraceSeconds), System.err);
                StoreOptions.Opened opened = store.open(defaultCheckpoints, false, SecretSource.system())) {
            ExitCode code = PlanJoin.join(runner(opened, stop, console, NO_HOOKS), plan, workers, progress);
            progress.println("Checkpoints: " + opened.description());
            return stop.complete(code.code());
        }
    }

    /** A runner printing its progress through {@code console}, stopped by {@code stop}. */
    private UpgradeRunner runner(StoreOptions.Opened opened, SignalStop stop, ConsoleListener console,
            RunHooks hooks) {
        UpgradeRunner.Builder builder = UpgradeRunner.builder()
                .store(opened.store())
                .confirmation(PlanCli.confirmation(yes))
                .listener(console)
                .leaseDuration(Duration.ofSeconds(60))
                .lockWait(Duration.ofSeconds(lockWaitSeconds))
                .stopSignal(stop.signal());
        hooks.configure(builder);
        hooks.stopSignal(stop.signal());
        hooks.console(console);
        return builder.build();
    }

    /**
     * {@code --dry-run}: prints the preview and returns its {@link DryRunVerdict}: a step whose dry run
     * could not answer (an unreachable server, an invalid configuration) or found a problem that makes
     * the run refuse is what the run would meet, so the dry run is then not clear.
     */
    private DryRunVerdict preview(UpgradeRunner runner, UpgradePlan plan, PrintStream out) {
        Preview preview = runner.preview(plan);
        out.println(json ? preview.toJson() : preview.toString());
        return DryRunVerdict.of(preview, changedPlans(List.of(runner.status(plan))), Instant.now());
    }

    /** As {@link #preview(UpgradeRunner, UpgradePlan, PrintStream)}, over the plans of a sequence. */
    private DryRunVerdict preview(UpgradeRunner runner, UpgradeSequence sequence, PrintStream out) {
        SequencePreview preview = runner.preview(sequence);
        out.println(json ? preview.toJson() : preview.toString());
        SequenceStatus status = runner.status(sequence);
        List<String> refusals = new ArrayList<>(status.problems());
        refusals.addAll(changedPlans(status.plans().stream().filter(p -> p.state() != SequenceStatus.State.APPLIED)
                .map(SequenceStatus.PlanProgress::status).toList()));
        return DryRunVerdict.of(preview.plans().stream().flatMap(p -> p.preview().stream()).toList(), refusals,
                Instant.now());
    }

    /** A run is refused when the stored checkpoint was written by a plan with other steps. */
    private static List<String> changedPlans(List<PlanStatus> statuses) {
        return statuses.stream().filter(s -> !s.fingerprintMatches()).map(s -> "the checkpoint of plan '"
                + s.planId() + "' was written by a plan with other steps (other options?); give the options of the"
                + " run that wrote it, or another checkpoint").toList();
    }

    private int perform(UpgradeRunner runner, UpgradeSequence sequence, PrintStream out, String whenNotConfirmed) {
        if (status) {
            out.println(runner.status(sequence));
            return ExitCode.SUCCESS.code();
        }
        SequenceReport report = runner.run(sequence);
        writeReport(report.toJson());
        out.println(json ? report.toJson() : report.toString());
        if (report.outcome() == UpgradeReport.Outcome.AWAITING_CONFIRMATION) {
            (json ? System.err : out).println(whenNotConfirmed);
        }
        return exitCode(report).code();
    }

    /** The exit code of the plan that stopped the sequence, as for a plan; success when none did. */
    static ExitCode exitCode(SequenceReport report) {
        if (report.isSuccess()) {
            return ExitCode.SUCCESS;
        }
        return report.stoppedAt().flatMap(SequenceReport.PlanReport::report).map(PlanCli::exitCode)
                .orElse(ExitCode.FAILURE);
    }

    private int perform(UpgradeRunner runner, UpgradePlan plan, PrintStream out, String whenNotConfirmed,
            RunHooks hooks) {
        if (status) {
            out.println(runner.status(plan));
            return ExitCode.SUCCESS.code();
        }
        if (unlock) {
            return unlock(runner, plan, out);
        }
        if (markDone != null || markSkipped != null) {
            OperatorNote note = OperatorNote.by(runner.owner(), reason);
            PlanStatus after = markDone != null ? runner.markDone(plan, markDone, note)
                    : runner.markSkipped(plan, markSkipped, note);
            out.println(after);
            return ExitCode.SUCCESS.code();
        }
        RunOperation operation = rollback ? RunOperation.ROLLBACK : finish ? RunOperation.RUN : RunOperation.UP;
        Instant startedAt = Instant.now();
        UpgradeReport report;
        try {
            report = switch (operation) {
                case ROLLBACK -> runner.rollback(plan);
                case RUN -> runner.run(plan);
                default -> runner.up(plan);
            };
        } catch (RuntimeException refused) {
            // Refused before it started (a held lock, the store down, ...): the report says so, so that
            // a report file left by an earlier attempt is not taken for this one's.
            UpgradeReport notRun = notRun(plan, operation, startedAt, refused);
            if (json) {
                out.println(notRun.toJson());
            }
            try {
                writeReport(notRun.toJson());
            } catch (UncheckedIOException notWritten) {
                refused.addSuppressed(notWritten); // the refusal keeps its exit code (4 for a held lock)
            }
            throw refused;
        }
        out.println(json ? report.toJson() : report.toString());
        writeReport(report.toJson());
        PrintStream notes = json ? System.err : out;
        if (report.outcome() == UpgradeReport.Outcome.AWAITING_CONFIRMATION) {
            notes.println(whenNotConfirmed);
        }
        hooks.afterReport(report, notes);
        return PlanCli.exitCode(report).code();
    }

    /** The report of an operation refused before it started: outcome FAILED, every step NOT_RUN, the error's code. */
    static UpgradeReport notRun(UpgradePlan plan, RunOperation operation, Instant startedAt, RuntimeException error) {
        List<UpgradeStep> steps = switch (operation) {
            case UP -> plan.steps(Phase.UP);
            case FINISH -> plan.steps(Phase.FINISH);
            case RUN -> plan.steps();
            case ROLLBACK -> List.of();
        };
        String message = Secret.redact(error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getMessage(), plan.secrets());
        String code = error instanceof UpgradeException e ? e.code().id() : null;
        return new UpgradeReport(plan.id(), plan.fingerprint(), operation, UpgradeReport.Outcome.FAILED, startedAt,
                Instant.now(), steps.stream().map(s -> new UpgradeReport.StepReport(s.id(), s.phase(),
                        UpgradeReport.StepOutcome.NOT_RUN, 0, Duration.ZERO, null)).toList(), code, message);
    }

    private int unlock(UpgradeRunner runner, UpgradePlan plan, PrintStream out) {
        Optional<Lease> held = runner.status(plan).lease();
        if (held.isEmpty()) {
            out.printf("Plan '%s' has no lock held; nothing to release.%n", plan.id());
            return ExitCode.SUCCESS.code();
        }
        runner.forceReleaseLock(plan, OperatorNote.by(runner.owner(), reason));
        Lease lease = held.get();
        out.printf("Released the lock of plan '%s' held by '%s' (token %d, expiring %s); reason: %s%n", plan.id(),
                lease.owner(), lease.token(), lease.expiresAt(), reason);
        return ExitCode.SUCCESS.code();
    }

    private void writeReport(String reportAsJson) {
        if (reportJson == null) {
            return;
        }
        try {
            Files.writeString(reportJson, reportAsJson + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --report-json " + reportJson + " (" + e + "); the report"
                    + " was printed above", e);
        }
    }
}
