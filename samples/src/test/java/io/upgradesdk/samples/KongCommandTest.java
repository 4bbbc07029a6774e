package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.PostgresServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kong subcommand as an operator runs it. */
class KongCommandTest {

    @RegisterExtension
    final StandardOutput output = new StandardOutput();

    private String out() {
        return output.text();
    }

    @Test
    void pathFrom1xTo3xGoesThrough28() {
        assertThat(Main.commandLine().execute("kong", "path", "--from", "1.5.1", "--to", "3.4.2")).isZero();

        assertThat(out()).contains("supported through [2.8", "core: 008_150_to_200 (teardown)");
    }

    @Test
    @Tag("integration")
    void listOnAnEmptyDatabaseSaysItNeedsBootstrapWithKongsExitCode() {
        PostgresServer server = PostgresServer.get();
        String url = server.jdbcUrl(server.newDatabase("samples_kong"));

        int exit = Main.commandLine().execute("kong", "list", "--pg-url", url, "--pg-user", server.user(),
                "--kong-version", "3.4.2");

        assertThat(exit).isEqualTo(3);
        assertThat(out()).containsIgnoringCase("bootstrap");
    }
}
