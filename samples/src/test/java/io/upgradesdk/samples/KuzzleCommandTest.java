package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KuzzleCommandTest {

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.commandLine().execute(args);
    }

    @Test
    void is_registered_and_documents_its_options() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out));
        try {
            assertThat(run("kuzzle", "--help")).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString()).contains("--source-es", "--target-es", "--source-redis", "--target-redis",
                "--kuzzlerc", "--target-version", "--checkpoints", "--in-place", "--cache", "--dry-run", "--finish",
                "--yes");
    }

    @Test
    void needs_exactly_one_of_target_es_and_in_place() {
        String cp = dir.resolve("cp.json").toString();
        assertThat(run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-version", "2.14.0",
                "--checkpoints", cp)).isEqualTo(2);
        assertThat(run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-es", "http://127.0.0.1:10",
                "--in-place", "--target-version", "2.14.0", "--checkpoints", cp)).isEqualTo(2);
    }

    @Test
    void invalid_settings_are_reported_before_connecting() {
        assertThat(run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-es", "http://127.0.0.1:10",
                "--target-version", "3.0.0", "--checkpoints", dir.resolve("cp.json").toString())).isEqualTo(2);
        assertThat(run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-es", "http://127.0.0.1:10",
                "--target-version", "2.14.0", "--destroy", "everything",
                "--checkpoints", dir.resolve("cp.json").toString())).isEqualTo(2);
    }

    @Test
    void a_dry_run_whose_steps_cannot_answer_exits_with_the_failure_code() {
        Path checkpoints = dir.resolve("cp.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out));
        try {
            assertThat(run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-es", "http://127.0.0.1:10",
                    "--target-version", "2.14.0", "--checkpoints", checkpoints.toString(), "--dry-run")).isEqualTo(1);
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString()).contains("WARNING: the dry run of step");
        assertThat(checkpoints).as("a dry run writes nothing").doesNotExist();
    }
}
