package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.CacheMode;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Token cache migration on a real redis-server. */
@Tag("integration")
class TokenCacheRedisTest {

    static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJfaWQiOiJhbGljZS1rdWlkIn0.x";

    private final RedisServer redis = RedisServer.get();
    private RedisClient client;
    private int db;
    private RedisCommands<String, String> cmd;

    @BeforeEach
    void setUp() {
        db = redis.freshDatabase();
        client = RedisClient.create();
        cmd = client.connect(RedisURI.create(redis.uri(db))).sync();
    }

    @AfterEach
    void tearDown() {
        client.shutdown();
    }

    private void seedV1() {
        cmd.set(TokenCache.V1_PREFIX + "alice-kuid#" + JWT, tokenJson("alice-kuid"), SetArgs.Builder.px(2_400_000));
        cmd.set(TokenCache.V1_PREFIX + "bob-kuid#" + JWT + "b", tokenJson("bob-kuid"), SetArgs.Builder.px(600_000));
        cmd.set(TokenCache.V1_PREFIX + "api-kuid#" + JWT + "c", tokenJson("api-kuid"));
        cmd.set("repos/%kuzzle/users/alice-kuid", "{\"profileIds\":[\"admin\"]}", SetArgs.Builder.ex(1440));
        cmd.set("{stats/}1612345678", "{}");
    }

    private static String tokenJson(String kuid) {
        return "{\"_id\":\"" + kuid + "#" + JWT + "\",\"expiresAt\":1612348000000,\"ttl\":3600000,\"userId\":\""
                + kuid + "\",\"connectionId\":null,\"jwt\":\"" + JWT + "\",\"refreshed\":false}";
    }

    @Test
    void copies_token_keys_in_place_with_value_and_remaining_ttl_and_reruns_idempotently() {
        seedV1();
        List<String> cursors = new ArrayList<>();
        try (TokenCache cache = new TokenCache(RedisURI.create(redis.uri(db)), null, null)) {
            assertThat(cache.countV1()).isEqualTo(3);
            TokenCache.Counts counts = cache.migrate(CacheMode.COPY, "0", 2, cursors::add);
            assertThat(counts).isEqualTo(new TokenCache.Counts(3, 3, 0, 0));
            assertThat(cursors).last().isEqualTo("0");
            assertThat(cache.countV2()).isEqualTo(3);
            assertThat(cache.migrate(CacheMode.COPY, "0", 100, c -> { })).isEqualTo(new TokenCache.Counts(3, 3, 0, 0));
            assertThat(cache.countV2()).isEqualTo(3);
        }
        String v2 = TokenCache.V2_PREFIX + "alice-kuid#" + JWT;
        assertThat(cmd.get(v2)).isEqualTo(tokenJson("alice-kuid"));
        assertThat(cmd.pttl(v2)).isBetween(2_300_000L, 2_400_000L);
        assertThat(cmd.pttl(TokenCache.V2_PREFIX + "bob-kuid#" + JWT + "b")).isBetween(500_000L, 600_000L);
        assertThat(cmd.pttl(TokenCache.V2_PREFIX + "api-kuid#" + JWT + "c")).isEqualTo(-1L);
        assertThat(cmd.exists(TokenCache.V1_PREFIX + "alice-kuid#" + JWT)).isEqualTo(1L);
        assertThat(cmd.dbsize()).isEqualTo(8);
    }

    @Test
    void B12_move_deletes_only_token_keys() {
        seedV1();
        try (TokenCache cache = new TokenCache(RedisURI.create(redis.uri(db)), null, null)) {
            assertThat(cache.migrate(CacheMode.MOVE, "0", 100, c -> { })).isEqualTo(new TokenCache.Counts(3, 3, 0, 3));
            assertThat(cache.countV1()).isZero();
        }
        assertThat(cmd.exists("repos/%kuzzle/users/alice-kuid", "{stats/}1612345678")).isEqualTo(2L);
        assertThat(cmd.keys(TokenCache.V2_PREFIX + "*")).hasSize(3);
    }

    @Test
    void B12_keys_expiring_mid_run_are_counted_not_fatal() {
        seedV1();
        try (TokenCache cache = new TokenCache(RedisURI.create(redis.uri(db)), null, null)) {
            cache.beforeCopy(key -> {
                if (key.contains("bob-kuid")) {
                    cmd.del(key);
                }
            });
            assertThat(cache.migrate(CacheMode.MOVE, "0", 100, c -> { })).isEqualTo(new TokenCache.Counts(3, 2, 1, 2));
        }
        assertThat(cmd.keys(TokenCache.V2_PREFIX + "*")).hasSize(2);
    }

    @Test
    void separate_target_database_receives_the_tokens() {
        seedV1();
        int other = redis.freshDatabase();
        try (TokenCache cache = new TokenCache(RedisURI.create(redis.uri(db)), RedisURI.create(redis.uri(other)), null)) {
            assertThat(cache.isInPlace()).isFalse();
            assertThat(cache.migrate(CacheMode.COPY, "0", 100, c -> { }).copied()).isEqualTo(3);
            assertThat(cache.countV2()).isEqualTo(3);
        }
        assertThat(cmd.dbsize()).isEqualTo(5);
    }

    @Test
    void B13_a_separate_target_that_is_the_source_is_refused_and_nothing_is_touched() {
        seedV1();
        RedisURI sameByOtherName = RedisURI.create("redis://localhost:" + redis.port() + "/" + db);
        assertThatThrownBy(() -> new TokenCache(RedisURI.create(redis.uri(db)), sameByOtherName, null))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("is the source server and database")
                .extracting(e -> ((UpgradeException) e).code()).isEqualTo(KuzzleErrorCode.SAME_ENDPOINT);
        assertThat(cmd.dbsize()).isEqualTo(5);
    }

