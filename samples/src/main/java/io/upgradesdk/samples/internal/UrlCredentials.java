package io.upgradesdk.samples.internal;

import java.util.regex.Pattern;

/**
 * Refuses a server URL given on the command line with a user and password in it: visible to every
 * user in {@code ps}, and copied into every message, report and checkpoint that names the URL. The
 * refusal names the option, never the URL.
 */
public final class UrlCredentials {

    /**
     * A user-info part ({@code scheme://user:password@}) anywhere in the text: in any URL of a
     * comma-separated list, also when the password holds a comma (splitting the list first would
     * cut such a URL in two parts without an {@code @} after a {@code ://}).
     */
    private static final Pattern USER_INFO = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@");

    private UrlCredentials() {
    }

    /**
     * Checks the URL, or each of the comma-separated URLs, {@code urls} given as {@code option}.
     *
     * @param instead where the credentials go instead (e.g. "give --user with ES_PASSWORD or --password-file")
     * @throws IllegalArgumentException when one carries credentials
     */
    public static void refuse(String option, String urls, String instead) {
        if (urls != null && USER_INFO.matcher(urls).find()) {
            throw new IllegalArgumentException(option + " carries credentials (user:password@), visible to every"
                    + " user in ps and copied into messages, reports and checkpoints: remove them from the URL"
                    + " (not echoed here) and " + instead);
        }
    }
}
