package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Real shell commands: a node command that outlives its timeout is stopped at the timeout, not when it ends. */
class CommandNodeHostTest {

    @Test
    void aNodeCommandSlowerThanItsTimeoutFailsAtTheTimeout() {
        CommandNodeHost host = new CommandNodeHost("sleep 3; echo {node}", Duration.ofSeconds(1));

        long begin = System.nanoTime();
        assertThatThrownBy(() -> host.upgradeNode("node-1"))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.NODE_RESTART_FAILED))
                .hasMessageContaining("'sleep 3; echo node-1' did not finish within 1 s")
                .hasMessageContaining("raise the node command's timeout");
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        System.out.println("the 'sleep 3' node command with a 1 s timeout failed after " + took.toMillis() + " ms");
        // the exception proves the timeout fired (the command itself ends with status 0 after 3 s)
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofMillis(3000));
    }

    @Test
    void aNodeCommandWithinItsTimeoutSucceeds() {
        CommandNodeHost host = new CommandNodeHost("echo restarting {node}", Duration.ofSeconds(10));

        assertThatCode(() -> host.upgradeNode("node-1")).doesNotThrowAnyException();
    }

    @Test
    void eachLineOfTheNodeCommandGoesToTheOutputWhileItRuns() throws Exception {
        CommandNodeHost host = new CommandNodeHost("echo 'stopping {node}'; sleep 2; echo 'starting {node}' >&2",
                Duration.ofSeconds(30));
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread run = new Thread(() -> {
            try {
                host.upgradeNode("node-1", lines::add);
            } catch (Exception e) {
                lines.add("failed: " + e);
            }
        });

        run.start();
        Thread.sleep(1500);
        java.util.List<String> whileRunning = java.util.List.copyOf(lines);
        run.join(20_000);

        assertThat(whileRunning).containsExactly("stopping node-1");
        assertThat(lines).containsExactly("stopping node-1", "starting node-1");
    }

    @Test
    void aFailingNodeCommandReportsItsExitCodeAndErrorOutput() {
        CommandNodeHost host = new CommandNodeHost("echo 'no route to {node}' >&2; exit 255", Duration.ofSeconds(10));

        assertThatThrownBy(() -> host.upgradeNode("node-2"))
                .hasMessageContaining("the node command for node-2 exited with 255: no route to node-2");
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> new CommandNodeHost("restart {node}", Duration.ZERO))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION));
    }
}