    @Test
    void password_acl_user_and_tls_go_through_the_redis_uri() throws Exception {
        try (RedisServer secured = RedisServer.builder().password("default-pw")
                .aclUser("upgrader on >upgrader-pw ~* +@all").tls().start()) {
            RedisURI uri = RedisURI.builder().withHost(secured.host()).withPort(secured.port()).withSsl(true)
                    .withAuthentication("upgrader", "upgrader-pw").withDatabase(0).build();
            ClientOptions tls = ClientOptions.builder()
                    .sslOptions(SslOptions.builder().trustManager(secured.tlsCertificate().toFile()).build()).build();
            RedisClient c = RedisClient.create();
            c.setOptions(tls);
            try (StatefulRedisConnection<String, String> conn = c.connect(uri)) {
                conn.sync().set(TokenCache.V1_PREFIX + "k#" + JWT, "v", SetArgs.Builder.px(100_000));
            } finally {
                c.shutdown();
            }
            try (TokenCache cache = new TokenCache(uri, null, tls)) {
                assertThat(cache.migrate(CacheMode.COPY, "0", 10, x -> { }).copied()).isEqualTo(1);
            }
            RedisURI wrong = RedisURI.builder().withHost(secured.host()).withPort(secured.port()).withSsl(true)
                    .withAuthentication("upgrader", "nope").build();
            // A refused password is an authentication error, not an unreachable Redis: not retried (#15 item 10).
            assertThatThrownBy(() -> new TokenCache(wrong, null, tls))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.isTransient()).isFalse())
                    .hasMessageContaining("the source Redis rediss://127.0.0.1:")
                    .hasMessageContaining("refused this run's credentials (WRONGPASS)")
                    .hasMessageNotContaining("nope");
        }
    }

    @Test
    void on_the_hosts_client_resources_the_cache_shuts_down_only_its_own_client() {
        cmd.set(TokenCache.V1_PREFIX + "k#" + JWT, "v");
        ClientResources resources = DefaultClientResources.create();
        try {
            try (TokenCache cache = TokenCache.usingHostResources(resources, null, RedisURI.create(redis.uri(db)), null)) {
                assertThat(cache.migrate(CacheMode.COPY, "0", 10, x -> { }).copied()).isEqualTo(1);
            }
            assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
            RedisClient onTheSameResources = RedisClient.create(resources);
            try (StatefulRedisConnection<String, String> c = onTheSameResources.connect(RedisURI.create(redis.uri(db)))) {
                assertThat(c.sync().get(TokenCache.V2_PREFIX + "k#" + JWT)).isEqualTo("v");
            } finally {
                onTheSameResources.shutdown();
            }
        } finally {
            resources.shutdown();
        }
    }

    @Test
    void a_hosts_redis_client_is_used_and_stays_open_after_the_cache_closes() {
        cmd.set(TokenCache.V1_PREFIX + "k#" + JWT, "v");
        try (TokenCache cache = TokenCache.usingHostClient(client, RedisURI.create(redis.uri(db)), null)) {
            assertThat(cache.migrate(CacheMode.COPY, "0", 10, x -> { }).copied()).isEqualTo(1);
        }
        try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(redis.uri(db)))) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
        }
    }

    @Test
    void B11_a_redis_cluster_is_refused_with_a_clear_message_before_any_key_is_touched() {
        try (RedisServer cluster = RedisServer.builder().cluster().start()) {
            cluster.command("SET", TokenCache.V1_PREFIX + "k#" + JWT, "v");
            assertThatThrownBy(() -> new TokenCache(RedisURI.create(cluster.uri(0)), null, null))
                    .isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("cluster mode")
                    .extracting(e -> ((UpgradeException) e).code()).isEqualTo(KuzzleErrorCode.INVALID_SETTINGS);
            assertThat(cluster.command("EXISTS", TokenCache.V1_PREFIX + "k#" + JWT)).isEqualTo("1");
            assertThat(cluster.command("EXISTS", TokenCache.V2_PREFIX + "k#" + JWT)).isEqualTo("0");
        }
    }

    @Test
    void memory_storage_is_copied_to_a_separate_target_with_ttls_and_never_onto_itself() {
        int ms = redis.freshDatabase();
        int target = redis.freshDatabase();
        RedisCommands<String, String> msCmd = client.connect(RedisURI.create(redis.uri(ms))).sync();
        msCmd.set("ms:counter", "41");
        msCmd.set("ms:session", "x", SetArgs.Builder.px(90_000));
        try (RedisServer other = RedisServer.builder().start()) {
            try (TokenCache cache = new TokenCache(RedisURI.create(redis.uri(db)),
                    RedisURI.create(other.uri(0)), null)) {
                assertThat(cache.copyDatabase(ms, 5, 1)).isEqualTo(2);
            }
            assertThat(other.command("SELECT", "5", "GET", "ms:counter")).isEqualTo("41");
            assertThat(Long.parseLong(other.command("SELECT", "5", "PTTL", "ms:session"))).isBetween(1L, 90_000L);
        }
        try (TokenCache cache = new TokenCache(RedisURI.create(redis.uri(db)), RedisURI.create(redis.uri(target)), null)) {
            assertThatThrownBy(() -> cache.copyDatabase(ms, ms, 10)).hasMessageContaining("onto itself");
        }
        assertThat(msCmd.dbsize()).isEqualTo(2);
    }
}
