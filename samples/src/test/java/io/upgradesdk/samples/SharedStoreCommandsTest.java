package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.testservers.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --store redis|jdbc} against real servers, the password from {@code --store-password-file}:
 * what one command records, a second one (another pod) finds.
 */
@Tag("integration")
class SharedStoreCommandsTest {

    @TempDir
    Path dir;

    private static Captured copy(String... more) {
        List<String> args = new ArrayList<>(List.of("elasticsearch", "copy", "--source", "http://127.0.0.1:9",
                "--source-index", "orders", "--target", "http://127.0.0.1:9", "--target-index", "orders-v2"));
        args.addAll(Arrays.asList(more));
        return Captured.run(args.toArray(String[]::new));
    }

    @Test
    void aStepMarkedSkippedInRedisIsSeenByTheNextCommandWithThePasswordFromAFile() throws Exception {
        RedisServer redis = RedisServer.builder().password("store-pw-r3d1s").start();
        try {
            Path passwordFile = Files.writeString(dir.resolve("redis-password"), "store-pw-r3d1s\n");
            String[] store = {"--store", "redis", "--store-url", redis.uri(1), "--store-password-file",
                passwordFile.toString()};

            Captured marked = copy(with(store, "--mark-skipped", "copy-documents", "--reason", "done by hand"));
            Captured status = copy(with(store, "--status"));
            Captured withoutPassword = copy("--store", "redis", "--store-url", redis.uri(1), "--status");

            assertThat(marked.exitCode()).as(marked.all()).isZero();
            assertThat(status.out()).contains("SKIPPED", "copy-documents", "done by hand");
            assertThat(status.all()).doesNotContain("store-pw-r3d1s");
            assertThat(withoutPassword.exitCode()).isEqualTo(1);
            assertThat(withoutPassword.err().lines().toList()).hasSize(1);
        } finally {
            redis.close();
        }
    }

    @Test
    void aStepMarkedDoneInPostgresqlIsSeenByTheNextCommand() throws Exception {
        PostgresServer pg = PostgresServer.get();
        String url = pg.jdbcUrl(pg.newDatabase("samples_store"));
        List<String> store = new ArrayList<>(List.of("--store", "jdbc", "--store-url", url, "--store-user", pg.user()));
        if (pg.password() != null && !pg.password().isEmpty()) {
            Path passwordFile = Files.writeString(dir.resolve("pg-password"), pg.password());
            store.addAll(List.of("--store-password-file", passwordFile.toString()));
        }
        String[] s = store.toArray(String[]::new);

        Captured marked = copy(with(s, "--mark-done", "copy-documents", "--reason", "restored from a snapshot"));
        Captured status = copy(with(s, "--status"));

        assertThat(marked.exitCode()).as(marked.all()).isZero();
        assertThat(status.out()).contains("SUCCEEDED", "copy-documents", "restored from a snapshot");
    }

    @Test
    void statusAndDryRunOnAnEmptyPostgresqlStoreCreateNoTableAndAReadOnlyUserCanRunThem() throws Exception {
        PostgresServer pg = PostgresServer.get();
        String database = pg.newDatabase("samples_readonly");
        String url = pg.jdbcUrl(database);
        String reader = "r_" + database; // may connect, may not create tables (PostgreSQL 15+: no CREATE on public)
        pg.psql(database, "CREATE ROLE " + reader + " LOGIN PASSWORD 'r3ad-0nly'");
        Path readerPassword = Files.writeString(dir.resolve("reader-password"), "r3ad-0nly");
        String[] asReader = {"--store", "jdbc", "--store-url", url, "--store-user", reader, "--store-password-file",
            readerPassword.toString()};

        Captured status = copy(with(asReader, "--status"));
        Captured dryRun = Captured.run(with(with(new String[] {"demo", "--dir=" + dir.resolve("demo"), "--files=2"},
                asReader), "--dry-run"));

        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("PENDING", "copy-documents", "not created yet");
        assertThat(dryRun.exitCode()).as(dryRun.all()).isZero();
        assertThat(dryRun.out()).contains("Dry run clear");
        assertThat(pg.psql(database, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'upgrade%'").strip())
                .as("tables created by a read-only command").isEqualTo("0");
        assertThat(status.all() + dryRun.all()).doesNotContain("r3ad-0nly");
    }

    @Test
    void statusAndDryRunOnAnElasticsearchStoreWithoutItsIndexCreateNoIndex() {
        ElasticsearchServer es = ElasticsearchServer.get(ElasticsearchServer.V7);
        es.request("DELETE", "/upgrade-checkpoints", null); // the store's index, absent as on a new cluster
        String[] demo = {"demo", "--dir=" + dir.resolve("demo"), "--files=2", "--delay-ms=0", "--store",
            "elasticsearch", "--store-url", es.url()};

        Captured status = Captured.run(with(demo, "--status"));
        Captured dryRun = Captured.run(with(demo, "--dry-run"));

        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("PENDING", "convert-files", "not created yet");
        assertThat(dryRun.exitCode()).as(dryRun.all()).isZero();
        assertThat(es.request("HEAD", "/upgrade-checkpoints", null).status()).as("index created by a read-only command")
                .isEqualTo(404);

        Captured run = Captured.run(demo);
        Captured after = Captured.run(with(demo, "--status"));

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(after.out()).contains("SUCCEEDED   convert-files").doesNotContain("not created yet");
    }

    @Test
    void theDemoKeepsItsCheckpointsInRedisWhereTheNextRunFindsThemAndWritesNoCheckpointFile() throws Exception {
        RedisServer redis = RedisServer.builder().password("demo-pw-r3d1s").start();
        try {
            Path passwordFile = Files.writeString(dir.resolve("redis-password"), "demo-pw-r3d1s\n");
            String[] demo = {"demo", "--dir=" + dir.resolve("data"), "--delay-ms=0", "--files=3", "--store", "redis",
                "--store-url", redis.uri(2), "--store-password-file", passwordFile.toString()};

            Captured first = Captured.run(demo);
            Captured second = Captured.run(demo);

            assertThat(first.exitCode()).as(first.all()).isZero();
            assertThat(first.out()).as("no crash story without the file store").doesNotContain("[1/3]")
                    .contains("Checkpoints: redis");
            assertThat(second.exitCode()).as(second.all()).isZero();
            assertThat(second.out()).contains("skip convert-files (already done)");
            assertThat(dir.resolve("data").resolve("upgrade.checkpoint.json")).doesNotExist();
            assertThat(first.all() + second.all()).doesNotContain("demo-pw-r3d1s");
        } finally {
            redis.close();
        }
    }

    private static String[] with(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
