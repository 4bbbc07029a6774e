package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.upgrade.FileCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product commands as a batch job runs them: recovery operations, JSON reports, one table of
 * exit codes, a held lock as an expected outcome. Uses the {@code elasticsearch copy} plan, which
 * is built without contacting a cluster.
 */
class JobReadyCommandsTest {

    private static final String PLAN = "elasticsearch-copy-to-orders-v2";

    @TempDir
    Path dir;

    private Path checkpoints() {
        return dir.resolve("copy.checkpoint");
    }

    private Captured copy(String... more) {
        List<String> args = new ArrayList<>(List.of("elasticsearch", "copy", "--source", "http://127.0.0.1:9",
                "--source-index", "orders", "--target", "http://127.0.0.1:9", "--target-index", "orders-v2",
                "--checkpoints", checkpoints().toString()));
        args.addAll(Arrays.asList(more));
        return Captured.run(args.toArray(String[]::new));
    }

    @Test
    void everyExitCodeIsDistinctAndListedInEachCommandsHelp() {
        assertThat(Arrays.stream(ExitCode.values()).map(ExitCode::code).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        for (String[] command : List.of(new String[] {"demo", "--help"}, new String[] {"kuzzle", "--help"},
                new String[] {"kong", "upgrade", "--help"}, new String[] {"elasticsearch", "copy", "--help"})) {
            Captured help = Captured.run(command);
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Exit codes:", "3  awaiting confirmation", "4  lock held",
                    "5  stopped by a signal");
        }
    }

    @Test
    void everyProductCommandOffersTheRecoveryOperationsStoreAndReportOptions() {
        for (String[] command : List.of(new String[] {"kuzzle", "--help"}, new String[] {"kong", "upgrade", "--help"},
                new String[] {"elasticsearch", "rolling", "--help"}, new String[] {"elasticsearch", "preflight", "--help"},
                new String[] {"elasticsearch", "snapshot-restore", "--help"})) {
            assertThat(Captured.run(command).out()).contains("--status", "--rollback", "--unlock", "--mark-done",
                    "--mark-skipped", "--reason", "--store", "--store-url", "--store-password-file", "--json",
                    "--report-json", "--stop-grace");
        }
    }

