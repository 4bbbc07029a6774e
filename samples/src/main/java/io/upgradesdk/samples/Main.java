package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.samples.internal.PlanCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The samples' runnable jar: one subcommand per sample host application. Every command exits with
 * an {@link ExitCode} (listed at the end of each {@code --help}).
 *
 * <pre>java -jar samples/target/upgrade-samples.jar demo --help</pre>
 */
@Command(name = "upgrade-samples", mixinStandardHelpOptions = true, version = "upgrade-samples 0.1.0",
        description = "Sample host applications of the upgrade SDK.",
        subcommands = {DemoCommand.class, KongCommand.class, KuzzleCommand.class, ElasticsearchCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace too (by default: one line).")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call it without exiting the JVM). */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(PlanCli::handle);
        addExitCodes(commandLine);
        return commandLine;
    }

    private static void addExitCodes(CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage().footer(ExitCode.helpFooter());
        commandLine.getSubcommands().values().forEach(Main::addExitCodes);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
