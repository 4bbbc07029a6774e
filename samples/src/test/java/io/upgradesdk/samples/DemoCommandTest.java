package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The demo as a user runs it: seed, preview, up, killed and resumed, finish. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final StandardOutput output = new StandardOutput();

    /** The demo without its crash story (a plain run), unless the test passes --crash-after. */
    private int demo(String... args) {
        List<String> all = new ArrayList<>(List.of("demo", "--dir=" + dir, "--delay-ms=0", "--files=6"));
        if (Arrays.stream(args).noneMatch(a -> a.startsWith("--crash-after"))) {
            all.add("--crash-after=0");
        }
        all.addAll(List.of(args));
        return Main.commandLine().execute(all.toArray(String[]::new));
    }

    private String out() {
        return output.text();
    }

    @Test
    void dryRunListsTheWorkAndWritesNothing() {
        assertThat(demo("--dry-run")).isZero();

        assertThat(out()).contains("validate-v1", "retire-v1", "point of no return");
        assertThat(dir.resolve("upgrade.checkpoint.json")).doesNotExist();
    }

    @Test
    void upConvertsEveryFileAndKeepsV1() throws Exception {
        assertThat(demo()).isZero();

        try (var files = Files.list(dir.resolve("v2"))) {
            assertThat(files.count()).isEqualTo(6);
        }
        assertThat(Files.readString(dir.resolve("v2").resolve("service-01.json")))
                .contains("\"address\" : \"svc-1.internal:8001\"", "\"requestMillis\" : 11000");
        assertThat(dir.resolve("v1")).isDirectory();
    }

    @Test
    void finishWithoutYesDoesNotDeleteV1() {
        assertThat(demo("--finish")).isEqualTo(3);

        assertThat(out()).contains("NOT confirmed", "--finish --yes");
        assertThat(dir.resolve("v1")).isDirectory();
    }

    @Test
    void finishWithYesRetiresV1() {
        assertThat(demo("--finish", "--yes")).isZero();

        assertThat(dir.resolve("v1")).doesNotExist();
        assertThat(dir.resolve("v2")).isDirectory();
    }

    @Test
    void rollbackRemovesV2() {
        demo();

        assertThat(demo("--rollback")).isZero();

        assertThat(dir.resolve("v2")).doesNotExist();
        assertThat(dir.resolve("v1")).isDirectory();
    }

    @Test
    void theFirstRunIsKilledInAChildJvmAndResumedAfterTheLastSavedFileEndingWell() throws Exception {
        assertThat(demo("--crash-after=3")).isZero();

        assertThat(out()).contains("[1/3]", "child | -> convert-files",
                "[2/3] Killed the child JVM", "with SIGKILL (kill -9) right after it saved service-03.json",
                "checkpoint: convert-files  RUNNING, cursor service-03.json", "lease: still held by the dead run",
                "[3/3] Running again", "-> convert-files (resuming after service-03.json)",
                "this run converted 3 files (service-04.json to service-06.json)", "No file was converted twice.",
                "UP phase done");
        try (var files = Files.list(dir.resolve("v2"))) {
            assertThat(files.count()).isEqualTo(6);
        }
    }

    @Test
    void aSecondRunFindsEverythingDoneAndCrashesNothing() {
        demo();

        assertThat(Main.commandLine().execute("demo", "--dir=" + dir, "--delay-ms=0")).isZero();

        assertThat(out()).doesNotContain("[1/3]").contains("skip convert-files (already done)");
    }
}
