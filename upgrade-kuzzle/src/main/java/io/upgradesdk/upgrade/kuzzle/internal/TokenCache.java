package io.upgradesdk.upgrade.kuzzle.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.RestoreArgs;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.CacheMode;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Moves v1 token keys {@code repos/%kuzzle/token/…} to {@code repos/kuzzle/token/…} (spec §5) with
 * their remaining TTL and exact value bytes: SCAN (never KEYS), DUMP + PTTL + RESTORE REPLACE,
 * keys that expire mid-run counted and skipped (defect B12), only token keys ever deleted in move mode
 * (defect B12), no FLUSHDB ever, and a "separate" target that is the source refused (defect B13).
 * Key names hold JWTs: they are never logged or reported, only counted.
 */
public final class TokenCache implements AutoCloseable {

    /** v1 token key prefix. */
    public static final String V1_PREFIX = "repos/%kuzzle/token/";
    /** v2 token key prefix. */
    public static final String V2_PREFIX = "repos/kuzzle/token/";

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Counts of a run. */
    public record Counts(long scanned, long copied, long vanished, long deleted) {
    }

    private final RedisClient client;
    private final boolean ownsClient;
    private final StatefulRedisConnection<String, byte[]> source;
    private final StatefulRedisConnection<String, byte[]> target;
    private final boolean sameDatabase;
    private final RedisURI sourceUri;
    private final RedisURI targetUri;
    private final boolean sameServer;
    private Consumer<String> beforeCopy = key -> { };

    /**
     * Connects; {@code targetUri} null means the target is the source (in-place).
     * A non-null target that turns out to be the same server and database is refused (defect B13).
     */
    public TokenCache(RedisURI sourceUri, RedisURI targetUri, ClientOptions options) {
        this(ownClient(RedisClient.create(), options), true, sourceUri, targetUri);
    }

    /**
     * Connects through a {@link RedisClient} the host configured and owns (its TLS trust,
     * {@code ClientResources}, options): {@link #close()} closes the connections this cache opened,
     * never the host's client.
     */
    public static TokenCache usingHostClient(RedisClient hostClient, RedisURI sourceUri, RedisURI targetUri) {
        return new TokenCache(hostClient, false, sourceUri, targetUri);
    }

    /**
     * Connects through a client of its own built on the host's {@link ClientResources} (event
     * loops, DNS, metrics): {@link #close()} shuts that client down, never the host's resources.
     */
    public static TokenCache usingHostResources(ClientResources resources, ClientOptions options, RedisURI sourceUri,
            RedisURI targetUri) {
        return new TokenCache(ownClient(RedisClient.create(resources), options), true, sourceUri, targetUri);
    }

    private static RedisClient ownClient(RedisClient client, ClientOptions options) {
        if (options != null) {
            client.setOptions(options);
        }
        return client;
    }

