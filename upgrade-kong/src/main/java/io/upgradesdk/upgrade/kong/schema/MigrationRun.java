package io.upgradesdk.upgrade.kong.schema;

import io.upgradesdk.upgrade.kong.MigrationState;
import java.util.List;

/**
 * What one {@link SchemaMigrator} command did.
 *
 * @param command  bootstrap, up, finish or reset
 * @param exitCode Kong's exit code for the outcome (0 for success and "nothing to do")
 * @param output   the lines Kong would print on stdout, joined with newlines
 * @param executed {@code subsystem/name} of migrations recorded executed (teardowns included)
 * @param pending  {@code subsystem/name} of migrations recorded pending
 * @param state    the state after the command
 */
public record MigrationRun(String command, int exitCode, String output, List<String> executed, List<String> pending,
        MigrationState state) {
    public MigrationRun {
        executed = List.copyOf(executed);
        pending = List.copyOf(pending);
    }

    /** Number of migrations processed (executed + pending). */
    public int processed() {
        return executed.size() + pending.size();
    }
}
