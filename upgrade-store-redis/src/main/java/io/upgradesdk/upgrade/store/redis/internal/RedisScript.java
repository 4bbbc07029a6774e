package io.upgradesdk.upgrade.store.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script of the store, run with EVALSHA and sent in full with EVAL when the server does not
 * know it (first use, or after a restart emptied the script cache).
 */
public final class RedisScript {

    public static final RedisScript ACQUIRE = load("acquire.lua");
    public static final RedisScript RENEW = load("renew.lua");
    public static final RedisScript SAVE = load("save.lua");
    public static final RedisScript RELEASE = load("release.lua");

    private final String name;
    private final String text;
    private final String sha;

    private RedisScript(String name, String text) {
        this.name = name;
        this.text = text;
        this.sha = sha1(text);
    }

    public String name() {
        return name;
    }

    public String sha() {
        return sha;
    }

    /** Runs the script; multi-bulk replies come back as a list of Long and String elements. */
    public List<Object> multi(RedisClusterCommands<String, String> commands, String[] keys, String... args) {
        return run(commands, ScriptOutputType.MULTI, keys, args);
    }

    /** Runs a script that returns an integer. */
    public long integer(RedisClusterCommands<String, String> commands, String[] keys, String... args) {
        Long result = run(commands, ScriptOutputType.INTEGER, keys, args);
        return result == null ? 0 : result;
    }

    private <T> T run(RedisClusterCommands<String, String> commands, ScriptOutputType type, String[] keys,
            String... args) {
        try {
            return commands.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return commands.eval(text, type, keys, args);
        }
    }

    private static RedisScript load(String name) {
        try (InputStream in = RedisScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("script " + name + " missing from the jar");
            }
            return new RedisScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + name, e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
