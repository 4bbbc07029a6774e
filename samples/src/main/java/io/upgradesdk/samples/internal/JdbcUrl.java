package io.upgradesdk.samples.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL JDBC URL given on the command line, checked before anything connects: a JDBC URL,
 * with a host, a numeric port if any, a database, and no password (passwords come from the
 * environment or a file). Messages show the URL {@linkplain #redact redacted}.
 *
 * @param url the URL as given
 * @param host the host
 * @param port the port (5432 when absent)
 * @param database the database name
 */
public record JdbcUrl(String url, String host, int port, String database) {

    private static final Pattern POSTGRES = Pattern.compile("jdbc:postgresql://([^/:?]*)(?::([^/?]*))?(?:/([^?]*))?(\\?.*)?");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@?]*@");
    private static final Pattern USER_PASSWORD = Pattern.compile("//[^/@?]*:[^/@?]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password|sslpassword)=[^&]*");

    /**
     * Parses {@code url} given as {@code option}; {@code passwordHint} names where the password goes instead.
     *
     * @throws IllegalArgumentException naming the problem and the fix, the URL redacted
     */
    public static JdbcUrl postgres(String url, String option, String passwordHint) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(option + " is empty; give jdbc:postgresql://HOST:PORT/DATABASE");
        }
        String shown = redact(url);
        if (USER_PASSWORD.matcher(url).find() || PASSWORD_PARAM.matcher(url).find()) {
            throw new IllegalArgumentException(option + " " + shown + " carries credentials: a URL on the command line"
                    + " is visible to every user in ps. Remove them and " + passwordHint);
        }
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException(option + " '" + shown + "' is not a JDBC URL; expected"
                    + " jdbc:postgresql://HOST:PORT/DATABASE");
        }
        Matcher m = POSTGRES.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " '" + shown + "' is not a PostgreSQL JDBC URL; expected"
                    + " jdbc:postgresql://HOST:PORT/DATABASE (the PostgreSQL driver is the one bundled)");
        }
        if (m.group(1).isEmpty()) {
            throw new IllegalArgumentException(option + " '" + shown + "' has no host; expected"
                    + " jdbc:postgresql://HOST:PORT/DATABASE");
        }
        int port = 5432;
        if (m.group(2) != null) {
            if (!m.group(2).matches("\\d{1,5}") || Integer.parseInt(m.group(2)) > 65535) {
                throw new IllegalArgumentException(option + " '" + shown + "' has port '" + m.group(2) + "', not a"
                        + " number from 1 to 65535; expected jdbc:postgresql://HOST:PORT/DATABASE");
            }
            port = Integer.parseInt(m.group(2));
        }
        if (m.group(3) == null || m.group(3).isEmpty()) {
            throw new IllegalArgumentException(option + " '" + shown + "' names no database; add it:"
                    + " jdbc:postgresql://" + m.group(1) + ":" + port + "/DATABASE");
        }
        return new JdbcUrl(url, m.group(1), port, m.group(3));
    }

    /** {@code url} with any user-info password and password parameter replaced by {@code ***}. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String out = USER_INFO.matcher(url).replaceAll(r -> {
            String info = r.group();
            int colon = info.indexOf(':');
            return Matcher.quoteReplacement(colon < 0 ? info : info.substring(0, colon) + ":***@");
        });
        return PASSWORD_PARAM.matcher(out).replaceAll("$1=***");
    }

    @Override
    public String toString() {
        return redact(url);
    }
}
