package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.spi.ProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link NodeHost} running a shell command per node, {@code {node}} replaced by the node name,
 * e.g. {@code ssh {node} sudo /opt/upgrade-es.sh}. Fails when the command exits non-zero or
 * exceeds its timeout; at the timeout the command is killed with its child processes (a hung
 * {@code ssh} included), see {@link ProcessRunner}. Killing a local {@code ssh} does not stop what
 * it started on the node, which may go on after the timeout: use {@code ssh -tt -o BatchMode=yes}
 * (the remote command gets a terminal, so it ends when the connection does, and a password prompt
 * fails at once instead of hanging) or a {@code timeout} on the node's side, e.g.
 * {@code ssh -tt -o BatchMode=yes {node} sudo timeout 25m /opt/upgrade-es.sh}. Each line the
 * command prints is a notice of the rolling upgrade's step while it runs ("node es-2: stopping
 * elasticsearch"): see {@link NodeHost#upgradeNode(String, java.util.function.Consumer)}.
 */
public final class CommandNodeHost implements NodeHost {

    private final String template;
    private final Duration timeout;

    /** A host running {@code template} through {@code /bin/sh -c}. */
    public CommandNodeHost(String template, Duration timeout) {
        this.template = requireNonNull(template, "template");
        this.timeout = requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                    "the node command's timeout must be positive, was " + timeout);
        }
        if (!template.contains("{node}")) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                    "the node command '" + template + "' has no {node} placeholder; add one, e.g. 'restart.sh {node}'");
        }
    }

    @Override
    public void upgradeNode(String nodeName) throws IOException, InterruptedException {
        upgradeNode(nodeName, line -> { });
    }

    /**
     * Runs the command for {@code nodeName}; each line it prints goes to {@code output} as it is
     * printed (secret values masked, a line longer than 8 KiB cut, {@link ProcessRunner.OutputLine#shown() marked so}).
     */
    @Override
    public void upgradeNode(String nodeName, Consumer<String> output) throws IOException, InterruptedException {
        if (!nodeName.matches("[A-Za-z0-9._-]+")) {
            throw new UpgradeException(ElasticsearchErrorCode.NODE_RESTART_FAILED,
                    "node name '" + nodeName + "' has characters unsafe for a shell command; upgrade it by hand");
        }
        String command = template.replace("{node}", nodeName);
        ProcessRunner.Result result = ProcessRunner.builder(List.of("/bin/sh", "-c", command), timeout)
                .failureCode(ElasticsearchErrorCode.NODE_RESTART_FAILED)
                .description(command)
                .onTimeout("check node " + nodeName + " and the command, or raise the node command's timeout;"
                        + " then rerun (nodes already upgraded are skipped)")
                .onStartFailure("check that /bin/sh exists on this host")
                .onOutputLine(line -> output.accept(line.shown()))
                .build().run();
        if (!result.succeeded()) {
            throw new UpgradeException(ElasticsearchErrorCode.NODE_RESTART_FAILED, "the node command for " + nodeName
                    + " exited with " + result.exitCode() + ": " + result.diagnostics(500)
                    + "; fix the node by hand or the command, then rerun");
        }
    }
}
