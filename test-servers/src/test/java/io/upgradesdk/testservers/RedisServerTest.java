package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Redis starter against the real redis-server. */
@Tag("integration")
class RedisServerTest {

    @Test
    void sharedServerIsStartedOnceAndHandsOutFlushedDatabases() {
        RedisServer server = RedisServer.get();
        assertThat(RedisServer.get()).isSameAs(server);
        int db = server.freshDatabase();
        server.command("SELECT", Integer.toString(db), "SET", "k", "v");
        int other = server.freshDatabase();

        assertThat(other).isNotEqualTo(db).isBetween(1, 15);
        assertThat(server.command("SELECT", Integer.toString(other), "DBSIZE")).isEqualTo("0");
        assertThat(server.command("SELECT", Integer.toString(db), "GET", "k")).isEqualTo("v");
        assertThat(server.uri(db)).isEqualTo("redis://127.0.0.1:" + server.port() + "/" + db);
        assertThat(server.uniqueKeyPrefix("a test")).startsWith("a_test-").endsWith(":")
                .isNotEqualTo(server.uniqueKeyPrefix("a test"));
    }

    @Test
    void appendOnlyServerKeepsItsDataAcrossRestartAndKill() {
        try (RedisServer server = RedisServer.builder().appendOnly().start()) {
            long pid = server.pid();
            server.command("SET", "kept", "1");
            server.restart();
            assertThat(server.pid()).isNotEqualTo(pid);
            assertThat(server.command("GET", "kept")).isEqualTo("1");

            server.command("SET", "kept", "2");
            server.kill();
            assertThat(server.isRunning()).isFalse();
            server.startAgain();
            assertThat(server.command("GET", "kept")).isEqualTo("2");
        }
    }

    @Test
    void serverWithoutPersistenceStartsEmptyAfterRestart() {
        try (RedisServer server = RedisServer.builder().start()) {
            server.command("SET", "lost", "1");
            server.restart();
            assertThat(server.command("EXISTS", "lost")).isEqualTo("0");
        }
    }

    @Test
    void passwordIsRequired() throws Exception {
        try (RedisServer server = RedisServer.builder().password("pw-1").start()) {
            assertThat(server.command("PING")).isEqualTo("PONG"); // redis-cli authenticates with the password
            Process anonymous = new ProcessBuilder("redis-cli", "-h", server.host(), "-p",
                    Integer.toString(server.port()), "PING").redirectErrorStream(true).start();
            String answer = new String(anonymous.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            anonymous.waitFor();
            assertThat(answer).contains("NOAUTH");
        }
    }

    @Test
    void missingBinarySaysToRunBinTest() {
        String previous = System.getProperty("redis.server.binary");
        System.setProperty("redis.server.binary", "/nonexistent/redis-server");
        try {
            assertThatThrownBy(() -> RedisServer.builder().start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("/nonexistent/redis-server").hasMessageContaining("run bin/test");
        } finally {
            if (previous == null) {
                System.clearProperty("redis.server.binary");
            } else {
                System.setProperty("redis.server.binary", previous);
            }
        }
    }
}
