package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.FileCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry run is what a script or a CI job gates on: against servers that are down (a closed port)
 * each product's dry run exits with the failure code, and its last line says what could not be
 * checked and what to do; the same for the three products.
 */
class DryRunExitCodeTest {

    private static final String CLOSED = "http://127.0.0.1:9";

    @TempDir
    Path dir;

    private String checkpoints() {
        return dir.resolve("cp.json").toString();
    }

    @Test
    void an_elasticsearch_preflight_dry_run_against_a_cluster_that_is_down_exits_1_and_says_so_last() {
        Captured c = Captured.run("elasticsearch", "preflight", "--cluster", CLOSED, "--dry-run",
                "--checkpoints", checkpoints());

        assertThat(c.exitCode()).as(c.all()).isEqualTo(1);
        assertThat(lastLine(c)).startsWith("Dry run NOT clear (exit 1): 5 of 5 steps could not be checked")
                .contains("could not check: Elasticsearch at " + CLOSED + " is unreachable",
                        "[preflight-versions, preflight-health, preflight-deprecations, preflight-old-indices,"
                                + " preflight-disk]", "run the dry run again");
    }

    @Test
    void an_elasticsearch_copy_dry_run_asks_the_source_so_a_cluster_that_is_down_exits_1() {
        Captured c = Captured.run("elasticsearch", "copy", "--source", CLOSED, "--source-index", "orders",
                "--target", "http://127.0.0.1:10", "--target-index", "orders-v2", "--slices", "3", "--dry-run",
                "--checkpoints", checkpoints());

        assertThat(c.exitCode()).as(c.all()).isEqualTo(1);
        assertThat(c.out()).contains("copy-documents - copy the documents of orders into orders-v2 in 3 slices");
        assertThat(lastLine(c)).startsWith("Dry run NOT clear (exit 1)").contains("is unreachable",
                "[copy-documents]");
    }

    @Test
    void a_kuzzle_dry_run_against_clusters_that_are_down_exits_1_naming_each_unreachable_cluster_once() {
        Captured c = Captured.run("kuzzle", "--source-es", CLOSED, "--target-es", "http://127.0.0.1:10",
                "--target-version", "2.14.0", "--dry-run", "--checkpoints", checkpoints());

        assertThat(c.exitCode()).as(c.all()).isEqualTo(1);
        String last = lastLine(c);
        assertThat(last).startsWith("Dry run NOT clear (exit 1)")
                .contains("Elasticsearch at http://127.0.0.1:10 is unreachable", "[kuzzle-inventory]");
        assertThat(last.split("Elasticsearch at " + CLOSED + " is unreachable", -1)).as("named once").hasSize(2);
    }

    @Test
    void a_kong_upgrade_dry_run_against_a_node_and_database_that_are_down_exits_1() {
        Captured c = Captured.run("kong", "upgrade", "--strategy", "in-place", "--kong-version", "3.4.2",
                "--admin-url", CLOSED, "--new-admin-url", "http://127.0.0.1:10",
                "--pg-url", "jdbc:postgresql://127.0.0.1:9/kong", "--dry-run", "--checkpoints", checkpoints());

        assertThat(c.exitCode()).as(c.all()).isEqualTo(1);
        assertThat(lastLine(c)).startsWith("Dry run NOT clear (exit 1)")
                .contains("Kong Admin API " + CLOSED + "/ is unreachable", "[preflight]", "could not read schema_meta");
    }

    @Test
    void a_dry_run_as_json_keeps_stdout_for_the_json_and_puts_the_verdict_last_on_stderr() {
        Captured c = Captured.run("elasticsearch", "preflight", "--cluster", CLOSED, "--dry-run", "--json",
                "--checkpoints", checkpoints());

        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.out().strip()).startsWith("{").endsWith("}");
        assertThat(last(c.err())).startsWith("Dry run NOT clear (exit 1)");
    }

    @Test
    void a_dry_run_with_nothing_to_reach_exits_0_and_says_it_is_clear() {
        Captured c = Captured.run("demo", "--dir=" + dir.resolve("demo"), "--dry-run");

        assertThat(c.exitCode()).as(c.all()).isZero();
        assertThat(lastLine(c)).startsWith("Dry run clear: every step's dry run answered and none would refuse (")
                .endsWith(" steps).");
    }

    @Test
    void a_dry_run_while_another_run_holds_the_lock_exits_4_naming_the_holder() throws Exception {
        Path demo = Files.createDirectories(dir.resolve("demo"));
        try (FileCheckpointStore other = new FileCheckpointStore(demo.resolve("upgrade.checkpoint.json"))) {
            other.acquireLease("demo-config-v1-to-v2", "batch-7@node-3", Duration.ofMinutes(5));

            Captured c = Captured.run("demo", "--dir=" + demo, "--dry-run");

            assertThat(c.exitCode()).as(c.all()).isEqualTo(4);
            assertThat(lastLine(c)).startsWith("Dry run NOT clear (exit 4): the lock of plan 'demo-config-v1-to-v2'"
                    + " is held by 'batch-7@node-3' until ").contains("--unlock");
        }
    }

    @Test
    void a_dry_run_over_a_checkpoint_written_with_other_options_says_the_run_would_be_refused() {
        String[] plainCopy = {"elasticsearch", "copy", "--source", CLOSED, "--source-index", "orders", "--target",
                "http://127.0.0.1:10", "--target-index", "orders-v2", "--checkpoints", checkpoints()};
        assertThat(Captured.run(concat(plainCopy, "--mark-skipped", "copy-documents", "--reason", "by hand"))
                .exitCode()).isZero();

        Captured c = Captured.run(concat(plainCopy, "--slices", "2", "--dry-run"));

        assertThat(c.exitCode()).as(c.all()).isEqualTo(1);
        assertThat(lastLine(c)).contains("would refuse the run: the checkpoint of plan"
                + " 'elasticsearch-copy-to-orders-v2' was written by a plan with other steps");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static String lastLine(Captured c) {
        return last(c.out());
    }

    private static String last(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }
}
