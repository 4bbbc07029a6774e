package io.upgradesdk.upgrade.kong;

/**
 * What a {@code kong migrations} command prints and its exit code. {@code stdout} holds Kong's
 * info lines (each ending in a newline); {@code stderr} holds its warnings without Kong's
 * {@code YYYY/MM/DD HH:MM:SS [warn]} timestamp prefix.
 *
 * @param exitCode Kong's exit code (list: 0 up to date, 3 needs bootstrap, 4 pending, 5 new; 1 error)
 * @param stdout   the info output
 * @param stderr   the warning output, empty when none
 */
public record CommandOutput(int exitCode, String stdout, String stderr) {
}
