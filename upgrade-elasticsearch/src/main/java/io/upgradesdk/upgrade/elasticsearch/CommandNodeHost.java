package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeHost} running a shell command per node, {@code {node}} replaced by the node name,
 * e.g. {@code ssh {node} sudo /opt/upgrade-es.sh}. Fails when the command exits non-zero or
 * exceeds its timeout.
 */
public final class CommandNodeHost implements NodeHost {

    private final String template;
    private final Duration timeout;

    /** A host running {@code template} through {@code /bin/sh -c}. */
    public CommandNodeHost(String template, Duration timeout) {
        this.template = requireNonNull(template, "template");
        this.timeout = requireNonNull(timeout, "timeout");
        if (!template.contains("{node}")) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION,
                    "the node command '" + template + "' has no {node} placeholder; add one, e.g. 'restart.sh {node}'");
        }
    }

    @Override
    public void upgradeNode(String nodeName) throws IOException, InterruptedException {
        if (!nodeName.matches("[A-Za-z0-9._-]+")) {
            throw new UpgradeException(ElasticsearchErrorCode.NODE_RESTART_FAILED,
                    "node name '" + nodeName + "' has characters unsafe for a shell command; upgrade it by hand");
        }
        String command = template.replace("{node}", nodeName);
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new UpgradeException(ElasticsearchErrorCode.NODE_RESTART_FAILED, "the node command for " + nodeName
                    + " did not finish within " + timeout.toSeconds() + " s; check it and rerun");
        }
        if (p.exitValue() != 0) {
            String text = new String(out, StandardCharsets.UTF_8);
            throw new UpgradeException(ElasticsearchErrorCode.NODE_RESTART_FAILED, "the node command for " + nodeName
                    + " exited with " + p.exitValue() + ": " + text.substring(Math.max(0, text.length() - 500))
                    + "; fix the node by hand or the command, then rerun");
        }
    }
}
