package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
     * database into {@code directory/<plan id>}; skipped when that backup already completed.
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
        Objects.requireNonNull(pgDump, "pgDump");
        Objects.requireNonNull(directory, "directory");
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
            List<String> cmd = new ArrayList<>(List.of(pgDump.toString(), "-F", "d", "-f", target.toString(), "-h", host,
                    "-p", Integer.toString(port), "-U", user, "-w", database));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (password != null) {
                pb.environment().put("PGPASSWORD", password.reveal());
            }
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "pg_dump of " + database + " failed: "
                        + out.strip() + ". Fix access to the database (or supply another KongBackup) and run again");
            }
            context.saveCursor("done");
        };
    }
}
