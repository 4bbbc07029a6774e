package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real orphans: a child JVM starts servers through test-servers and is SIGKILLed, so its shutdown
 * hooks never run; the next start in this JVM stops them and removes their directories, and this
 * JVM's own (live) servers keep running. Redis (about a second) runs by default; PostgreSQL and
 * Elasticsearch (an initdb or a node start of their own, 10-30 s on a loaded machine) are tagged
 * {@code long}.
 */
@Tag("integration")
class OrphanedServersAreReapedTest {

    @Test
    void theNextRedisStartReapsTheRedisOfAKilledJvm() throws Exception {
        RedisServer mine = RedisServer.get();
        Orphan orphan = orphanFromAKilledJvm("redis");

        RedisServer.builder().start().close();

        assertReaped(orphan);
        assertThat(mine.command("PING")).isEqualTo("PONG");
    }

    @Test
    @Tag("long")
    void theNextPostgresStartReapsThePostgresOfAKilledJvm() throws Exception {
        PostgresServer mine = PostgresServer.get();
        Orphan orphan = orphanFromAKilledJvm("postgres");

        PostgresServer.startDedicated().close();

        assertReaped(orphan);
        assertThat(mine.psql("postgres", "SELECT 1").trim()).isEqualTo("1");
    }

    @Test
    @Tag("long")
    void theNextElasticsearchNodeReapsTheNodeOfAKilledJvm() throws Exception {
        ElasticsearchServer mine = ElasticsearchServer.get(ElasticsearchServer.V7);
        Orphan orphan = orphanFromAKilledJvm("elasticsearch");

        ElasticsearchServer.newNode(ElasticsearchServer.V7).close();

        assertReaped(orphan);
        mine.request("GET", "/", null).ok();
    }

    private static void assertReaped(Orphan orphan) {
        assertThat(isAlive(orphan.pid())).as("server %s stopped", orphan.pid()).isFalse();
        assertThat(orphan.dir()).doesNotExist();
    }

    /** Starts a child JVM with one server of {@code kind}, SIGKILLs it and checks the server survived it. */
    private static Orphan orphanFromAKilledJvm(String kind) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                OrphanMakingJvm.class.getName(), kind)).redirectErrorStream(true).start();
        try {
            String[] ready = readyLine(child).split(" ");
            Orphan orphan = new Orphan(Path.of(ready[1]), Long.parseLong(ready[2]));
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(isAlive(orphan.pid())).as("the killed JVM left its %s running", kind).isTrue();
            return orphan;
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String readyLine(Process child) throws Exception {
        List<String> output = new ArrayList<>();
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith(OrphanMakingJvm.READY)) {
                        return line;
                    }
                    output.add(line);
                }
                throw new IllegalStateException("the child JVM exited before it was ready: " + output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return ready.get(4, TimeUnit.MINUTES);
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private record Orphan(Path dir, long pid) {
    }

    /** The child JVM: starts one server, prints {@code READY <dir> <pid>}, then waits to be killed. */
    static final class OrphanMakingJvm {
        static final String READY = "READY";

        public static void main(String[] args) throws Exception {
            Orphan orphan = switch (args[0]) {
                case "redis" -> {
                    RedisServer redis = RedisServer.get();
                    yield new Orphan(Path.of(redis.command("CONFIG", "GET", "dir").split("\n")[1].trim()), redis.pid());
                }
                case "postgres" -> {
                    Path data = Path.of(PostgresServer.get().psql("postgres", "SHOW data_directory").trim());
                    yield new Orphan(data.getParent(),
                            Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim()));
                }
                case "elasticsearch" -> {
                    ElasticsearchNode node = ElasticsearchServer.get(ElasticsearchServer.V7).node();
                    yield new Orphan(node.dir().getParent(), node.pid());
                }
                default -> throw new IllegalArgumentException(args[0]);
            };
            System.out.println(READY + " " + orphan.dir() + " " + orphan.pid());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
