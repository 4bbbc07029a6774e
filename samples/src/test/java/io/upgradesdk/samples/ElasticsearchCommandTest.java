package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchCommandTest {

    @RegisterExtension
    final StandardOutput out = new StandardOutput();

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.commandLine().execute(args);
    }

    /** Runs with {@code System.err} captured; returns what the command printed there. */
    private String errorsOf(int expectedExit, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(run(args)).isEqualTo(expectedExit);
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void invalid_settings_are_reported_before_connecting() {
        String cp = dir.resolve("cp.json").toString();
        assertThat(errorsOf(2, "elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "restart {node}", "--target-version", "eight", "--checkpoints", cp))
                .contains("Invalid options: targetVersion must look like 8.19.21 or 8, was 'eight'");
        assertThat(errorsOf(2, "elasticsearch", "snapshot-restore", "--source", "http://127.0.0.1:9", "--target",
                "http://127.0.0.1:9", "--repository", "r", "--location", "/snap", "--checkpoints", cp))
                .contains("Invalid options: source and target are the same cluster");
        assertThat(errorsOf(2, "elasticsearch", "snapshot-restore", "--source", "http://127.0.0.1:9", "--target",
                "http://127.0.0.1:10", "--repository", "Upgrade", "--location", "/snap", "--checkpoints", cp))
                .contains("repository name 'Upgrade' must be lower case");
    }

    @Test
    void the_node_command_timeout_and_the_node_wait_are_options_refused_below_one_second_before_connecting() {
        String cp = dir.resolve("cp.json").toString();
        String[] rolling = {"elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
            "upgrade {node} {version}", "--checkpoints", cp};

        assertThat(errorsOf(2, concat(rolling, "--node-command-timeout", "0")))
                .contains("Invalid options: --node-command-timeout must be 1 second or more, was 0");
        assertThat(errorsOf(2, concat(rolling, "--node-timeout", "-5")))
                .contains("Invalid options: --node-timeout must be 1 second or more, was -5");
        assertThat(errorsOf(2, concat(rolling, "--target-version", "8.19.21,9.2.4", "--node-timeout", "0")))
                .as("a sequence too").contains("--node-timeout must be 1 second or more");
        assertThat(dir.resolve("cp.json")).as("nothing ran").doesNotExist();
        assertThat(run(concat(rolling, "--help"))).isZero();
        assertThat(out.text()).contains("--node-command-timeout=SECONDS", "--node-timeout=SECONDS", "default 1800 s",
                "default 900 s");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private String[] copy(String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("elasticsearch", "copy", "--source",
                "http://127.0.0.1:9", "--source-index", "orders", "--target", "http://127.0.0.1:10", "--target-index",
                "orders-v2", "--checkpoints", dir.resolve("cp.json").toString()));
        args.addAll(java.util.List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void a_copy_join_needs_the_slices_of_the_run_and_says_when_no_run_is_in_progress() {
        assertThat(errorsOf(2, copy("--join"))).contains("--join needs the --slices N of the run it joins");
        assertThat(errorsOf(2, copy("--slices", "129"))).contains("--slices must be 1 to 128");

        assertThat(run(copy("--slices", "2", "--join"))).isEqualTo(1);

        assertThat(out.text()).contains("Nothing to join: no run of plan 'elasticsearch-copy-to-orders-v2'");
        assertThat(dir.resolve("cp.json")).doesNotExist();
    }

    @Test
    void a_sliced_copy_dry_run_names_its_slices_and_fails_when_the_source_is_down() {
        assertThat(run(copy("--slices", "3", "--workers", "2", "--dry-run"))).isEqualTo(1);
        assertThat(out.text()).contains("copy-documents", "in 3 slices", "Dry run NOT clear");
    }

    @Test
    void a_dry_run_with_unreachable_clusters_shows_the_whole_plan_and_exits_with_the_failure_code() {
        assertThat(run("elasticsearch", "snapshot-restore", "--source", "http://127.0.0.1:9", "--target",
                "http://127.0.0.1:10", "--repository", "upgrade", "--location", "/snap", "--indices", "logs-*",
                "--dry-run", "--checkpoints", dir.resolve("cp.json").toString())).isEqualTo(1);
        assertThat(out.text()).contains("register-source-repository", "snapshot", "restore", "verify",
                "post-upgrade-checks", "WARNING: the dry run of step 'repository-check' failed");
    }

    @Test
    void several_target_versions_make_a_sequence_whose_hops_are_checked_before_connecting() {
        String cp = dir.resolve("cp.json").toString();
        assertThat(errorsOf(2, "elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "upgrade {node} {version}", "--target-version", "9.2.4,8.19.21", "--checkpoints", cp))
                .contains("Invalid options: the hops must ascend: 9.2.4 → 8.19.21");
        assertThat(errorsOf(2, "elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "upgrade {node} {version}", "--target-version", "8.10.0,9.2.4", "--checkpoints", cp))
                .contains("Add a hop to the latest 8.19 release before 9.2.4");
        assertThat(errorsOf(2, "elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "upgrade {node}", "--target-version", "8.19.21,9.2.4", "--checkpoints", cp))
                .contains("--node-command needs a {version} placeholder");
        assertThat(errorsOf(2, "elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "upgrade {node} {version}", "--target-version", "8.19.21,9.2.4", "--rollback", "--checkpoints", cp))
                .contains("act on one plan, not on the sequence 'es-rolling'");
    }

    @Test
    void the_status_of_a_sequence_lists_every_hop_as_stored() {
        assertThat(run("elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "upgrade {node} {version}", "--target-version", "8.19.21,9.2.4", "--read-only-before-9", "logs-2020",
                "--status", "--checkpoints", dir.resolve("cp.json").toString())).isEqualTo(0);
        assertThat(out.text()).contains("es-rolling/8.19.21", "es-rolling/mark-read-only-before-9.2.4",
                "es-rolling/9.2.4", "PENDING");
    }

    @Test
    void a_dry_run_of_a_sequence_against_an_unreachable_cluster_shows_every_hop_and_exits_with_the_failure_code() {
        assertThat(run("elasticsearch", "rolling", "--cluster", "http://127.0.0.1:9", "--node-command",
                "upgrade {node} {version}", "--target-version", "8.19.21,9.2.4", "--dry-run", "--json",
                "--checkpoints", dir.resolve("cp.json").toString())).isEqualTo(1);
        assertThat(out.text()).contains("es-rolling/8.19.21", "es-rolling/9.2.4", "rolling-preflight");
    }
}
