package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.FileCheckpointStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                "--yes", "--slices", "--workers", "--join");
    }

    private String[] kuzzle(Path checkpoints, String... more) {
        List<String> args = new ArrayList<>(List.of("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-es",
                "http://127.0.0.1:10", "--target-version", "2.14.0", "--checkpoints", checkpoints.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void a_join_when_no_run_is_in_progress_says_so_exits_with_the_failure_code_and_creates_nothing() {
        Path checkpoints = dir.resolve("cp.json");

        Captured joined = Captured.run(kuzzle(checkpoints, "--join"));

        assertThat(joined.exitCode()).as(joined.all()).isEqualTo(1);
        assertThat(joined.out()).contains("Nothing to join: no run of plan 'kuzzle-1-to-2' has written its"
                + " checkpoints", "start the run (same command without --join)");
        assertThat(checkpoints).doesNotExist();
    }

    @Test
    void a_join_runs_no_step_of_a_plan_whose_run_is_not_copying() throws Exception {
        Path checkpoints = dir.resolve("cp.json");
        Captured marked = Captured.run(kuzzle(checkpoints, "--mark-done", "kuzzle-inventory", "--reason", "by hand"));
        assertThat(marked.exitCode()).as(marked.all()).isZero();

        Captured joined = Captured.run(kuzzle(checkpoints, "--join", "--workers", "2"));

        assertThat(joined.exitCode()).as(joined.all()).isEqualTo(1);
        assertThat(joined.out()).contains("Nothing to join: no copy of plan 'kuzzle-1-to-2' is running (its run is at"
                + " step 'kuzzle-config' (PENDING), which has no partitions to share)");
        try (FileCheckpointStore store = new FileCheckpointStore(checkpoints)) {
            Checkpoint after = store.load("kuzzle-1-to-2").orElseThrow();
            assertThat(after.steps()).filteredOn(s -> !s.stepId().equals("kuzzle-inventory"))
                    .allSatisfy(s -> assertThat(s.attempts()).as(s.stepId()).isZero());
        }
    }

    @Test
    void join_slices_and_workers_are_checked_as_options() {
        Path checkpoints = dir.resolve("cp.json");
        assertThat(Captured.run(kuzzle(checkpoints, "--join", "--finish")).exitCode()).isEqualTo(2);
        assertThat(Captured.run(kuzzle(checkpoints, "--join", "--dry-run")).exitCode()).isEqualTo(2);
        Captured tooMany = Captured.run(kuzzle(checkpoints, "--slices", "65"));
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).contains("slices must be between 1 and 64");
        assertThat(Captured.run(kuzzle(checkpoints, "--workers", "-1")).exitCode()).isEqualTo(2);
        assertThat(checkpoints).doesNotExist();
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
    void a_missing_or_doubled_target_is_one_usage_line_saying_which() {
        String cp = dir.resolve("cp.json").toString();

        Captured neither = Captured.run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-version", "2.14.0",
                "--checkpoints", cp);
        Captured both = Captured.run("kuzzle", "--source-es", "http://127.0.0.1:9", "--target-es",
                "http://127.0.0.1:10", "--in-place", "--target-version", "2.14.0", "--checkpoints", cp);

        assertThat(neither.err()).isEqualTo("Invalid options: give --target-es URL (a new cluster) or --in-place (the"
                + " same cluster): the target is missing" + System.lineSeparator());
        assertThat(both.err()).startsWith("Invalid options: ").contains("not both").doesNotContain("missing");
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
