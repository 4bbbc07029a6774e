package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The demo as a user runs it: seed, preview, up, interrupt and resume, finish. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final StandardOutput output = new StandardOutput();

    private int demo(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "demo";
        all[1] = "--dir=" + dir;
        all[2] = "--delay-ms=0";
        all[3] = "--files=6";
        System.arraycopy(args, 0, all, 4, args.length);
        return Main.commandLine().execute(all);
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
        assertThat(demo("--finish")).isEqualTo(2);

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
    void anInterruptedRunResumesAfterTheLastConvertedFile() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process crashed = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "demo", "--dir=" + dir, "--delay-ms=0", "--files=6", "--stop-after=3")
                .redirectErrorStream(true).redirectOutput(dir.resolve("crashed.log").toFile()).start();
        assertThat(crashed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(crashed.exitValue()).isEqualTo(137);

        assertThat(demo()).isZero();

        assertThat(out()).contains("resuming after service-03.json").doesNotContain("service-02.json\n");
        try (var files = Files.list(dir.resolve("v2"))) {
            assertThat(files.count()).isEqualTo(6);
        }
    }
}
