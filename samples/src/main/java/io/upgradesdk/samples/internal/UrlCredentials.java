package io.upgradesdk.samples.internal;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Refuses a server URL given on the command line with a user and password in it: visible to every
 * user in {@code ps}, and copied into every message, report and checkpoint that names the URL. The
 * refusal names the option, never the URL.
 */
public final class UrlCredentials {

    private static final Pattern USER_INFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@");

    private UrlCredentials() {
    }

    /**
     * Checks each of the comma-separated {@code urls} given as {@code option}.
     *
     * @param instead where the credentials go instead (e.g. "give --user with ES_PASSWORD or --password-file")
     * @throws IllegalArgumentException when one carries credentials
     */
    public static void refuse(String option, String urls, String instead) {
        if (urls == null) {
            return;
        }
        for (String url : urls.split(",")) {
            if (hasUserInfo(url.trim())) {
                throw new IllegalArgumentException(option + " carries credentials (user:password@), visible to every"
                        + " user in ps and copied into messages, reports and checkpoints: remove them from the URL"
                        + " (not echoed here) and " + instead);
            }
        }
    }

    private static boolean hasUserInfo(String url) {
        try {
            return URI.create(url).getRawUserInfo() != null;
        } catch (IllegalArgumentException notAUri) {
            return USER_INFO.matcher(url).find();
        }
    }
}
