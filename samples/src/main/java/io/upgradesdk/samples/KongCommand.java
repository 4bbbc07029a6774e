package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.samples.internal.JdbcUrl;
import io.upgradesdk.samples.internal.JdbcUrlDataSource;
import io.upgradesdk.samples.internal.PlanRunOptions;
import io.upgradesdk.samples.internal.Seconds;
import io.upgradesdk.samples.internal.SecretSource;
import io.upgradesdk.samples.internal.UrlCredentials;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StopSignal;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.kong.CommandOutput;
import io.upgradesdk.upgrade.kong.KongAdminClient;
import io.upgradesdk.upgrade.kong.KongBackup;
import io.upgradesdk.upgrade.kong.KongCli;
import io.upgradesdk.upgrade.kong.KongDatabase;
import io.upgradesdk.upgrade.kong.KongDeployment;
import io.upgradesdk.upgrade.kong.KongUpgradePath;
import io.upgradesdk.upgrade.kong.KongUpgradePaths;
import io.upgradesdk.upgrade.kong.KongUpgrade;
import io.upgradesdk.upgrade.kong.KongUpgradeSettings;
import io.upgradesdk.upgrade.kong.KongVersion;
import io.upgradesdk.upgrade.kong.MigrationState;
import io.upgradesdk.upgrade.kong.ProcessKongCli;
import io.upgradesdk.upgrade.kong.TrafficShift;
import io.upgradesdk.upgrade.spi.ProcessRunner;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kong}: Kong's migration state, upgrade paths and upgrade plans from the command line.
 * {@code list}/{@code status} exit with Kong's codes (0 up to date, 3 needs bootstrap, 4 pending, 5 new),
 * and 1 for a database newer than the version asked for (where Kong says nothing and exits 0).
 * The database password comes from {@code KONG_PG_PASSWORD}, {@code --pg-password-file} or a prompt, never an argument.
 */
@Command(name = "kong", mixinStandardHelpOptions = true,
        description = "Kong Gateway migrations on PostgreSQL: list, status, path, upgrade.",
        subcommands = {KongCommand.ListCommand.class, KongCommand.StatusCommand.class, KongCommand.PathCommand.class,
                KongCommand.UpgradeCommand.class})
