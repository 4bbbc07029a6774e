package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import java.net.URI;
import java.net.http.HttpClient;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI process driver and the Admin API client, against a shell stand-in and a local HTTP server. */
class KongDriversTest {

    @Test
    void theCliRunsAsAProcessWithSecretsInTheEnvironmentOnly() throws Exception {
        ProcessKongCli cli = ProcessKongCli.builder()
                .command(List.of("sh", "-c", "echo \"args: $*\"; echo \"pw=$KONG_PG_PASSWORD\"; echo oops >&2; exit 4", "kong"))
                .config(java.nio.file.Path.of("/etc/kong/kong.conf"))
                .env("KONG_PLUGINS", "bundled").secretEnv("KONG_PG_PASSWORD", Secret.of("pg", "hunter2")).build();

        CommandOutput out = cli.migrations("list", List.of("--v"));

        assertThat(out.exitCode()).isEqualTo(4);
        // the command saw the secret in its environment; echoed back, it is masked like in every SDK text
        assertThat(out.stdout()).isEqualTo("args: migrations list -c /etc/kong/kong.conf --v\npw=****\n");
        assertThat(out.stderr()).isEqualTo("oops\n");
        assertThat(cli.toString()).doesNotContain("hunter2").contains("KONG_PG_PASSWORD");
    }

    @Test
    void eachNonBlankLineKongPrintsIsHandedOverAsItIsPrintedSecretsMasked() throws Exception {
        ProcessKongCli cli = ProcessKongCli.builder()
                .command(List.of("sh", "-c", "echo \"migrating core on $KONG_PG_PASSWORD\"; echo; sleep 2;"
                        + " echo 'core migrated up to: 016_280_to_300' >&2", "kong"))
                .secretEnv("KONG_PG_PASSWORD", Secret.of("pg", "hunter2")).build();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread run = new Thread(() -> {
            try {
                cli.migrations("up", List.of(), lines::add);
            } catch (Exception e) {
                lines.add("failed: " + e);
            }
        });

        run.start();
        Thread.sleep(1500);
        List<String> whileRunning = List.copyOf(lines);
        run.join(20_000);

        assertThat(whileRunning).containsExactly("migrating core on ****");
        assertThat(lines).containsExactly("migrating core on ****", "core migrated up to: 016_280_to_300");
    }

    @Test
    void aHungCliIsKilledAtItsTimeoutNamingTheSubcommandAndTheFix() {
        ProcessKongCli cli = ProcessKongCli.builder().command(List.of("sh", "-c", "sleep 30", "kong"))
                .secretEnv("KONG_PG_PASSWORD", Secret.of("pg", "hunter2")).timeout(java.time.Duration.ofSeconds(1))
                .build();

        long begin = System.nanoTime();
        assertThatThrownBy(() -> cli.migrations("up", List.of())).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.code()).isEqualTo(KongErrorCode.KONG_COMMAND_FAILED))
                .hasMessageContaining("'kong migrations up' did not finish within 1 s")
                .hasMessageContaining("raise the timeout")
                .hasMessageNotContaining("hunter2");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - begin)).isLessThan(java.time.Duration.ofSeconds(5));
    }

    @Test
    void aMissingKongBinaryFailsNamingTheFix() {
        ProcessKongCli cli = ProcessKongCli.builder().command(List.of("/nonexistent/kong")).build();

        assertThatThrownBy(() -> cli.migrations("up", List.of())).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("Install Kong on this host or configure ProcessKongCli.command");
    }

    @Test
    void theAdminClientReadsVersionStatusAndReadinessAndSendsTheToken() throws Exception {
        try (FakeAdminApi api = new FakeAdminApi("3.4.3.5-enterprise-edition")) {
            KongAdminClient client = KongAdminClient.of(URI.create(api.uri() + "/"), HttpClient.newHttpClient(),
                    Secret.of("kong.admin.token", "tok-123"));

            KongAdminClient.NodeInfo info = client.info();
            assertThat(info.version()).isEqualTo(KongVersion.enterprise(3, 4, 3, 5));
            assertThat(info.nodeId()).isEqualTo("node-1");
            assertThat(api.lastToken).isEqualTo("tok-123");
            assertThat(client.toString()).doesNotContain("tok-123");

            api.notReadyFor.set(1);
            assertThat(client.readiness()).isEqualTo(new KongAdminClient.Readiness(false, "router builds not yet complete"));
            assertThat(client.readiness().ready()).isTrue();

            api.notReadyFor.set(-1);
            api.databaseReachable = false;
            assertThat(client.readiness()).isEqualTo(new KongAdminClient.Readiness(false, "/status: database not reachable"));
        }
    }

    @Test
    void anUnreachableNodeIsNodeNotReady() {
        KongAdminClient client = KongAdminClient.of(URI.create("http://127.0.0.1:1"));

        assertThatThrownBy(client::info).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KongErrorCode.NODE_NOT_READY))
                .hasMessageContaining("admin_listen");
    }

    @Test
    void pgDumpHandsEachLineItPrintsToTheStepAsANoticeSecretsMasked(@TempDir Path dir) throws Exception {
        Path fakePgDump = dir.resolve("pg_dump");
        // writes the directory format's table of contents where -f says, warns on stderr, echoes its password
        Files.writeString(fakePgDump, "#!/bin/sh\nwhile [ \"$1\" != -f ]; do shift; done; mkdir -p \"$2\";"
                + " touch \"$2/toc.dat\"\necho \"pg_dump: warning: there are circular foreign-key constraints"
                + " on table: workspaces\" >&2\necho\necho \"connected with $PGPASSWORD\"\n");
        fakePgDump.toFile().setExecutable(true);
        KongBackup backup = KongBackup.pgDump(fakePgDump, "127.0.0.1", 5432, "kong", "kong",
                Secret.of("pg", "hunter2"), dir.resolve("backups"));
        List<String> notices = new CopyOnWriteArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("kong-backup").step(UpgradeStep.builder("backup")
                .execute(backup::backup).build()).build();
        UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).heartbeat(false)
                .listener(event -> {
                    if (event instanceof UpgradeEvent.StepProgress p && p.isNotice()) {
                        notices.add(p.message());
                    }
                }).build();

        UpgradeReport report = runner.run(plan);

        assertThat(report.isSuccess()).as(report.toString()).isTrue();
        assertThat(dir.resolve("backups/kong-backup/toc.dat")).exists();
        assertThat(notices).containsExactlyInAnyOrder(
                "pg_dump: warning: there are circular foreign-key constraints on table: workspaces",
                "pg_dump: connected with ****");
    }
}
