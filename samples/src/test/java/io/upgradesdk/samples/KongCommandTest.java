package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.testservers.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
    void upgradeRefusesADualClusterWithoutTheNewDatabaseAndAnUnknownStrategy() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            String[] common = {"kong", "upgrade", "--kong-version", "3.0.0", "--admin-url", "http://127.0.0.1:1",
                    "--new-admin-url", "http://127.0.0.1:2", "--pg-url", "jdbc:postgresql://127.0.0.1:1/kong"};

            int dualCluster = Main.commandLine().execute(concat(common, "--strategy", "dual-cluster"));
            int unknown = Main.commandLine().execute(concat(common, "--strategy", "sideways"));

            assertThat(dualCluster).isEqualTo(2);
            assertThat(unknown).isEqualTo(2);
            assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .contains("dual-cluster needs --new-pg-url (and --restore-cmd)")
                    .contains("--strategy must be in-place, dual-cluster or blue-green, not 'sideways'");
        } finally {
            System.setErr(original);
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void adminUrlsCarryingCredentialsAreRefusedBeforeAnythingRunsAndNeverEchoed(@TempDir Path dir) {
        String[] upgrade = {"kong", "upgrade", "--strategy", "in-place", "--kong-version", "3.4.2", "--pg-url",
            "jdbc:postgresql://127.0.0.1:1/kong", "--checkpoints", dir.resolve("k.cp").toString()};

        Captured oldNode = Captured.run(concat(upgrade, "--admin-url", "http://admin:S3cretPw@127.0.0.1:1",
                "--new-admin-url", "http://127.0.0.1:2"));
        Captured newNode = Captured.run(concat(upgrade, "--admin-url", "http://127.0.0.1:1",
                "--new-admin-url", "http://127.0.0.1:2,http://admin:S3cretPw@127.0.0.1:3"));

        assertThat(oldNode.exitCode()).as(oldNode.all()).isEqualTo(2);
        assertThat(oldNode.err()).startsWith("Invalid options: --admin-url carries credentials");
        assertThat(newNode.exitCode()).as(newNode.all()).isEqualTo(2);
        assertThat(newNode.err()).startsWith("Invalid options: --new-admin-url carries credentials");
        assertThat(oldNode.all() + newNode.all()).doesNotContain("S3cretPw");
        assertThat(dir.resolve("k.cp")).as("nothing ran").doesNotExist();
    }

    @Test
    void aHookThatHangsIsStoppedAtTheHookTimeoutAndFailsItsStepNamingTheOptionToRaise() {
        KongCommand.ShellHooks hooks = hooks("echo stopping; sleep 60");
        hooks.hookTimeoutSeconds = 1;
        long start = System.nanoTime();

        assertThatThrownBy(hooks::stopOldNodes)
                .isInstanceOf(io.upgradesdk.upgrade.UpgradeException.class)
                .hasMessageContaining("'echo stopping; sleep 60' did not finish within 1 s")
                .hasMessageContaining("find why the --stop-old-cmd hook hangs")
                .hasMessageContaining("raise --hook-timeout");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                .as("the hook ran unbounded before: 60 s").isLessThan(java.time.Duration.ofSeconds(20));
    }

    @Test
    void aHooksOutputIsPrintedAndAFailingHookNamesItsOptionAndExitCode() {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        KongCommand.ShellHooks hooks = hooks("echo shifting traffic; exit 3");
        hooks.shift = hooks.stopOld;
        hooks.output = new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(hooks::shiftToNew).isInstanceOf(IllegalStateException.class)
                .hasMessage("--shift-cmd 'echo shifting traffic; exit 3' exited 3; fix it and run again");
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("shifting traffic\n");
    }

    @Test
    void aHooksLinesArePrintedWhileItRunsItsErrorOutputOnStandardError() throws Exception {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        KongCommand.ShellHooks hooks = hooks("echo 'restoring 1/2'; echo 'warning: slow disk' >&2; sleep 2;"
                + " echo 'restoring 2/2'");
        hooks.output = new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        hooks.printer = (stream, line) -> lines.add((stream == hooks.output ? "out: " : stream == System.err
                ? "err: " : "?: ") + line);
        Thread hook = new Thread(() -> {
            try {
                hooks.stopOldNodes();
            } catch (Exception e) {
                lines.add("failed: " + e);
            }
        });

        hook.start();
        Thread.sleep(1500);
        List<String> whileRunning = List.copyOf(lines);
        hook.join(20_000);

        assertThat(whileRunning).as("printed before the hook's end, 2 s in")
                .containsExactlyInAnyOrder("out: restoring 1/2", "err: warning: slow disk");
        assertThat(lines).endsWith("out: restoring 2/2").hasSize(3);
    }

    @Test
    void aHookTimeoutBelowOneSecondIsRefusedBeforeAnythingRuns(@TempDir Path dir) {
        Captured run = Captured.run("kong", "upgrade", "--strategy", "in-place", "--kong-version", "3.4.2",
                "--pg-url", "jdbc:postgresql://127.0.0.1:1/kong", "--admin-url", "http://127.0.0.1:1",
                "--new-admin-url", "http://127.0.0.1:2", "--hook-timeout", "0",
                "--checkpoints", dir.resolve("k.cp").toString());

        assertThat(run.exitCode()).as(run.all()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid options: --hook-timeout must be 1 second or more, was 0");
        assertThat(dir.resolve("k.cp")).as("nothing ran").doesNotExist();
    }

    private static KongCommand.ShellHooks hooks(String stopOld) {
        KongCommand.ShellHooks hooks = new KongCommand.ShellHooks();
        hooks.stopOld = stopOld;
        hooks.hookTimeoutSeconds = 3600;
        return hooks;
    }

    @Test
    @Tag("integration")
    void aHooksOutputGoesToStderrWithJsonSoThatStdoutHoldsTheReportOnly(@TempDir Path dir) throws Exception {
        PostgresServer server = PostgresServer.get();
        String url = server.jdbcUrl(server.newDatabase("samples_kong_hooks"));
        String[] upgrade = {"kong", "upgrade", "--strategy", "in-place", "--kong-version", "3.4.2", "--admin-url",
            "http://127.0.0.1:1", "--new-admin-url", "http://127.0.0.1:2", "--pg-url", url, "--pg-user", server.user(),
            "--kong-cmd", "false", "--checkpoints", dir.resolve("k.cp").toString()};
        for (String step : List.of("preflight", "backup")) {
            Captured marked = Captured.run(concat(upgrade, "--mark-done", step, "--reason", "done by hand"));
            assertThat(marked.exitCode()).as(marked.all()).isZero();
        }

        Captured run = Captured.run(concat(upgrade, "--json", "--stop-old-cmd", "echo stopping the old nodes"));

        assertThat(run.exitCode()).as("'kong migrations up' is 'false'").isEqualTo(1);
        assertThat(run.err()).contains("stopping the old nodes", "done: stop-old-nodes");
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.path("planId").asText()).isEqualTo("kong-upgrade-to-3.4.2");
        assertThat(report.path("outcome").asText()).isEqualTo("FAILED");
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

    @Test
    @Tag("integration")
    void listAndStatusExitWithTheFailureCodeOnADatabaseNewerThanTheVersionAskedFor() {
        PostgresServer server = PostgresServer.get();
        String database = server.newDatabase("samples_kong_newer");
        server.psql(database, "CREATE TABLE schema_meta (key TEXT, subsystem TEXT, last_executed TEXT,"
                + " executed TEXT[], pending TEXT[], PRIMARY KEY (key, subsystem));"
                + " INSERT INTO schema_meta VALUES ('schema_meta', 'core', '099_from_the_future',"
                + " ARRAY['099_from_the_future'], NULL)");
        String url = server.jdbcUrl(database);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int list = Main.commandLine().execute("kong", "list", "--pg-url", url, "--pg-user", server.user(),
                    "--kong-version", "3.4.2");
            int status = Main.commandLine().execute("kong", "status", "--pg-url", url, "--pg-user", server.user(),
                    "--kong-version", "3.4.2");

            assertThat(list).as("Kong itself exits 0 here").isEqualTo(1);
            assertThat(status).isEqualTo(1);
            assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .contains("Database newer than target", "099_from_the_future");
        } finally {
            System.setErr(original);
        }
    }
}