    private TokenCache(RedisClient client, boolean ownsClient, RedisURI sourceUri, RedisURI targetUri) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.sourceUri = sourceUri;
        this.targetUri = targetUri == null ? sourceUri : targetUri;
        StatefulRedisConnection<String, byte[]> s = null;
        StatefulRedisConnection<String, byte[]> t = null;
        boolean same = true;
        try {
            s = connect(sourceUri, "source");
            refuseCluster(s, "source");
            if (targetUri == null) {
                t = s;
                sameDatabase = true;
            } else {
                t = connect(targetUri, "target");
                refuseCluster(t, "target");
                same = runId(s).equals(runId(t));
                if (same && sourceUri.getDatabase() == targetUri.getDatabase()) {
                    throw new UpgradeException(KuzzleErrorCode.SAME_ENDPOINT, "the separate target Redis "
                            + describe(targetUri) + " is the source server and database " + describe(sourceUri)
                            + "; declare the cache upgrade in-place (no target) or give another server or database");
                }
                sameDatabase = false;
            }
            this.source = s;
            this.target = t;
            this.sameServer = same;
        } catch (RuntimeException e) {
            if (t != null && t != s) {
                t.close();
            }
            if (s != null) {
                s.close();
            }
            shutdownOwnClient();
            throw e;
        }
    }

    /** Number of v1 token keys on the source (SCAN; a dry run's answer). */
    public long countV1() {
        return count(source.sync(), V1_PREFIX);
    }

    /** Number of v2 token keys on the target. */
    public long countV2() {
        return count(target.sync(), V2_PREFIX);
    }

    /**
     * Copies (or moves) every v1 token key. {@code startCursor} resumes a SCAN ("0" = start);
     * {@code cursorSink} receives the SCAN cursor after each page.
     */
    public Counts migrate(CacheMode mode, String startCursor, int pageSize, Consumer<String> cursorSink) {
        RedisCommands<String, byte[]> src = source.sync();
        RedisCommands<String, byte[]> dst = target.sync();
        long scanned = 0;
        long copied = 0;
        long vanished = 0;
        long deleted = 0;
        ScanArgs args = ScanArgs.Builder.matches(V1_PREFIX + "*").limit(pageSize);
        ScanCursor cursor = ScanCursor.of(startCursor == null ? "0" : startCursor);
        try {
            do {
                KeyScanCursor<String> page = src.scan(cursor, args);
                for (String key : page.getKeys()) {
                    scanned++;
                    beforeCopy.accept(key);
                    Long pttl = src.pttl(key);
                    byte[] payload = src.dump(key);
                    if (payload == null || pttl == null || pttl == -2) {
                        vanished++;
                        continue;
                    }
                    long ttl = pttl < 0 ? 0 : pttl;
                    String newKey = V2_PREFIX + key.substring(V1_PREFIX.length());
                    dst.restore(newKey, payload, RestoreArgs.Builder.ttl(ttl).replace());
                    copied++;
                    if (mode == CacheMode.MOVE) {
                        deleted += src.del(key);
                    }
                }
                cursor = page;
                cursorSink.accept(page.isFinished() ? "0" : page.getCursor());
            } while (!cursor.isFinished());
        } catch (RedisException e) {
            throw new UpgradeException(KuzzleErrorCode.REDIS_FAILED, "Redis failed while copying token keys ("
                    + e.getClass().getSimpleName() + "); check that both servers are reachable and run again:"
                    + " copied keys are replaced, not duplicated", e);
        }
        return new Counts(scanned, copied, vanished, deleted);
    }

    /**
     * Copies every key of database {@code sourceDb} of the source server to database
     * {@code targetDb} of the target server, names unchanged (Kuzzle's memory storage, {@code ms:*}
     * API), with value bytes and remaining TTL; never flushes anything. Refused when it would copy a
     * database onto itself (defect B13). Returns the number of keys copied.
     */
    public long copyDatabase(int sourceDb, int targetDb, int pageSize) {
        if (sameServer && sourceDb == targetDb) {
            throw new UpgradeException(KuzzleErrorCode.SAME_ENDPOINT, "memory storage database " + sourceDb
                    + " would be copied onto itself (" + describe(sourceUri) + "); give a separate target Redis or"
                    + " another target database");
        }
        long copied = 0;
        try (StatefulRedisConnection<String, byte[]> from = client.connect(CODEC,
                        RedisURI.builder(sourceUri).withDatabase(sourceDb).build());
                StatefulRedisConnection<String, byte[]> to = client.connect(CODEC,
                        RedisURI.builder(targetUri).withDatabase(targetDb).build())) {
            RedisCommands<String, byte[]> src = from.sync();
            RedisCommands<String, byte[]> dst = to.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            ScanArgs args = ScanArgs.Builder.limit(pageSize);
            do {
                KeyScanCursor<String> page = src.scan(cursor, args);
                for (String key : page.getKeys()) {
                    Long pttl = src.pttl(key);
                    byte[] payload = src.dump(key);
                    if (payload == null || pttl == null || pttl == -2) {
                        continue;
                    }
                    dst.restore(key, payload, RestoreArgs.Builder.ttl(pttl < 0 ? 0 : pttl).replace());
                    copied++;
                }
                cursor = page;
            } while (!cursor.isFinished());
        } catch (RedisException e) {
            throw new UpgradeException(KuzzleErrorCode.REDIS_FAILED, "Redis failed while copying the memory storage ("
                    + e.getClass().getSimpleName() + "); run again: copied keys are replaced, not duplicated", e);
        }
        return copied;
    }

    /** True when source and target are the same Redis server (any database). */
    public boolean isSameServer() {
        return sameServer;
    }

    /** For verification: every v2 key's remaining TTL in ms (-1 = persistent), sampled up to {@code max}. */
    public List<Long> v2Ttls(int max) {
        List<Long> ttls = new ArrayList<>();
        RedisCommands<String, byte[]> dst = target.sync();
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(V2_PREFIX + "*").limit(500);
        do {
            KeyScanCursor<String> page = dst.scan(cursor, args);
            for (String key : page.getKeys()) {
                if (ttls.size() >= max) {
                    return ttls;
                }
                Long pttl = dst.pttl(key);
                if (pttl != null && pttl != -2) {
                    ttls.add(pttl);
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        return ttls;
    }

    /** Test seam: called with each scanned key before it is read (to expire keys mid-run). */
    void beforeCopy(Consumer<String> hook) {
        this.beforeCopy = hook;
    }

    /** True when source and target are the same database (in-place). */
    public boolean isInPlace() {
        return sameDatabase;
    }

    @Override
    public void close() {
        if (target != source) {
            target.close();
        }
        source.close();
        shutdownOwnClient();
    }

    /** Shuts down the client this cache created; a host's client stays as it is. */
    private void shutdownOwnClient() {
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static long count(RedisCommands<String, byte[]> cmd, String prefix) {
        long n = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(1000);
        do {
            KeyScanCursor<String> page = cmd.scan(cursor, args);
            n += page.getKeys().size();
            cursor = page;
        } while (!cursor.isFinished());
        return n;
    }

    private StatefulRedisConnection<String, byte[]> connect(RedisURI uri, String role) {
        try {
            return client.connect(CODEC, uri);
        } catch (RedisException e) {
            throw connectFailure(role, describe(uri), e);
        }
    }

    /** Refuses a Redis Cluster node before any key is read or written (defect B11). */
    private static void refuseCluster(StatefulRedisConnection<String, byte[]> c, String role) {
        String info = c.sync().info("cluster");
        if (info != null && info.contains("cluster_enabled:1")) {
            throw new UpgradeException(KuzzleErrorCode.INVALID_SETTINGS, "the " + role + " Redis runs in cluster mode,"
                    + " which this upgrade does not support (Kuzzle's internal cache uses one node and one database);"
                    + " point it at a standalone node");
        }
    }

    private static String runId(StatefulRedisConnection<String, byte[]> c) {
        for (String line : c.sync().info("server").split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).trim();
            }
        }
        throw new UpgradeException(KuzzleErrorCode.REDIS_FAILED, "Redis INFO server has no run_id; use Redis 5 or newer");
    }

    /**
     * A failed connection: refused credentials ({@code WRONGPASS}, {@code NOAUTH}, {@code NOPERM})
     * are {@code KUZZLE_AUTHENTICATION}, which is not retried; anything else {@code KUZZLE_REDIS_FAILED}
     * (transient).
     */
    static UpgradeException connectFailure(String role, String where, RedisException e) {
        String reply = serverReply(e);
        if (reply.startsWith("WRONGPASS") || reply.startsWith("NOAUTH") || reply.startsWith("NOPERM")) {
            return new UpgradeException(KuzzleErrorCode.AUTHENTICATION, "the " + role + " Redis " + where
                    + " refused this run's credentials (" + reply.split(" ", 2)[0] + "); check the user and password"
                    + " given for it (and the user's ACL permissions); retrying cannot help", e);
        }
        return new UpgradeException(KuzzleErrorCode.REDIS_FAILED, "cannot connect to the " + role + " Redis "
                + where + " (" + rootMessage(e) + "); check host, port, TLS, user and password", e);
    }

    /** The Redis server's error reply in the cause chain, or "". */
    private static String serverReply(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.lettuce.core.RedisCommandExecutionException r && r.getMessage() != null) {
                return r.getMessage().strip();
            }
        }
        return "";
    }

    /** host:port/db only: never user or password. */
    public static String describe(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }
}
