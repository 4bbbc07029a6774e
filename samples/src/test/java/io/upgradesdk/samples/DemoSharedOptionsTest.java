package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo takes the product commands' shared options ({@code --store}, {@code --unlock},
 * {@code --mark-done}/{@code --mark-skipped}, {@code --json}, ...) with their checks and exit codes.
 */
class DemoSharedOptionsTest {

    private static final String PLAN = "demo-config-v1-to-v2";

    @TempDir
    Path dir;

    private Captured demo(String... args) {
        List<String> all = new ArrayList<>(List.of("demo", "--dir=" + dir, "--delay-ms=0", "--files=3",
                "--crash-after=0"));
        all.addAll(List.of(args));
        return Captured.run(all.toArray(String[]::new));
    }

    private Path checkpoints() {
        return dir.resolve("upgrade.checkpoint.json");
    }

    @Test
    void aLockHeldByAnotherRunExitsWith4AndUnlockWithAReasonReleasesIt() throws Exception {
        Files.createDirectories(dir);
        try (FileCheckpointStore other = new FileCheckpointStore(checkpoints())) {
            Lease held = other.acquireLease(PLAN, "batch-7@node-3", Duration.ofMinutes(10));

            Captured blocked = demo();
            Captured unlocked = demo("--unlock", "--reason", "node-3 was drained");
            Captured rerun = demo();

            assertThat(blocked.exitCode()).as(blocked.all()).isEqualTo(4);
            assertThat(blocked.err()).startsWith("Lock held:").contains("batch-7@node-3");
            assertThat(unlocked.exitCode()).as(unlocked.all()).isZero();
            assertThat(unlocked.out()).contains("Released the lock of plan '" + PLAN + "' held by 'batch-7@node-3'"
                    + " (token " + held.token(), "reason: node-3 was drained");
            assertThat(rerun.exitCode()).as(rerun.all()).isZero();
            assertThat(dir.resolve("v2")).isDirectory();
        }
    }

    @Test
    void unlockWithoutAReasonIsAUsageError() {
        Captured c = demo("--unlock");

        assertThat(c.exitCode()).isEqualTo(2);
        assertThat(c.err()).contains("--unlock needs --reason");
    }

    @Test
    void aStepMarkedSkippedIsNotRunAndMarkDoneIsRecorded() throws Exception {
        Captured skipped = demo("--mark-skipped", "verify-v2", "--reason", "checked by hand");
        Captured done = demo("--mark-done", "validate-v1", "--reason", "validated last week");
        Captured run = demo();

        assertThat(skipped.exitCode()).as(skipped.all()).isZero();
        assertThat(done.exitCode()).as(done.all()).isZero();
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("skip verify-v2 (marked skipped)", "skip validate-v1 (already done)");
        try (var files = Files.list(dir.resolve("v2"))) {
            assertThat(files.count()).as("convert-files still ran").isEqualTo(3);
        }
    }

    @Test
    void aSharedStoreIsChosenWithStoreAndNeedsItsAddress() {
        Captured c = demo("--store", "jdbc");

        assertThat(c.exitCode()).isEqualTo(2);
        assertThat(c.err()).contains("--store jdbc needs --store-url");
        assertThat(checkpoints()).doesNotExist();
    }

    @Test
    void statusOnAFolderNeverUsedCreatesNothing() {
        Path fresh = dir.resolve("not-yet");

        Captured c = Captured.run("demo", "--dir=" + fresh, "--status");

        assertThat(c.exitCode()).as(c.all()).isZero();
        assertThat(c.out()).contains("not created yet");
        assertThat(fresh).doesNotExist();
    }

    @Test
    void aReportFileInADirectoryThatDoesNotExistIsAUsageErrorBeforeAnythingRuns() {
        Path report = dir.resolve("reports").resolve("demo.json");

        Captured c = demo("--report-json", report.toString());

        assertThat(c.exitCode()).as(c.all()).isEqualTo(2);
        assertThat(c.err()).startsWith("Invalid options: --report-json").contains(dir.resolve("reports").toString(),
                "does not exist");
        assertThat(checkpoints()).as("nothing ran").doesNotExist();
        assertThat(dir.resolve("v2")).doesNotExist();
    }

    @Test
    void theReportCanBeJsonOnStdoutWithProgressOnStderr() throws Exception {
        Path report = dir.resolve("report.json");

        Captured c = demo("--json", "--report-json", report.toString());

        assertThat(c.exitCode()).as(c.all()).isZero();
        assertThat(c.out().strip()).startsWith("{").endsWith("}").contains("\"outcome\"", "SUCCEEDED");
        assertThat(c.err()).contains("convert-files", "UP phase done");
        assertThat(Files.readString(report)).contains(PLAN);
    }
}
