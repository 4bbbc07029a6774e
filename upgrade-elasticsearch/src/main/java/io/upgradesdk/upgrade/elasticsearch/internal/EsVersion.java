package io.upgradesdk.upgrade.elasticsearch.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An Elasticsearch version {@code major.minor.patch}, ordered. */
public record EsVersion(int major, int minor, int patch) implements Comparable<EsVersion> {

    private static final Pattern P = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+).*");

    /** Parses {@code 7.17.29} (suffixes such as {@code -SNAPSHOT} are ignored). */
    public static EsVersion parse(String text) {
        Matcher m = P.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an Elasticsearch version: '" + text + "'");
        }
        return new EsVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    @Override
    public int compareTo(EsVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    /** True when this is at least {@code other}. */
    public boolean atLeast(EsVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
