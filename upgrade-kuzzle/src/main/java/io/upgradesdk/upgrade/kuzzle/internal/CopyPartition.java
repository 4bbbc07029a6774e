package io.upgradesdk.upgrade.kuzzle.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One partition of a plugin or public storage copy: slice {@code slice} of {@code slices} of the
 * collection whose target index has key {@link #keyOf}. Its id, {@code <slice>of<slices>:<key>}
 * (e.g. {@code 0of2:@26nyc-open-data.yellowtaxi}), names the slice count, so a resumed run or a
 * joining worker on another machine slices the collection as the run that recorded it did.
 */
record CopyPartition(String collectionKey, int slice, int slices) {

    private static final Pattern ID = Pattern.compile("(\\d{1,3})of(\\d{1,3}):(.+)");
    /** Longer keys are shortened with a digest, so that the id stays a valid partition id. */
    private static final int MAX_KEY_LENGTH = 150;

    /** The partition id. */
    String id() {
        return slice + "of" + slices + ":" + collectionKey;
    }

    /** The partition named by {@code id}, or empty when {@code id} is not one this plan writes. */
    static Optional<CopyPartition> parse(String id) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        int slice = Integer.parseInt(m.group(1));
        int slices = Integer.parseInt(m.group(2));
        return slice < slices ? Optional.of(new CopyPartition(m.group(3), slice, slices)) : Optional.empty();
    }

    /**
     * A target index name as it may appear in a partition id: every character but letters, digits,
     * {@code .}, {@code _} and {@code -} as {@code @} and its UTF-8 bytes in hex ({@code &} is
     * {@code @26}); a digest replaces the end of a long one. Distinct names give distinct keys.
     */
    static String keyOf(String target) {
        StringBuilder key = new StringBuilder();
        for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-')) {
                key.append(c);
            } else {
                key.append('@').append(HexFormat.of().toHexDigits(b));
            }
        }
        if (key.length() <= MAX_KEY_LENGTH) {
            return key.toString();
        }
        return key.substring(0, MAX_KEY_LENGTH - 34) + "@h" + digest(target);
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
