package io.upgradesdk.upgrade.store.redis;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.spi.Check;
import io.upgradesdk.upgrade.spi.LeaseRules;
import io.upgradesdk.upgrade.store.redis.internal.RedisErrors;
import io.upgradesdk.upgrade.store.redis.internal.RedisScript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointStore} in Redis, shared by every host that points at the same server (or
 * cluster) and key prefix.
 *
 * <pre>{@code
 * RedisURI uri = RedisURI.builder().withHost("redis.internal").withPort(6379)
 *         .withAuthentication("upgrade", passwordChars).withSsl(true).build();
 * try (CheckpointStore store = RedisCheckpointStore.builder().uri(uri).keyPrefix("upgrade:").build()) {
 *     UpgradeRunner.builder().store(store)...
 * }
 * }</pre>
 *
 * <p>Keys of plan {@code p} (all in one hash slot thanks to the {@code {p}} hash tag, so Redis
 * Cluster works): {@code <prefix>{p}:checkpoint} holds {@link Checkpoint#toJson()};
 * {@code <prefix>{p}:lease} a hash (owner, token, expiresAt) that Redis deletes one lease duration
 * after the lease expired; {@code <prefix>{p}:token} the fencing-token counter, incremented on every
 * acquisition and never reset. Acquire, renew, release and save are Lua scripts that compare owner
 * and token on the server, and lease expiry follows the Redis server's clock ({@code TIME}), so the
 * hosts' clocks do not matter. A checkpoint write is refused ({@code LEASE_LOST}) unless the
 * caller's lease is the recorded one and has not expired.
 *
 * <p>Redis failures become {@link UpgradeException}s with {@link RedisStoreErrorCode#UNAVAILABLE}
 * (transient: the runner retries) or {@link RedisStoreErrorCode#REJECTED} (credentials, ACL).
 * Commands wait at most the timeout of the {@link RedisURI} (lettuce's default: 60 s). For
 * checkpoints that must survive a Redis restart, run Redis with persistence (AOF with
 * {@code appendfsync always}); without it a restart loses them, and a run that held a lease then
 * stops with {@code LEASE_LOST} instead of writing on.
 *
 * <p>Password, ACL user and TLS come from the {@link RedisURI} (or from the client or connection
 * you pass; for a private CA, configure {@code SslOptions} on your {@link RedisClient}).
 * Thread-safe.
 */
public final class RedisCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCheckpointStore.class);

    private final RedisClusterCommands<String, String> commands;
    private final List<AutoCloseable> owned;
    private final String keyPrefix;
    private final String target;

    private RedisCheckpointStore(RedisClusterCommands<String, String> commands, List<AutoCloseable> owned,
            String keyPrefix, String target) {
        this.commands = commands;
        this.owned = owned;
        this.keyPrefix = keyPrefix;
        this.target = target;
    }

    /** Starts a configuration; give exactly one of uri, client, connection, clusterClient, clusterConnection. */
    public static Builder builder() {
        return new Builder();
    }

    /** The key prefix, e.g. {@code upgrade:}. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** The key holding the plan's checkpoint JSON. */
    public String checkpointKey(String planId) {
        return keyPrefix + "{" + planId + "}:checkpoint";
    }

    /** The key holding the plan's lease (a hash: owner, token, expiresAt in epoch ms). */
    public String leaseKey(String planId) {
        return keyPrefix + "{" + planId + "}:lease";
    }

    /** The key holding the plan's fencing-token counter. */
    public String tokenKey(String planId) {
        return keyPrefix + "{" + planId + "}:token";
    }

    @Override
    public Optional<Checkpoint> load(String planId) {
        Check.planId(planId);
        String key = checkpointKey(planId);
        String json = call("load the checkpoint of plan '" + planId + "'", () -> commands.get(key));
        return json == null ? Optional.empty() : Optional.of(Checkpoint.fromJson(json, "redis key " + key));
    }

    @Override
    public void save(Checkpoint checkpoint, Lease lease) {
        requireNonNull(checkpoint, "checkpoint");
        requireNonNull(lease, "lease");
        String planId = Check.planId(checkpoint.planId());
        if (!planId.equals(lease.planId())) {
            throw LeaseRules.leaseLost(lease, null, "write the checkpoint of plan '" + planId + "' (the lease is for"
                    + " another plan)");
        }
        String json = checkpoint.toJson();
        List<Object> reply = call("save the checkpoint of plan '" + planId + "'",
                () -> RedisScript.SAVE.multi(commands,
                        new String[] {leaseKey(planId), checkpointKey(planId), tokenKey(planId)},
                        lease.owner(), Long.toString(lease.token()), json));
        long status = (Long) reply.get(0);
        if (status == 0) {
            throw LeaseRules.leaseLost(lease, recorded(planId, reply), "write the checkpoint" + dataLossHint(reply));
        }
        if (status == 2) {
            throw LeaseRules.leaseLost(lease, null, "write the checkpoint (the lease expired at "
                    + Instant.ofEpochMilli((Long) reply.get(3)) + ")");
        }
        LOG.debug("saved checkpoint of plan {} revision {} with lease token {}", planId, checkpoint.revision(),
                lease.token());
    }

    @Override
    public Lease acquireLease(String planId, String owner, Duration duration) {
        Check.planId(planId);
        requireNonNull(owner, "owner");
        LeaseRules.checkDuration(duration);
        List<Object> reply = call("acquire the lease of plan '" + planId + "'",
                () -> RedisScript.ACQUIRE.multi(commands, new String[] {leaseKey(planId), tokenKey(planId)}, owner,
                        millis(duration), millis(duration)));
        Lease recorded = recorded(planId, reply);
        if ((Long) reply.get(0) == 0) {
            throw LeaseRules.lockHeld(recorded, Instant.ofEpochMilli((Long) reply.get(4)));
        }
        LOG.debug("{} acquired the lease of plan {} with token {}", owner, planId, recorded.token());
        return recorded;
    }

    @Override
    public Lease renewLease(Lease lease, Duration duration) {
        requireNonNull(lease, "lease");
        LeaseRules.checkDuration(duration);
        String planId = Check.planId(lease.planId());
        List<Object> reply = call("renew the lease of plan '" + planId + "'",
                () -> RedisScript.RENEW.multi(commands, new String[] {leaseKey(planId), tokenKey(planId)},
                        lease.owner(), Long.toString(lease.token()), millis(duration), millis(duration)));
        Lease recorded = recorded(planId, reply);
        if ((Long) reply.get(0) == 0) {
            throw LeaseRules.leaseLost(lease, recorded, "renew the lease" + dataLossHint(reply));
        }
        return recorded;
    }

    @Override
    public void releaseLease(Lease lease) {
        requireNonNull(lease, "lease");
        String planId = Check.planId(lease.planId());
        call("release the lease of plan '" + planId + "'", () -> RedisScript.RELEASE.integer(commands,
                new String[] {leaseKey(planId)}, lease.owner(), Long.toString(lease.token())));
    }

    @Override
    public Optional<Lease> currentLease(String planId) {
        Check.planId(planId);
        List<io.lettuce.core.KeyValue<String, String>> fields = call("read the lease of plan '" + planId + "'",
                () -> commands.hmget(leaseKey(planId), "owner", "token", "expiresAt"));
        if (fields.size() < 3 || !fields.get(0).hasValue() || !fields.get(1).hasValue() || !fields.get(2).hasValue()) {
            return Optional.empty();
        }
        return Optional.of(new Lease(planId, fields.get(0).getValue(), Long.parseLong(fields.get(1).getValue()),
                Instant.ofEpochMilli(Long.parseLong(fields.get(2).getValue()))));
    }

    @Override
    public void forceReleaseLease(String planId) {
        Check.planId(planId);
        call("force-release the lease of plan '" + planId + "'", () -> commands.del(leaseKey(planId)));
        LOG.info("lease of plan {} force-released", planId);
    }

    /** Closes the connection and client this store opened itself; borrowed ones stay open. */
    @Override
    public void close() {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing the Redis connection of {} failed: {}", target, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "RedisCheckpointStore[" + target + ", prefix " + keyPrefix + "]";
    }

    private <T> T call(String action, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RedisException e) {
            throw RedisErrors.translate(e, action, target, keyPrefix);
        }
    }

    /** The lease a script reply describes: {status, owner, token, expiresAt, now}; null when none. */
    private static Lease recorded(String planId, List<Object> reply) {
        String owner = (String) reply.get(1);
        if (owner == null || owner.isEmpty()) {
            return null;
        }
        return new Lease(planId, owner, (Long) reply.get(2), Instant.ofEpochMilli((Long) reply.get(3)));
    }

    /**
     * When neither the lease nor the token counter exists although a lease was handed out, Redis
     * lost the plan's keys (restarted without persistence, flushed, failed over to a stale replica).
     */
    private String dataLossHint(List<Object> reply) {
        boolean tokenCounterExists = reply.size() > 5 && Long.valueOf(1).equals(reply.get(5));
        if (tokenCounterExists) {
            return "";
        }
        return " (" + target + " has no lease record and no token counter for this plan any more: if this lease"
                + " was really acquired there, Redis lost the plan's keys, e.g. it restarted without persistence or"
                + " was flushed, and the checkpoint may be gone too; run Redis with appendonly yes and appendfsync"
                + " always)";
    }

    private static String millis(Duration duration) {
        return Long.toString(Math.max(1, duration.toMillis()));
    }

    /** Where the store writes, for messages: host and port, never credentials. */
    private static String describe(RedisURI uri, boolean cluster) {
        if (cluster) {
            return "Redis Cluster";
        }
        if (uri == null) {
            return "Redis";
        }
        if (uri.getHost() == null && uri.getSentinelMasterId() != null) {
            return "Redis (Sentinel master '" + uri.getSentinelMasterId() + "')";
        }
        return "Redis at " + uri.getHost() + ":" + uri.getPort();
    }

    /**
     * Validating builder of {@link RedisCheckpointStore}. Give exactly one connection source; the
     * store closes only what it opened itself.
     */
    public static final class Builder {

        private RedisURI uri;
        private RedisClient client;
        private StatefulRedisConnection<String, String> connection;
        private RedisClusterClient clusterClient;
        private StatefulRedisClusterConnection<String, String> clusterConnection;
        private String keyPrefix = "upgrade:";

        private Builder() {
        }

        /** A standalone Redis; the store creates its own client (password, ACL user, TLS from the URI). */
        public Builder uri(RedisURI uri) {
            this.uri = requireNonNull(uri, "uri");
            return this;
        }

        /** A standalone Redis through your client; the store opens (and closes) one connection on it. */
        public Builder client(RedisClient client) {
            this.client = requireNonNull(client, "client");
            return this;
        }

        /** A connection you own (standalone Redis); the store never closes it. */
        public Builder connection(StatefulRedisConnection<String, String> connection) {
            this.connection = requireNonNull(connection, "connection");
            return this;
        }

        /** A Redis Cluster through your client; the store opens (and closes) one connection on it. */
        public Builder clusterClient(RedisClusterClient clusterClient) {
            this.clusterClient = requireNonNull(clusterClient, "clusterClient");
            return this;
        }

        /** A cluster connection you own; the store never closes it. */
        public Builder clusterConnection(StatefulRedisClusterConnection<String, String> clusterConnection) {
            this.clusterConnection = requireNonNull(clusterConnection, "clusterConnection");
            return this;
        }

        /**
         * Prefix of every key (default {@code upgrade:}): 1 to 100 characters, without '{', '}' or
         * whitespace. Hosts that must see each other's plans use the same prefix.
         */
        public Builder keyPrefix(String keyPrefix) {
            Check.argument(keyPrefix != null && keyPrefix.matches("[^{}\\s]{1,100}"),
                    "keyPrefix '%s' is invalid: use 1 to 100 characters without '{', '}' or whitespace (braces"
                            + " would break the hash tag that keeps a plan's keys in one cluster slot)", keyPrefix);
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Connects and returns the store. Fails with {@code INVALID_CONFIGURATION} when not exactly
         * one source was given, and with a {@link RedisStoreErrorCode} when Redis cannot be reached or
         * refuses the credentials.
         */
        public RedisCheckpointStore build() {
            int sources = (uri != null ? 1 : 0) + (client != null ? 1 : 0) + (connection != null ? 1 : 0)
                    + (clusterClient != null ? 1 : 0) + (clusterConnection != null ? 1 : 0);
            Check.argument(sources == 1, "RedisCheckpointStore needs exactly one of uri(...), client(...),"
                    + " connection(...), clusterClient(...), clusterConnection(...); %s given", sources);
            List<AutoCloseable> owned = new ArrayList<>();
            String target = describe(uri, clusterClient != null || clusterConnection != null);
            try {
                if (connection != null) {
                    return new RedisCheckpointStore(connection.sync(), List.of(), keyPrefix, target);
                }
                if (clusterConnection != null) {
                    return new RedisCheckpointStore(clusterConnection.sync(), List.of(), keyPrefix, target);
                }
                if (clusterClient != null) {
                    StatefulRedisClusterConnection<String, String> c = clusterClient.connect();
                    owned.add(c);
                    return new RedisCheckpointStore(c.sync(), List.copyOf(owned), keyPrefix, target);
                }
                RedisClient redis = client;
                if (redis == null) {
                    redis = RedisClient.create(uri);
                    owned.add(redis::shutdown);
                }
                StatefulRedisConnection<String, String> c = redis.connect();
                owned.add(0, c);
                return new RedisCheckpointStore(c.sync(), List.copyOf(owned), keyPrefix, target);
            } catch (RedisException e) {
                for (AutoCloseable resource : owned) {
                    try {
                        resource.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw RedisErrors.translate(e, "connect", target, keyPrefix);
            }
        }
    }
}
