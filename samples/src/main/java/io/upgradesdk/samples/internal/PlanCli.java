package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeReport;
import java.io.Console;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What every sample command does the same way: ask for confirmation, turn a report or an error
 * into an {@link ExitCode}, print an expected error as one line (its stack trace with {@code --verbose}).
 */
public final class PlanCli {

    private PlanCli() {
    }

    /**
     * {@code --yes} confirms in advance; otherwise an operator at a terminal is asked (default
     * no), and without a terminal the answer is no.
     */
    public static Confirmation confirmation(boolean yes) {
        if (yes) {
            return Confirmation.givenInAdvance();
        }
        Console console = System.console();
        if (console == null) {
            return Confirmation.deny();
        }
        return request -> {
            String answer = console.readLine("%s [y/N] ", request.question());
            return answer != null && answer.trim().equalsIgnoreCase("y");
        };
    }

    /** Success, awaiting confirmation, stopped by a signal, or failure. */
    public static ExitCode exitCode(UpgradeReport report) {
        if (report.isSuccess()) {
            return ExitCode.SUCCESS;
        }
        if (report.outcome() == UpgradeReport.Outcome.AWAITING_CONFIRMATION) {
            return ExitCode.AWAITING_CONFIRMATION;
        }
        return UpgradeErrorCode.STOPPED.id().equals(report.errorCode()) ? ExitCode.STOPPED : ExitCode.FAILURE;
    }

    /** The exit code of an error that ended a command: a held lock, invalid options, or a failure. */
    public static ExitCode exitCode(Throwable error) {
        if (error instanceof UpgradeException e) {
            if (e.code() == UpgradeErrorCode.LOCK_HELD) {
                return ExitCode.LOCK_HELD;
            }
            // A step name that the plan does not have (--mark-done/--mark-skipped) is a mistyped option.
            if (e.code() == UpgradeErrorCode.INVALID_CONFIGURATION || e.code().id().endsWith("INVALID_CONFIGURATION")
                    || e.code() == UpgradeErrorCode.UNKNOWN_STEP) {
                return ExitCode.USAGE;
            }
            return e.code() == UpgradeErrorCode.STOPPED ? ExitCode.STOPPED : ExitCode.FAILURE;
        }
        return error instanceof IllegalArgumentException ? ExitCode.USAGE : ExitCode.FAILURE;
    }

    /**
     * Picocli's handler of an error thrown by a command: one line naming it (a held lock as such),
     * the stack trace only with {@code --verbose}.
     */
    public static int handle(Exception error, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        ExitCode code = exitCode(error);
        err.println(describe(error, code));
        if (verbose(parseResult)) {
            error.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }

    private static String describe(Throwable error, ExitCode code) {
        String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
        return switch (code) {
            case LOCK_HELD -> "Lock held: " + forTheCommandLine(message);
            case USAGE -> "Invalid options: " + message;
            default -> error instanceof UpgradeException e ? "Error (" + e.code().id() + "): " + message
                    : "Error: " + message + (error instanceof RuntimeException && !(error instanceof UpgradeException)
                            ? " (" + error.getClass().getSimpleName() + "; --verbose shows where)" : "");
        };
    }

    /** The library's advice names its API; an operator of this command has an option for it. */
    private static final String API_ADVICE = "force-release the lock (UpgradeRunner.forceReleaseLock) and run again";
    private static final String CLI_ADVICE = "release its lock with the same command plus --unlock --reason TEXT,"
            + " then run again (--lock-wait SECONDS waits for a lock instead of exiting)";

    private static String forTheCommandLine(String lockHeld) {
        return lockHeld.contains(API_ADVICE) ? lockHeld.replace(API_ADVICE, CLI_ADVICE)
                : lockHeld + ". If that run is dead, " + CLI_ADVICE;
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
