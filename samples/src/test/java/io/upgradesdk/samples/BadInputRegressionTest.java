package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.samples.internal.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line defects of issue #15 (items 5, 9 and 10), each pinned: secrets never taken as
 * arguments nor echoed, clear one-line messages for bad input, dry runs that create nothing.
 */
class BadInputRegressionTest {

    @TempDir
    Path dir;

    private static final String[] KONG_UPGRADE = {"kong", "upgrade", "--strategy", "in-place", "--admin-url",
        "http://127.0.0.1:1", "--new-admin-url", "http://127.0.0.1:2"};

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static void assertOneLineUsageError(Captured c, String... fragments) {
        assertThat(c.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(c.err()).contains(fragments).doesNotContain("\tat ", "Exception");
    }

    // --- item 5: secrets -----------------------------------------------------------------------

    @Test
    void kongListRefusesAPasswordArgumentAndPointsToTheEnvironmentVariableOrFile() {
        Captured c = Captured.run("kong", "list", "--pg-url", "jdbc:postgresql://127.0.0.1:1/kong",
                "--pg-password=s3cret-pw");

        assertOneLineUsageError(c, "--pg-password with a value is refused", "KONG_PG_PASSWORD", "--pg-password-file");
        assertThat(c.all()).doesNotContain("s3cret-pw");
    }

    @Test
    void aPasswordInsideAMistypedJdbcUrlIsNeverEchoed() {
        for (String url : List.of("postgresql://kong:s3cret-pw@db:5432/kong", "jdbc:postgres://kong:s3cret-pw@db/kong",
                "jdbc:postgresql://db/kong?password=s3cret-pw", "notajdbcurl?password=s3cret-pw")) {
            Captured c = Captured.run("kong", "list", "--pg-url", url);

            assertThat(c.exitCode()).as(url).isEqualTo(ExitCode.USAGE.code());
            assertThat(c.all()).as(url).doesNotContain("s3cret-pw");
        }
    }

    @Test
    void anElasticsearchUrlCarryingCredentialsNamesItsOptionAndTheCommandsWayToGiveThem() {
        Captured kuzzle = Captured.run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-es",
                "http://elastic:s3cret-pw@127.0.0.1:10", "--target-version", "2.14.0", "--checkpoints",
                dir.resolve("cp").toString());
        Captured copy = Captured.run("elasticsearch", "copy", "--source", "http://127.0.0.1:8,http://elastic:s3cret-pw@"
                + "127.0.0.1:9", "--source-index", "a", "--target", "http://127.0.0.1:10", "--target-index", "b",
                "--checkpoints", dir.resolve("cp").toString());

        assertOneLineUsageError(kuzzle, "--target-es carries credentials", "--target-es-user",
                "KUZZLE_TARGET_ES_PASSWORD", "--target-es-password-file");
        assertOneLineUsageError(copy, "--source carries credentials", "--user", "ES_PASSWORD", "--password-file");
        assertThat(kuzzle.all() + copy.all()).doesNotContain("s3cret-pw", "basicAuth");
    }

    @Test
    void theKuzzleRedisPasswordIsRefusedInsideTheUriAndTakenFromTheEnvironmentOrAFile() {
        Captured c = Captured.run("kuzzle", "--source-es", "http://127.0.0.1:9", "--in-place", "--target-version",
                "2.14.0", "--checkpoints", dir.resolve("cp").toString(), "--source-redis",
                "redis://:s3cret-pw@127.0.0.1:6379/0");

        assertOneLineUsageError(c, "--source-redis carries credentials", "KUZZLE_REDIS_PASSWORD", "--redis-password-file");
        assertThat(c.all()).doesNotContain("s3cret-pw");
        assertThat(Captured.run("kuzzle", "--help").out()).contains("--redis-password-file", "--redis-user");
    }

