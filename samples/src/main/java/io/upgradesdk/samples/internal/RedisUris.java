package io.upgradesdk.samples.internal;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.Secret;
import java.util.Optional;

/** A Redis URI given on the command line: never with a password in it; the password comes from the environment or a file. */
public final class RedisUris {

    private RedisUris() {
    }

    /**
     * Parses {@code text} (given as {@code option}) and sets {@code user} and {@code password} on it.
     *
     * @throws IllegalArgumentException when it is not a Redis URI or carries credentials; {@code hint}
     *     says where the password goes instead
     */
    public static RedisURI parse(String text, String option, String user, Optional<Secret> password, String hint) {
        UrlCredentials.refuse(option, text, hint);
        if (text.matches("(?s).*[?&]password=.*")) {
            throw new IllegalArgumentException(option + " carries credentials, visible to every user in ps: remove"
                    + " them and " + hint);
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a Redis URI; expected"
                    + " redis://HOST:6379/0 (rediss:// for TLS)");
        }
        if (password.isPresent()) {
            char[] pw = password.get().reveal().toCharArray();
            uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> RedisCredentials.just(user, pw)));
        }
        return uri;
    }
}