    @Test
    void markSkippedThenStatusThenARunThatSkipsItWithTheReportAsJsonOnStdoutAndInAFile() throws Exception {
        Captured skipped = copy("--mark-skipped", "copy-documents", "--reason", "copied with _reindex by hand");
        Captured status = copy("--status");
        Path report = dir.resolve("report.json");
        Captured run = copy("--json", "--report-json", report.toString());

        assertThat(skipped.exitCode()).isZero();
        assertThat(status.out()).contains("SKIPPED", "copy-documents", "copied with _reindex by hand");
        assertThat(run.exitCode()).isZero();
        JsonNode printed = new ObjectMapper().readTree(run.out());
        assertThat(printed.path("planId").asText()).isEqualTo(PLAN);
        assertThat(printed.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(new ObjectMapper().readTree(Files.readString(report))).isEqualTo(printed);
    }

    @Test
    void markDoneRecordsTheStepAsSucceeded() {
        assertThat(copy("--mark-done", "copy-documents", "--reason", "restored from a snapshot").exitCode()).isZero();

        assertThat(copy("--status").out()).contains("SUCCEEDED", "copy-documents");
    }

    @Test
    void aRecoveryOperationWithoutAReasonIsAUsageError() {
        Captured c = copy("--unlock");

        assertThat(c.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(c.err()).contains("--unlock needs --reason");
    }

    @Test
    void aHeldLockExitsWith4InOneLineNamingTheHolderAndItsExpiryAndUnlockReleasesIt() {
        try (FileCheckpointStore other = new FileCheckpointStore(checkpoints())) {
            other.acquireLease(PLAN, "batch-7@node-3", Duration.ofMinutes(5));

            Captured blocked = copy();
            Captured unlocked = copy("--unlock", "--reason", "node-3 was drained");

            assertThat(blocked.exitCode()).isEqualTo(ExitCode.LOCK_HELD.code());
            assertThat(blocked.err().lines().toList()).hasSize(1);
            assertThat(blocked.err()).startsWith("Lock held:").contains("batch-7@node-3", "expires at")
                    .doesNotContain("at io.upgradesdk", "Exception");
            assertThat(unlocked.exitCode()).isZero();
            assertThat(unlocked.out()).contains("Released the lock", "batch-7@node-3", "node-3 was drained");
            assertThat(copy("--status").out()).doesNotContain("lease:");
        }
    }

    @Test
    void aRunRefusedByAHeldLockWritesItsOwnReportOverTheOneOfAnEarlierAttemptAndSaysHowToUnlock() throws Exception {
        Path report = Files.writeString(dir.resolve("report.json"), "{\"planId\":\"" + PLAN
                + "\",\"outcome\":\"SUCCEEDED\"}");
        try (FileCheckpointStore other = new FileCheckpointStore(checkpoints())) {
            other.acquireLease(PLAN, "batch-7@node-3", Duration.ofMinutes(5));

            Captured blocked = copy("--json", "--report-json", report.toString());

            assertThat(blocked.exitCode()).isEqualTo(ExitCode.LOCK_HELD.code());
            JsonNode written = new ObjectMapper().readTree(Files.readString(report));
            assertThat(written.path("planId").asText()).isEqualTo(PLAN);
            assertThat(written.path("operation").asText()).isEqualTo("UP");
            assertThat(written.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(written.path("errorCode").asText()).isEqualTo("UPGRADE_LOCK_HELD");
            assertThat(written.path("error").asText()).contains("batch-7@node-3");
            assertThat(written.path("steps").get(0).path("outcome").asText()).isEqualTo("NOT_RUN");
            assertThat(new ObjectMapper().readTree(blocked.out())).as("--json: the same report on stdout")
                    .isEqualTo(written);
            assertThat(blocked.err().lines().toList()).hasSize(1);
            assertThat(blocked.err()).startsWith("Lock held:").contains("--unlock --reason TEXT")
                    .doesNotContain("UpgradeRunner");
        }
    }

    @Test
    void aMistypedStepNameIsAUsageErrorListingTheSteps() {
        Captured c = copy("--mark-done", "copy-documnets", "--reason", "restored from a snapshot");

        assertThat(c.exitCode()).as(c.all()).isEqualTo(ExitCode.USAGE.code());
        assertThat(c.err()).startsWith("Invalid options:").contains("'copy-documnets'", "[copy-documents]");
        assertThat(copy("--status").out()).contains("PENDING").doesNotContain("SUCCEEDED");
    }

    @Test
    void anExpectedErrorIsOneLineAndVerboseAddsTheStackTrace() {
        String[] unreachableStore = {"--store", "elasticsearch", "--store-url", "http://127.0.0.1:9", "--status"};

        Captured quiet = copy(unreachableStore);
        Captured verbose = copy(concat(unreachableStore, "--verbose"));

        assertThat(quiet.exitCode()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(quiet.err().lines().toList()).hasSize(1);
        assertThat(quiet.err()).startsWith("Error").contains("127.0.0.1:9").doesNotContain("\tat ");
        assertThat(verbose.exitCode()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(verbose.err()).contains("\tat ");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void theOperationsAreExclusive() {
        Captured c = copy("--status", "--rollback");

        assertThat(c.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(c.err()).contains("not several");
    }

    @Test
    void aSharedStoreNeedsItsAddressAndNeverTakesAPasswordInIt() {
        Captured noUrl = copy("--store", "redis");
        Captured withPassword = copy("--store", "jdbc", "--store-url", "jdbc:postgresql://u:hunter2@db:5432/up");
        Captured redisPassword = copy("--store", "redis", "--store-url", "redis://:hunter2@cache:6379/0");

        assertThat(noUrl.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(noUrl.err()).contains("--store redis needs --store-url");
        for (Captured c : List.of(withPassword, redisPassword)) {
            assertThat(c.exitCode()).isEqualTo(ExitCode.USAGE.code());
            assertThat(c.all()).contains("UPGRADE_STORE_PASSWORD", "--store-password-file").doesNotContain("hunter2");
        }
    }
}
