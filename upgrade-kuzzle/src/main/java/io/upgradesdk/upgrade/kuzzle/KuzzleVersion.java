package io.upgradesdk.upgrade.kuzzle;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A target Kuzzle 2.x release, e.g. {@code KuzzleVersion.parse("2.14.0")}. It decides the shape of
 * what is written: {@code @} aliases from 2.14, {@code {settings, mappings}} internal collection
 * configuration from 2.20, extra internal mapping fields from 2.15.
 */
public record KuzzleVersion(int major, int minor, int patch) implements Comparable<KuzzleVersion> {

    private static final Pattern FORMAT = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:[-+].*)?");

    public KuzzleVersion {
        if (major != 2 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("target Kuzzle version must be 2.x.y, was " + major + "." + minor + "."
                    + patch + "; give the Kuzzle 2 release you will start on the migrated data");
        }
    }

    /** Parses {@code 2.x.y} (a leading {@code v} and a suffix such as {@code -beta} are accepted). */
    public static KuzzleVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a Kuzzle version; write it as 2.x.y, e.g. 2.20.0");
        }
        return new KuzzleVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    /** True when this release is {@code minor.patch} of 2.x or newer. */
    public boolean atLeast(int minorVersion, int patchVersion) {
        return minor > minorVersion || (minor == minorVersion && patch >= patchVersion);
    }

    /** Kuzzle ≥ 2.14 reaches every indice through an {@code @} alias. */
    public boolean usesAliases() {
        return atLeast(14, 0);
    }

    /** Kuzzle ≥ 2.20 configures internal collections as {@code {settings, mappings}}. */
    public boolean internalCollectionsHaveSettings() {
        return atLeast(20, 0);
    }

    @Override
    public int compareTo(KuzzleVersion o) {
        return minor != o.minor ? Integer.compare(minor, o.minor) : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
