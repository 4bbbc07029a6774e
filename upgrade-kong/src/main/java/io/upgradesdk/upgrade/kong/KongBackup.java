package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.spi.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Backs up Kong's database before migrations ({@code kong migrations} are irreversible). Use
 * {@link #pgDump} or supply the host's own (snapshot, managed-database backup, decK dump).
 */
@FunctionalInterface
public interface KongBackup {

    /** Takes the backup; must fail (throw) rather than return when no usable backup was made. */
    void backup(StepContext context) throws Exception;

    /**
     * {@code pg_dump -F d} (directory format, restorable with {@code pg_restore --clean}) of one
     * database into {@code directory/<plan id>}; skipped when that backup already completed. pg_dump
     * runs under {@link io.upgradesdk.upgrade.spi.ProcessRunner}: killed after
     * {@link #DEFAULT_PG_DUMP_TIMEOUT} (2 h), the password only in its environment. Each line it
     * prints (its warnings) is a notice of the step as it is printed ("pg_dump: ..."), secrets
     * masked.
     *
     * @param pgDump   the pg_dump binary (e.g. {@code /usr/lib/postgresql/15/bin/pg_dump})
     * @param host     database host
     * @param port     database port
     * @param database database name
     * @param user     database user
     * @param password its password (passed as {@code PGPASSWORD}), or null
     * @param directory where backups go
     */
    static KongBackup pgDump(Path pgDump, String host, int port, String database, String user, Secret password,
            Path directory) {
        return pgDump(pgDump, host, port, database, user, password, directory, DEFAULT_PG_DUMP_TIMEOUT);
    }

    /** How long {@link #pgDump(Path, String, int, String, String, Secret, Path)} lets pg_dump run. */
    Duration DEFAULT_PG_DUMP_TIMEOUT = Duration.ofHours(2);

    /**
     * {@link #pgDump(Path, String, int, String, String, Secret, Path)} with its own timeout: a
     * pg_dump still running after {@code timeout} is killed and the backup fails.
     */
    static KongBackup pgDump(Path pgDump, String host, int port, String database, String user, Secret password,
            Path directory, Duration timeout) {
        Objects.requireNonNull(pgDump, "pgDump");
        Objects.requireNonNull(directory, "directory");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "the pg_dump timeout must be positive,"
                    + " was " + timeout);
        }
        return context -> {
            Path target = directory.resolve(context.planId().replaceAll("[^A-Za-z0-9._-]", "_"));
            if (Files.exists(target.resolve("toc.dat")) && context.cursor().filter("done"::equals).isPresent()) {
                return;
            }
            if (Files.exists(target)) {
                try (var files = Files.walk(target)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(directory);
            List<String> cmd = List.of(pgDump.toString(), "-F", "d", "-f", target.toString(), "-h", host,
                    "-p", Integer.toString(port), "-U", user, "-w", database);
            ProcessRunner.Builder runner = ProcessRunner.builder(cmd, timeout)
                    .failureCode(KongErrorCode.KONG_COMMAND_FAILED)
                    .description("pg_dump of " + database + " on " + host + ":" + port)
                    .onTimeout("check the database's load and locks, or raise the backup timeout"
                            + " (KongBackup.pgDump(..., timeout)); then run again")
                    .onStartFailure("install the PostgreSQL client or give the path of pg_dump")
                    .onOutputLine(line -> {
                        String text = line.shown();
                        if (!text.isBlank()) {   // pg_dump names itself at the start of its own messages
                            context.progress(0, -1, text.startsWith("pg_dump:") ? text : "pg_dump: " + text);
                        }
                    });
            if (password != null) {
                runner.secretEnvironment("PGPASSWORD", password);
            }
            ProcessRunner.Result result = runner.build().run();
            if (!result.succeeded()) {
                throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "pg_dump of " + database + " failed"
                        + " (exit " + result.exitCode() + "): " + result.diagnostics(1000)
                        + ". Fix access to the database (or supply another KongBackup) and run again");
            }
            context.saveCursor("done");
        };
    }
}
