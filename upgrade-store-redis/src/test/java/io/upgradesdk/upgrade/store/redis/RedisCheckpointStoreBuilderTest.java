package io.upgradesdk.upgrade.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builder validation and connection failures; no Redis server needed. */
class RedisCheckpointStoreBuilderTest {

    @Test
    void aConnectionSourceIsRequired() {
        assertThatThrownBy(() -> RedisCheckpointStore.builder().build())
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("exactly one of uri(...)").hasMessageContaining("0 given");
    }

    @Test
    void twoConnectionSourcesAreRefused() {
        RedisClient client = RedisClient.create();
        try {
            assertThatThrownBy(() -> RedisCheckpointStore.builder().uri(RedisURI.create("redis://127.0.0.1:1"))
                    .client(client).build())
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining("2 given");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void keyPrefixWithBracesOrBlankIsRefused() {
        for (String bad : new String[] {"up{grade}:", "", "with space", null}) {
            assertThatThrownBy(() -> RedisCheckpointStore.builder().keyPrefix(bad))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining("hash tag");
        }
    }

    @Test
    void unreachableRedisIsATransientErrorNamingTheAddress() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(Duration.ofSeconds(2))
                .build();
        assertThatThrownBy(() -> RedisCheckpointStore.builder().uri(uri).build())
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(RedisStoreErrorCode.UNAVAILABLE);
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.code().id()).isEqualTo("REDIS_STORE_UNAVAILABLE");
                })
                .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("Check that Redis is running");
    }
}
