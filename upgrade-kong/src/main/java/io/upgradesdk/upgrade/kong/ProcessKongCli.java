package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.spi.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@link KongCli} that runs the {@code kong} command as a process:
 * {@code <command...> migrations <sub> [-c <conf>] <args...>}. The command defaults to
 * {@code kong}; use e.g. {@code List.of("docker", "exec", "kong-new", "kong")} to reach a container.
 * Secrets (e.g. {@code KONG_PG_PASSWORD}) are passed as environment variables, never as arguments.
 * Runs under {@link ProcessRunner}: a command exceeding the timeout is killed with its child
 * processes, and only the last 64 KiB of each output stream are kept.
 */
public final class ProcessKongCli implements KongCli {

    private final List<String> command;
    private final Path config;
    private final Map<String, String> env;
    private final Map<String, Secret> secretEnv;
    private final Duration timeout;

    private ProcessKongCli(Builder b) {
        this.command = List.copyOf(b.command);
        this.config = b.config;
        this.env = Map.copyOf(b.env);
        this.secretEnv = Map.copyOf(b.secretEnv);
        this.timeout = b.timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandOutput migrations(String subcommand, List<String> args) throws Exception {
        return migrations(subcommand, args, line -> { });
    }

    /** Runs the command; each non-blank line it prints goes to {@code output} as it is printed (secrets masked). */
    @Override
    public CommandOutput migrations(String subcommand, List<String> args, Consumer<String> output) throws Exception {
        List<String> full = new ArrayList<>(command);
        full.add("migrations");
        full.add(subcommand);
        if (config != null) {
            full.add("-c");
            full.add(config.toString());
        }
        full.addAll(args);
        ProcessRunner.Builder runner = ProcessRunner.builder(full, timeout)
                .failureCode(KongErrorCode.KONG_COMMAND_FAILED)
                .description("kong migrations " + subcommand)
                .onTimeout("check the database and raise the timeout (ProcessKongCli.builder().timeout(...))")
                .onStartFailure("Install Kong on this host or configure ProcessKongCli.command(...) to reach it")
                .onOutputLine(line -> {
                    if (!line.text().isBlank()) {
                        output.accept(line.shown());
                    }
                });
        env.forEach(runner::environment);
        secretEnv.forEach(runner::secretEnvironment);
        ProcessRunner.Result result = runner.build().run();
        return new CommandOutput(result.exitCode(), result.stdout().text(), result.stderr().text());
    }

    @Override
    public String toString() {
        return "ProcessKongCli" + command + (config == null ? "" : " -c " + config) + " env " + env.keySet()
                + " secrets " + secretEnv.keySet();
    }

    /** Validating builder of {@link ProcessKongCli}. */
    public static final class Builder {
        private List<String> command = List.of("kong");
        private Path config;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, Secret> secretEnv = new LinkedHashMap<>();
        private Duration timeout = Duration.ofMinutes(30);

        private Builder() {
        }

        /** The command that runs Kong (default {@code kong}). */
        public Builder command(List<String> command) {
            if (command == null || command.isEmpty()) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "the Kong command must not be empty");
            }
            this.command = List.copyOf(command);
            return this;
        }

        /** {@code -c <file>}: the kong.conf of the version being run. */
        public Builder config(Path config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** An environment variable (e.g. {@code KONG_PLUGINS=bundled,my-auth}). */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A secret environment variable (e.g. {@code KONG_PG_PASSWORD}). */
        public Builder secretEnv(String name, Secret value) {
            secretEnv.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Per-command timeout (default 30 min). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        public ProcessKongCli build() {
            return new ProcessKongCli(this);
        }
    }
}