    @Test
    void kuzzleTakesElasticsearchCredentialsFromTheEnvironmentOrAFile() throws Exception {
        Captured missing = Captured.run("kuzzle", "--source-es", "http://127.0.0.1:9", "--in-place",
                "--target-version", "2.14.0", "--checkpoints", dir.resolve("cp").toString(), "--source-es-user",
                "elastic");
        Path emptyFile = Files.createFile(dir.resolve("empty-password"));
        Captured empty = Captured.run("kuzzle", "--source-es", "http://127.0.0.1:9", "--in-place",
                "--target-version", "2.14.0", "--checkpoints", dir.resolve("cp").toString(), "--source-es-user",
                "elastic", "--source-es-password-file", emptyFile.toString());

        assertOneLineUsageError(missing, "'elastic' needs its password");
        assertOneLineUsageError(empty, "--source-es-password-file", "is empty");
        assertThat(Captured.run("kuzzle", "--help").out()).contains("--source-es-user", "--source-es-password-file",
                "KUZZLE_SOURCE_ES_PASSWORD", "--target-es-user", "--target-es-password-file");
    }

    // --- item 9: clear messages ------------------------------------------------------------------

    @Test
    void aJdbcUrlWithoutADatabaseSaysSo() {
        Captured c = Captured.run(with(KONG_UPGRADE, "--kong-version", "3.4.2", "--pg-url", "jdbc:postgresql://h:5432",
                "--checkpoints", dir.resolve("cp").toString()));

        assertOneLineUsageError(c, "names no database", "jdbc:postgresql://h:5432/DATABASE");
    }

    @Test
    void aJdbcUrlWithAPortThatIsNotANumberSaysSo() {
        Captured c = Captured.run("kong", "list", "--pg-url", "jdbc:postgresql://h:p");

        assertOneLineUsageError(c, "has port 'p'");
    }

    @Test
    void aStringThatIsNotAJdbcUrlIsCalledSoWithoutBlamingTheDriver() {
        Captured c = Captured.run("kong", "list", "--pg-url", "notajdbcurl");

        assertOneLineUsageError(c, "'notajdbcurl' is not a JDBC URL");
        assertThat(c.all()).doesNotContain("classpath", "driver");
    }

    @Test
    void aKongVersionThatIsNotOneIsAUsageErrorInOneLine() {
        Captured upgrade = Captured.run(with(KONG_UPGRADE, "--kong-version", "banana", "--pg-url",
                "jdbc:postgresql://127.0.0.1:1/kong", "--checkpoints", dir.resolve("cp").toString()));
        Captured list = Captured.run("kong", "list", "--pg-url", "jdbc:postgresql://127.0.0.1:1/kong",
                "--kong-version", "banana");

        assertOneLineUsageError(upgrade, "'banana' is not a Kong version");
        assertOneLineUsageError(list, "'banana' is not a Kong version");
    }

    @Test
    void aMissingCheckpointDirectoryIsAClearUsageError() {
        Path missing = dir.resolve("no-such-dir").resolve("cp");
        Captured c = Captured.run("elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "restart {node}", "--checkpoints", missing.toString());

        assertOneLineUsageError(c, "does not exist", "no-such-dir");
    }

    @Test
    void anUnknownHealthListsTheAcceptedValues() {
        Captured c = Captured.run("elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "restart {node}", "--health=purple", "--checkpoints", dir.resolve("cp").toString());

        assertOneLineUsageError(c, "'purple' is not a cluster health", "green, yellow, red");
        assertThat(c.err()).doesNotContain("No enum constant");
    }

    // --- item 10: nothing created by a dry run; read-only status; bad counts ----------------------

    @Test
    void aDryRunCreatesNoFile() throws Exception {
        Captured c = Captured.run("elasticsearch", "snapshot-restore", "--source", "http://127.0.0.1:9", "--target",
                "http://127.0.0.1:10", "--repository", "upgrade", "--location", "/snap", "--dry-run",
                "--checkpoints", dir.resolve("cp.json").toString());

        assertThat(c.exitCode()).as("no cluster answers on ports 9 and 10: the checks' dry runs fail").isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void theDemosDryRunAndStatusCreateNoFolder() {
        Path demoDir = dir.resolve("demo-data");

        assertThat(Captured.run("demo", "--dir=" + demoDir, "--dry-run").exitCode()).isZero();
        assertThat(Captured.run("demo", "--dir=" + demoDir, "--status").exitCode()).isZero();

        assertThat(demoDir).doesNotExist();
    }

    @Test
    void aNegativeFileCountIsRefused() {
        Captured c = Captured.run("demo", "--dir=" + dir.resolve("d"), "--files=-3");

        assertOneLineUsageError(c, "--files must be 1 to 10000, was -3");
        assertThat(dir.resolve("d")).doesNotExist();
    }
}