public final class KongCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Database options shared by the subcommands. */
    static final class PgOptions {
        static final String PASSWORD_ENV = "KONG_PG_PASSWORD";

        @Option(names = "--pg-url", required = true, description = "JDBC URL of Kong's database, without password, e.g. "
                + "jdbc:postgresql://127.0.0.1:5432/kong")
        String url;

        @Option(names = "--pg-user", defaultValue = "kong", description = "Database user. Default: ${DEFAULT-VALUE}")
        String user;

        @Option(names = "--pg-password", arity = "0..1", fallbackValue = "", paramLabel = "",
                description = "Prompt for the database password at a terminal. A value here is refused (visible in ps):"
                        + " set " + PASSWORD_ENV + " or --pg-password-file.")
        String password;

        @Option(names = "--pg-password-file", paramLabel = "FILE",
                description = "File holding the database password (else the environment variable " + PASSWORD_ENV + ").")
        Path passwordFile;

        @Option(names = "--pg-schema", description = "Kong's pg_schema. Default: the user's current schema")
        String schema;

        @Option(names = "--plugins", split = ",", description = "Kong's bundled plugins setting. Default: all bundled")
        Set<String> plugins;

        private Secret secret;
        private boolean secretRead;

        /**
         * The password: prompted with a bare {@code --pg-password}, else from the file or the environment.
         *
         * @throws IllegalArgumentException when a password was given as an argument
         */
        Secret secret() {
            if (!secretRead) {
                secret = readSecret();
                secretRead = true;
            }
            return secret;
        }

        private Secret readSecret() {
            if (password != null && !password.isEmpty()) {
                throw new IllegalArgumentException("--pg-password with a value is refused: a password on the command line"
                        + " is visible to every user in ps. Set " + PASSWORD_ENV + " or use --pg-password-file FILE");
            }
            if (password != null) {
                java.io.Console console = System.console();
                if (console == null) {
                    throw new IllegalArgumentException("--pg-password prompts at a terminal and there is none; set "
                            + PASSWORD_ENV + " or use --pg-password-file FILE");
                }
                char[] typed = console.readPassword("Kong database password: ");
                return typed == null || typed.length == 0 ? null : Secret.of("kong.pg.password", new String(typed));
            }
            return SecretSource.system().read("kong.pg.password", PASSWORD_ENV, passwordFile, "--pg-password-file")
                    .orElse(null);
        }

        /** The checked {@code --pg-url}. */
        JdbcUrl jdbcUrl() {
            return JdbcUrl.postgres(url, "--pg-url", "set " + PASSWORD_ENV + " or use --pg-password-file");
        }

        /** Kong's database at {@code --pg-url}. */
        KongDatabase database() {
            return database(jdbcUrl());
        }

        /** A Kong database at {@code jdbcUrl}, with this user, password, schema and plugins. */
        KongDatabase database(JdbcUrl jdbcUrl) {
            KongDatabase.Builder b = KongDatabase.builder().dataSource(new JdbcUrlDataSource(jdbcUrl, user, secret()))
                    .schema(schema);
            if (plugins != null) {
                b.plugins(plugins);
            }
            return b.build();
        }
    }

    /** What list and status share: the database options, the version, and error reporting. */
    abstract static class DatabaseReadCommand implements Callable<Integer> {
        @Mixin
        PgOptions pg;

        @Option(names = "--kong-version", description = "Kong version to evaluate for. Default: newest in the catalogue")
        String version;

        @Override
        public Integer call() {
            KongDatabase db;
            KongVersion wanted;
            try {
                wanted = version == null ? null : KongVersion.parse(version);
                db = pg.database();
            } catch (UpgradeException | IllegalArgumentException e) {
                return usage(e);
            }
            try {
                return print(db, wanted == null ? db.catalog().latest().version() : wanted);
            } catch (UpgradeException e) {
                return error(e);
            }
        }

        /**
         * Prints what Kong would print and returns Kong's exit code, except for a database holding
         * migrations this version does not know (written by a newer Kong): Kong exits 0 there; we
         * exit with the failure code, so a script does not go on.
         */
        abstract int print(KongDatabase db, KongVersion version);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "What 'kong migrations list' prints for a Kong version; exits 0/3/4/5 as Kong does.")
    static final class ListCommand extends DatabaseReadCommand {
        @Override
        int print(KongDatabase db, KongVersion version) {
            // One read of schema_meta for the text and the exit code (a database error is reported by call()).
            MigrationState state = db.state(version);
            CommandOutput out = state.listOutput(version.toString());
            System.out.print(out.stdout());
            System.err.print(out.stderr());
            return state.isNewerThanCode() ? ExitCode.FAILURE.code() : out.exitCode();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "What 'kong migrations status' prints (JSON); exit code as for list.")
    static final class StatusCommand extends DatabaseReadCommand {
        @Override
        int print(KongDatabase db, KongVersion version) {
            var state = db.state(version);
            System.out.println(state.toStatusJson());
            if (state.isNewerThanCode()) {
                System.err.print(state.newerThanCodeWarning(version.toString()));
                return ExitCode.FAILURE.code();
            }
            return state.exitCode();
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "Whether an upgrade path is supported, through which versions, and what it runs.")
    static final class PathCommand implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "Running version (x.y.z, x.y.z.n for Enterprise)")
        String from;

        @Option(names = "--to", required = true, description = "Target version")
        String to;

        @Override
        public Integer call() {
            KongUpgradePath p;
            try {
                p = KongUpgradePaths.bundled().path(from, to);
            } catch (UpgradeException e) {
                return error(e);
            }
            PrintWriter out = new PrintWriter(System.out, true);
            out.printf("%s -> %s: %s%n", p.from(), p.to(), p.supported() ? (p.isDirect() ? "supported, direct"
                    : "supported through " + p.intermediates()) : "NOT supported");
            if (p.supported()) {
                out.printf("kind: %s%nstrategies: %s%ndowntime required: %s%nup --force: %s%n", p.kind(), p.strategies(),
                        p.requiresDowntime(), p.needsForce());
                if (p.migrationsKnown()) {
                    out.printf("migrations (%d):%n", p.migrationCount());
                    p.migrations().forEach((sub, list) -> out.printf("  %s: %s%n", sub,
                            String.join(", ", list.stream().map(m -> m.name() + (m.teardown() ? " (teardown)" : "")).toList())));
                }
            }
            p.notes().forEach(n -> out.println("note: " + n));
            return p.supported() ? 0 : 1;
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true,
            description = {"Run a Kong upgrade as a resumable plan. Node operations are shell commands you supply.",
                    "Exit codes: see the table below (3: stopped before the point of no return, use --yes)."})
    static final class UpgradeCommand implements Callable<Integer> {
        static final Path DEFAULT_CHECKPOINTS = Path.of("kong-upgrade.checkpoint.json");

        @Mixin
        PgOptions pg;

        @Mixin
        ShellHooks hooks;

        @Option(names = "--strategy", required = true, description = "in-place | dual-cluster | blue-green")
        String strategy;

        @Option(names = "--kong-version", required = true, description = "Target Kong version")
        String target;

        @Option(names = "--admin-url", required = true, description = "Admin API of an old node (source version)")
        URI adminUrl;

        @Option(names = "--kong-cmd", defaultValue = "kong", split = " ",
                description = "How to run the NEW Kong's CLI. Default: ${DEFAULT-VALUE}")
        List<String> kongCmd;

        @Option(names = "--kong-conf", description = "kong.conf of the new version (-c)")
        Path kongConf;

        @Option(names = "--backup-dir", defaultValue = "kong-backups", description = "pg_dump -F d target. Default: ${DEFAULT-VALUE}")
        Path backupDir;

        @Option(names = "--pg-dump", defaultValue = "pg_dump", description = "pg_dump binary. Default: ${DEFAULT-VALUE}")
        Path pgDump;

        @Option(names = "--new-pg-url", description = "Dual-cluster: JDBC URL of the new cluster's database")
        String newPgUrl;

        @Mixin
        PlanRunOptions runOptions;

        @Override
        public Integer call() throws Exception {
            KongUpgradePath.Strategy s = parseStrategy();
            if (s == KongUpgradePath.Strategy.DUAL_CLUSTER && newPgUrl == null) {
                System.err.println("dual-cluster needs --new-pg-url (and --restore-cmd)");
                return ExitCode.USAGE.code();
            }
            hooks.output = runOptions.progressStream();
            try (KongUpgrade kong = KongUpgrade.create()) {
                UpgradePlan plan;
                try {
                    KongVersion.parse(target);
                    refuseCredentials("--admin-url", List.of(adminUrl));
                    refuseCredentials("--new-admin-url", hooks.newNodes);
                    hooks.check();
                    runOptions.check(DEFAULT_CHECKPOINTS);
                    plan = kong.upgradePlan(settings(s));
                } catch (UpgradeException | IllegalArgumentException e) {
                    return usage(e);
                }
                return run(plan);
            }
        }

        /** The Admin client sends no credentials from a URL: a user and password there are only a leak. */
        private static void refuseCredentials(String option, List<URI> urls) {
            if (urls != null) {
                for (URI url : urls) {
                    UrlCredentials.refuse(option, url.toString(), "reach the Admin API without them");
                }
            }
        }

        private KongUpgradePath.Strategy parseStrategy() {
            return switch (strategy.toLowerCase()) {
                case "in-place" -> KongUpgradePath.Strategy.IN_PLACE;
                case "dual-cluster" -> KongUpgradePath.Strategy.DUAL_CLUSTER;
                case "blue-green" -> KongUpgradePath.Strategy.BLUE_GREEN;
                default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--strategy must be in-place, dual-cluster or blue-green, not '" + strategy + "'");
            };
        }

        /** What to upgrade: the options as settings; node operations and traffic are the shell hooks. */
        private KongUpgradeSettings settings(KongUpgradePath.Strategy s) {
            Secret password = pg.secret();
            KongUpgradeSettings.Builder settings = KongUpgradeSettings.builder("kong-upgrade-to-" + target).strategy(s)
                    .target(KongVersion.parse(target)).oldNode(KongAdminClient.of(adminUrl)).database(pg.database())
                    .cli(cli(password)).deployment(hooks).traffic(hooks).backup(backup(password));
            if (s == KongUpgradePath.Strategy.DUAL_CLUSTER) {
                settings.newDatabase(pg.database(JdbcUrl.postgres(newPgUrl, "--new-pg-url", "set " + PgOptions.PASSWORD_ENV
                        + " or use --pg-password-file"))).restore(ctx -> hooks.sh("--restore-cmd", hooks.restoreCmd));
            }
            if (password != null) {
                settings.secret(password);
            }
            return settings.build();
        }

        private KongCli cli(Secret password) {
            ProcessKongCli.Builder cli = ProcessKongCli.builder().command(kongCmd);
            if (kongConf != null) {
                cli.config(kongConf);
            }
            if (password != null) {
                cli.secretEnv("KONG_PG_PASSWORD", password);
            }
            return cli.build();
        }

        private KongBackup backup(Secret password) {
            JdbcUrl jdbc = pg.jdbcUrl();
            return KongBackup.pgDump(pgDump, jdbc.host(), jdbc.port(), jdbc.database(), pg.user, password, backupDir);
        }

        private int run(UpgradePlan plan) {
            return runOptions.run(plan, DEFAULT_CHECKPOINTS,
                    "Not confirmed: migrations finish did not run. Run again with --finish --yes.",
                    new PlanRunOptions.RunHooks() {
                        @Override
                        public void stopSignal(StopSignal signal) {
                            hooks.stopRequested = signal::isStopRequested;
                        }

                        @Override
                        public void console(ConsoleListener console) {
                            hooks.printer = console::printLine;
                        }
                    });
        }
    }

    /** Node operations and the traffic switch as shell commands (each default {@code true}: nothing to do). */
    static final class ShellHooks implements KongDeployment, TrafficShift {
        @Option(names = "--new-admin-url", required = true, split = ",", description = "Admin/Status API URLs of the new nodes")
        List<URI> newNodes;

        @Option(names = "--start-new-cmd", defaultValue = "true", description = "Shell command starting the new nodes")
        String startNew;

        @Option(names = "--stop-old-cmd", defaultValue = "true", description = "Shell command stopping the old nodes")
        String stopOld;

        @Option(names = "--start-old-cmd", defaultValue = "true", description = "Shell command restarting the old nodes")
        String startOld;

        @Option(names = "--shift-cmd", defaultValue = "true", description = "Shell command shifting traffic to new nodes")
        String shift;

        @Option(names = "--shift-back-cmd", defaultValue = "true", description = "Shell command shifting traffic back")
        String shiftBack;

        @Option(names = "--decommission-cmd", defaultValue = "true", description = "Shell command removing old nodes")
        String decommission;

        @Option(names = "--restore-cmd", defaultValue = "false",
                description = "Dual-cluster: shell command restoring the backup into the new database")
        String restoreCmd;

        @Option(names = "--hook-timeout", defaultValue = "3600", paramLabel = "SECONDS",
                description = "How long each shell command above may run before it is stopped with its child"
                        + " processes and its step fails (default ${DEFAULT-VALUE} s)")
        long hookTimeoutSeconds;

        /** Where the hooks' standard output goes: the command's progress stream. */
        PrintStream output = System.out;

        /** Prints a hook's output line to a stream: through the run's console, below its live line. */
        HookLinePrinter printer = (stream, line) -> {
            stream.println(line);
            stream.flush();
        };

        /** Whether SIGTERM/SIGINT asked the run to stop: a hook running then is stopped with its children. */
        BooleanSupplier stopRequested = () -> false;

        /** Refuses a hook timeout that would stop every hook at once. */
        void check() {
            Seconds.atLeastOne("--hook-timeout", hookTimeoutSeconds);
        }

        void sh(String option, String command) throws InterruptedException {
            KongCommand.sh(option, command, Duration.ofSeconds(hookTimeoutSeconds), stopRequested,
                    line -> printer.print(line.channel() == ProcessRunner.Channel.STDOUT ? output : System.err,
                            line.shown()));
        }

        @Override
        public void stopOldNodes() throws Exception {
            sh("--stop-old-cmd", stopOld);
        }

        @Override
        public void startOldNodes() throws Exception {
            sh("--start-old-cmd", startOld);
        }

        @Override
        public void startNewNodes() throws Exception {
            sh("--start-new-cmd", startNew);
        }

        @Override
        public List<URI> newNodes() {
            return newNodes;
        }

        @Override
        public void decommissionOldNodes() throws Exception {
            sh("--decommission-cmd", decommission);
        }

        @Override
        public void shiftToNew() throws Exception {
            sh("--shift-cmd", shift);
        }

        @Override
        public void shiftBack() throws Exception {
            sh("--shift-back-cmd", shiftBack);
        }
    }

    /** Prints an error the way Kong does and returns Kong's error exit code. */
    static int error(UpgradeException e) {
        System.err.println("Error: " + e.getMessage());
        return ExitCode.FAILURE.code();
    }

    /** Prints invalid options in one line and returns the usage exit code. */
    static int usage(Exception e) {
        System.err.println("Invalid options: " + e.getMessage());
        return ExitCode.USAGE.code();
    }

    /** Prints one line of a hook's output to a stream. */
    @FunctionalInterface
    interface HookLinePrinter {
        void print(PrintStream stream, String line);
    }

    /**
     * Runs a host hook with {@code sh -c} through the SDK's {@link ProcessRunner}: stopped with its
     * child processes after {@code timeout} (a hung {@code ssh} or an interactive prompt fails the
     * step instead of stalling the upgrade) or once {@code stopRequested} (SIGTERM: the run stops,
     * exit 5, and the next run starts the hook over), its standard input empty. Each line of its
     * output goes to {@code lines} as the hook prints it (the hooks print their standard output on
     * the command's progress stream: with {@code --json}, standard error, since stdout holds the
     * JSON report only; their error output on standard error), so an hour-long restore is not
     * silent until it ends.
     */
    static void sh(String option, String command, Duration timeout, BooleanSupplier stopRequested,
            Consumer<ProcessRunner.OutputLine> lines) throws InterruptedException {
        ProcessRunner.Result result = ProcessRunner.builder(List.of("sh", "-c", command), timeout)
                .stopWhen(stopRequested)
                .description(command)
                .onTimeout("find why the " + option + " hook hangs (a prompt, a host that does not answer), or"
                        + " raise --hook-timeout (seconds), then run again: the step starts over")
                .onStartFailure("check that sh is on the PATH")
                .onOutputLine(lines)
                .build().run();
        if (!result.succeeded()) {
            throw new IllegalStateException(option + " '" + command + "' exited " + result.exitCode()
                    + "; fix it and run again");
        }
    }

}
