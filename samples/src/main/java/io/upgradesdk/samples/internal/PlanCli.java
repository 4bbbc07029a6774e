package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.UpgradeReport;
import java.io.Console;

/** What every sample command does the same way: ask for confirmation, turn a report into an exit code. */
public final class PlanCli {

    /** Exit code when the run stopped before the point of no return for want of a confirmation. */
    public static final int AWAITING_CONFIRMATION = 2;

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

    /** 0 on success, 2 when awaiting a confirmation, 1 on failure. */
    public static int exitCode(UpgradeReport report) {
        if (report.isSuccess()) {
            return 0;
        }
        return report.outcome() == UpgradeReport.Outcome.AWAITING_CONFIRMATION ? AWAITING_CONFIRMATION : 1;
    }
}
