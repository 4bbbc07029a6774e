package io.upgradesdk.samples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The samples' runnable jar: one subcommand per sample host application.
 *
 * <pre>java -jar samples/target/upgrade-samples.jar demo --help</pre>
 */
@Command(name = "upgrade-samples", mixinStandardHelpOptions = true, version = "upgrade-samples 0.1.0",
        description = "Sample host applications of the upgrade SDK.",
        subcommands = {DemoCommand.class, KongCommand.class, KuzzleCommand.class, ElasticsearchCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call it without exiting the JVM). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
