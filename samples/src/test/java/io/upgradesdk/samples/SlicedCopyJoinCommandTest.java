package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.RedisServer;
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
 * {@code elasticsearch copy --slices N --join}: a second process joins a sliced copy that a first
 * one runs, through a shared Redis store, on a real Elasticsearch 7 node. Tagged {@code long}: it starts
 * a second JVM (about 150 s on the loaded 2-core machine, 75 s of it the node start).
 */
@Tag("integration")
@Tag("long")
class SlicedCopyJoinCommandTest {

    private static final int DOCUMENTS = 2_000;
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");
    private static final Pattern COMPLETED = Pattern.compile("this process completed (\\d+) partition");

    @TempDir
    Path dir;

    @Test
    void a_joining_process_claims_free_slices_of_the_running_copy_and_the_counts_are_exact() throws Exception {
        ElasticsearchServer es = ElasticsearchServer.get(ElasticsearchServer.V7);
        RedisServer redis = RedisServer.get();
        String prefix = es.newIndexPrefix("join");
        String source = prefix + "src";
        String target = prefix + "dst";
        seed(es, source);
        List<String> copy = List.of("elasticsearch", "copy", "--source", es.url(), "--source-index", source, "--target",
                es.url(), "--target-index", target, "--page-size", "20", "--slices", "4", "--store", "redis",
                "--store-url", redis.uri(redis.freshDatabase()));
        Path output = dir.resolve("run.out");
        Process run = start(with(copy, "--workers", "1"), output);
        Captured joined;
        try {
            waitUntil(() -> count(es, target) > 0 || !run.isAlive(), 180);
            assertThat(run.isAlive()).as("the run copies").isTrue();
            // the run's one worker holds one slice; frozen, it cannot take the free ones before the join does
            signal(run, "STOP");
            try {
                joined = Captured.run(with(copy, "--join", "--workers", "2"));
            } finally {
                signal(run, "CONT");
            }
            assertThat(run.waitFor(180, TimeUnit.SECONDS)).as("the run ended").isTrue();
        } finally {
            signal(run, "CONT");
            run.destroyForcibly();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        String runOutput = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(run.exitValue()).as(runOutput).isZero();
        assertThat(joined.exitCode()).as(joined.all()).isZero();
        assertThat(joined.out()).contains("Joined step 'copy-documents' of plan 'elasticsearch-copy-to-" + target);
        Matcher completed = COMPLETED.matcher(joined.out());
        assertThat(completed.find()).isTrue();
        assertThat(Integer.parseInt(completed.group(1))).as("free slices the joining process copied").isBetween(1, 3);
        es.request("POST", "/" + target + "/_refresh", null);
        assertThat(count(es, target)).isEqualTo(DOCUMENTS);
    }

    private static void signal(Process process, String signal) throws Exception {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %d s", seconds).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void seed(ElasticsearchServer es, String index) {
        es.request("PUT", "/" + index, "{\"settings\":{\"number_of_shards\":4,\"number_of_replicas\":0}}");
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCUMENTS; i++) {
            bulk.append("{\"index\":{\"_id\":\"order-").append(i).append("\"}}\n")
                    .append("{\"n\":").append(i).append(",\"customer\":\"c-").append(i % 97).append("\"}\n");
        }
        ElasticsearchServer.Response r = es.request("POST", "/" + index + "/_bulk?refresh=true", bulk.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"errors\":false");
        assertThat(count(es, index)).isEqualTo(DOCUMENTS);
    }

    private static long count(ElasticsearchServer es, String index) {
        ElasticsearchServer.Response r = es.request("GET", "/" + index + "/_count", null);
        Matcher m = COUNT.matcher(r.body());
        return r.status() == 200 && m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Process start(String[] args, Path output) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
