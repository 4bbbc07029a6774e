package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.testservers.ElasticsearchServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real run: a child JVM copies documents on a real Elasticsearch node; the signal
 * stops it at the next written page within the grace period with the "stopped" exit code, the lock
 * released and the cursor saved, and the rerun copies the rest: exact counts at the end.
 */
@Tag("integration")
class StopBySignalTest {

    private static final int DOCUMENTS = 30_000;
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");

    @TempDir
    Path dir;

    @Test
    void sigtermMidCopyStopsAtAPageWithExitCode5AndTheRerunEndsWithExactCounts() throws Exception {
        ElasticsearchServer es = ElasticsearchServer.get(ElasticsearchServer.V7);
        String prefix = es.newIndexPrefix("sigterm");
        String source = prefix + "src";
        String target = prefix + "dst";
        seed(es, source);
        List<String> copy = List.of("elasticsearch", "copy", "--source", es.url(), "--source-index", source, "--target",
                es.url(), "--target-index", target, "--page-size", "20", "--checkpoints",
                dir.resolve("copy.checkpoint").toString());

        Captured dryRun = Captured.run(with(copy, "--dry-run"));
        assertThat(dryRun.exitCode()).as(dryRun.all()).isZero();
        assertThat(dryRun.out()).contains("documents=" + DOCUMENTS).endsWith("Dry run clear: every step's dry run"
                + " answered and none would refuse (1 step)." + System.lineSeparator());

        Path output = dir.resolve("child.out");
        Process child = startChild(copy, output);
        waitUntil(() -> read(output).contains("-> copy-documents"), 120);
        waitUntil(() -> count(es, target) >= 200, 60);
        long beforeSignal = count(es, target);
        long signalledAt = System.nanoTime();
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("ended within the grace period").isTrue();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalledAt);

        String childOutput = read(output);
        assertThat(child.exitValue()).as("exit code; output: %s", childOutput).isEqualTo(ExitCode.STOPPED.code());
        assertThat(childOutput).contains("Stop requested", "stopped at a safe point", "lease is released");
        refresh(es, target);
        long copiedBeforeStop = count(es, target);
        assertThat(copiedBeforeStop).as("stopped mid-copy").isBetween(beforeSignal, (long) DOCUMENTS - 1);
        assertThat(stopMillis).isLessThan(25_000);

        Captured status = Captured.run(with(copy, "--status"));
        assertThat(status.out()).contains("RUNNING", "copy-documents", "cursor").doesNotContain("lease:");

        Captured rerun = Captured.run(copy.toArray(String[]::new));
        assertThat(rerun.exitCode()).as(rerun.all()).isZero();
        assertThat(rerun.out()).contains("-> copy-documents (resuming after");
        assertThat(count(es, target)).isEqualTo(DOCUMENTS);
        assertThat(count(es, source)).isEqualTo(DOCUMENTS);
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void seed(ElasticsearchServer es, String index) {
        es.request("PUT", "/" + index, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        for (int from = 0; from < DOCUMENTS; from += 5_000) {
            StringBuilder bulk = new StringBuilder();
            for (int i = from; i < from + 5_000; i++) {
                bulk.append("{\"index\":{\"_id\":\"order-").append(i).append("\"}}\n")
                        .append("{\"n\":").append(i).append(",\"customer\":\"c-").append(i % 97).append("\"}\n");
            }
            ElasticsearchServer.Response r = es.request("POST", "/" + index + "/_bulk", bulk.toString());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"errors\":false");
        }
        refresh(es, index);
        assertThat(count(es, index)).isEqualTo(DOCUMENTS);
    }

    private static void refresh(ElasticsearchServer es, String index) {
        es.request("POST", "/" + index + "/_refresh", null);
    }

    private static long count(ElasticsearchServer es, String index) {
        ElasticsearchServer.Response r = es.request("GET", "/" + index + "/_count", null);
        Matcher m = COUNT.matcher(r.body());
        return r.status() == 200 && m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Process startChild(List<String> args, Path output) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %d s", seconds).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
