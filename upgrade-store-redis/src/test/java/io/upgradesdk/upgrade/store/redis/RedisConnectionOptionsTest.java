package io.upgradesdk.upgrade.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Password, ACL users, TLS, borrowed connections and key layout, each against a real redis-server. */
@Tag("integration")
class RedisConnectionOptionsTest {

    private static final String DEFAULT_PASSWORD = "default-secret-pw";
    private static final String UPGRADE_PASSWORD = "upgrade-secret-pw";
    private static RedisServer secured;

    @BeforeAll
    static void startSecuredRedis() {
        secured = RedisServer.builder().password(DEFAULT_PASSWORD)
                .aclUser("upgrade on >" + UPGRADE_PASSWORD + " ~acl:* +@read +@write +@scripting +time")
                .aclUser("outsider on >outsider-pw ~elsewhere:* +@all -@dangerous")
                .start();
    }

    @AfterAll
    static void stopSecuredRedis() {
        secured.close();
    }

    @Test
    void aclUserWithPasswordRunsTheFullLeaseCycle() {
        RedisURI uri = uri(secured, "upgrade", UPGRADE_PASSWORD);
        try (CheckpointStore store = RedisCheckpointStore.builder().uri(uri).keyPrefix("acl:").build()) {
            exerciseLeaseCycle(store);
        }
    }

    @Test
    void requirepassOfTheDefaultUserWorks() {
        RedisURI uri = RedisURI.builder().withHost(secured.host()).withPort(secured.port())
                .withPassword(DEFAULT_PASSWORD.toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
        try (CheckpointStore store = RedisCheckpointStore.builder().uri(uri).keyPrefix("default:").build()) {
            exerciseLeaseCycle(store);
        }
    }

    @Test
    void wrongPasswordIsRejectedPermanentlyWithoutEchoingIt() {
        RedisURI uri = uri(secured, "upgrade", "not-the-password");
        assertThatThrownBy(() -> RedisCheckpointStore.builder().uri(uri).keyPrefix("acl:").build())
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(RedisStoreErrorCode.REJECTED);
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessageContaining("WRONGPASS").hasMessageContaining("check the user name and password")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("not-the-password")
                        .doesNotContain(UPGRADE_PASSWORD));
    }

    @Test
    void aclUserWithoutAccessToThePrefixGetsAnAclHint() {
        RedisURI uri = uri(secured, "outsider", "outsider-pw");
        try (CheckpointStore store = RedisCheckpointStore.builder().uri(uri).keyPrefix("acl:").build()) {
            assertThatThrownBy(() -> store.acquireLease("plan-1", "host-a", Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(RedisStoreErrorCode.REJECTED))
                    .hasMessageContaining("NOPERM").hasMessageContaining("~acl:*");
        }
    }

    @Test
    void tlsWithASelfSignedCertificateTrustedByTheClient() {
        try (RedisServer tls = RedisServer.builder().tls().start()) {
            RedisURI uri = RedisURI.builder().withHost(tls.host()).withPort(tls.port()).withSsl(true)
                    .withVerifyPeer(true).withTimeout(Duration.ofSeconds(5)).build();
            RedisClient client = RedisClient.create(uri);
            client.setOptions(ClientOptions.builder()
                    .sslOptions(SslOptions.builder().trustManager(tls.tlsCertificate().toFile()).build()).build());
            try (CheckpointStore store = RedisCheckpointStore.builder().client(client).keyPrefix("tls:").build()) {
                exerciseLeaseCycle(store);
            } finally {
                client.shutdown();
            }
            // Without trusting the certificate the handshake fails: a transient error, no data sent.
            RedisClient untrusting = RedisClient.create(uri);
            try {
                assertThatThrownBy(() -> RedisCheckpointStore.builder().client(untrusting).build())
                        .isInstanceOfSatisfying(UpgradeException.class,
                                e -> assertThat(e.code()).isEqualTo(RedisStoreErrorCode.UNAVAILABLE));
            } finally {
                untrusting.shutdown();
            }
        }
    }

    @Test
    void redisClusterKeepsAPlansKeysInOneSlot() {
        try (RedisServer cluster = RedisServer.builder().cluster().start()) {
            RedisClusterClient client = RedisClusterClient.create(RedisURI.builder().withHost(cluster.host())
                    .withPort(cluster.port()).withTimeout(Duration.ofSeconds(5)).build());
            try (CheckpointStore store = RedisCheckpointStore.builder().clusterClient(client).keyPrefix("c:").build()) {
                exerciseLeaseCycle(store);
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void borrowedConnectionStaysOpenAndKeysFollowTheDocumentedLayout() {
        RedisServer server = RedisServer.get();
        int db = server.freshDatabase();
        RedisClient client = RedisClient.create(RedisURI.create(server.uri(db)));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCheckpointStore store = RedisCheckpointStore.builder().connection(connection).keyPrefix("lay:")
                    .build();
            Lease lease = store.acquireLease("plan-x", "host-a", Duration.ofSeconds(5));
            store.save(sample("plan-x"), lease);
            store.close();

            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.sync().keys("lay:*")).containsExactlyInAnyOrder("lay:{plan-x}:checkpoint",
                    "lay:{plan-x}:lease", "lay:{plan-x}:token");
            assertThat(connection.sync().get("lay:{plan-x}:checkpoint")).isEqualTo(sample("plan-x").toJson());
            assertThat(connection.sync().pttl("lay:{plan-x}:lease")).isBetween(5_000L, 10_000L);
            assertThat(connection.sync().ttl("lay:{plan-x}:token")).isEqualTo(-1L);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void corruptedCheckpointIsReportedWithItsKey() {
        RedisServer server = RedisServer.get();
        int db = server.freshDatabase();
        server.command("SELECT", Integer.toString(db), "SET", "bad:{plan-y}:checkpoint", "{not json");
        try (CheckpointStore store = RedisCheckpointStore.builder().uri(RedisURI.create(server.uri(db)))
                .keyPrefix("bad:").build()) {
            assertThatThrownBy(() -> store.load("plan-y"))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE))
                    .hasMessageContaining("bad:{plan-y}:checkpoint");
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private static RedisURI uri(RedisServer server, String user, String password) {
        return RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withAuthentication(user, password.toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
    }

    /** Acquire, refuse a second holder, save, load back, renew, release: every script runs once. */
    private static void exerciseLeaseCycle(CheckpointStore store) {
        String planId = "plan-" + UUID.randomUUID();
        Lease lease = store.acquireLease(planId, "host-a", Duration.ofSeconds(5));
        assertThatThrownBy(() -> store.acquireLease(planId, "host-b", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));
        Checkpoint checkpoint = sample(planId);
        store.save(checkpoint, lease);
        assertThat(store.load(planId)).contains(checkpoint);
        Lease renewed = store.renewLease(lease, Duration.ofSeconds(5));
        store.releaseLease(renewed);
        assertThat(store.currentLease(planId)).isEmpty();
        assertThatThrownBy(() -> store.save(checkpoint, renewed))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
    }

    private static Checkpoint sample(String planId) {
        Instant at = Instant.parse("2026-11-25T10:00:00Z");
        return new Checkpoint(planId, "v1:test", 2, at,
                List.of(new StepRecord("step-1", StepState.SUCCEEDED, 1, null, at, at, null)),
                List.of(new AuditEntry(at, "alice", "MARK_DONE", "step-1", "by hand")));
    }
}
