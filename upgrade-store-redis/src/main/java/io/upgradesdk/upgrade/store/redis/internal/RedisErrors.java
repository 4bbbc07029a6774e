package io.upgradesdk.upgrade.store.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.store.redis.RedisStoreErrorCode;
import java.util.List;
import java.util.Locale;

/** Turns lettuce's exceptions into {@link UpgradeException}s whose message says what to do. */
public final class RedisErrors {

    /** Error replies after which the same command may succeed later. */
    private static final List<String> TRANSIENT_REPLIES = List.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
            "MASTERDOWN", "READONLY", "MOVED", "ASK", "NOREPLICAS", "OOM");

    private RedisErrors() {
    }

    /**
     * @param action    what the store was doing, e.g. "save the checkpoint of plan 'p'"
     * @param target    where, e.g. "Redis at 127.0.0.1:6379" (never with credentials)
     * @param keyPrefix the store's key prefix, named in ACL hints
     */
    public static UpgradeException translate(RedisException e, String action, String target, String keyPrefix) {
        if (e instanceof RedisCommandInterruptedException) {
            Thread.currentThread().interrupt();
            return new UpgradeException(UpgradeErrorCode.INTERRUPTED, "interrupted while trying to " + action
                    + " in " + target + "; run again to resume from the last saved checkpoint", e);
        }
        RedisCommandExecutionException refusal = refusal(e);
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (refusal != null && refusal.getMessage() != null) {
            reason = refusal.getMessage();
            if (refusal != e) {
                reason = reason + " (" + e.getMessage() + ")";
            }
            String code = refusal.getMessage().split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if (TRANSIENT_REPLIES.contains(code)) {
                return unavailable(e, action, target, reason);
            }
            String fix;
            if (code.equals("NOAUTH") || code.equals("WRONGPASS")) {
                fix = "check the user name and password in the RedisURI given to RedisCheckpointStore";
            } else if (code.equals("NOPERM")) {
                fix = "grant the Redis user the commands EVAL, EVALSHA, GET, SET, HMGET, HSET, DEL, INCR,"
                        + " PEXPIREAT, TIME and the keys '" + keyPrefix + "*' (e.g. ACL SETUSER <user> ~"
                        + keyPrefix + "* +@read +@write +@scripting +time)";
            } else if (code.equals("WRONGTYPE")) {
                fix = "another application uses keys under '" + keyPrefix + "': give the store its own keyPrefix";
            } else if (code.equals("CROSSSLOT")) {
                fix = "the key prefix must not contain '{' or '}' so that a plan's keys share one hash slot";
            } else {
                fix = "check the Redis server's log and version (Redis 6.2 or newer with Lua scripting is needed)";
            }
            return new UpgradeException(RedisStoreErrorCode.REJECTED, target + " refused to " + action + ": " + reason
                    + "; " + fix, e);
        }
        return unavailable(e, action, target, reason);
    }

    /** The server's error reply in the cause chain (a connect failure wraps e.g. WRONGPASS). */
    private static RedisCommandExecutionException refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisCommandExecutionException r) {
                return r;
            }
        }
        return null;
    }

    private static UpgradeException unavailable(RedisException e, String action, String target, String reason) {
        return new UpgradeException(RedisStoreErrorCode.UNAVAILABLE, "could not " + action + " in " + target + ": "
                + reason + ". Check that Redis is running and reachable (the run retries this; if it keeps"
                + " failing, run again once Redis is back: the last saved checkpoint is kept)", e);
    }
}
