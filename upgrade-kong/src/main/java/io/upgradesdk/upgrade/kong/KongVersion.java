package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.UpgradeException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kong Gateway version: OSS {@code x.y.z} (optionally a release candidate {@code x.y.z-rc1}) or
 * Enterprise {@code x.y.z.n} (a fourth number; also written {@code x.y.z.n-enterprise-edition}).
 * Ordered by the numbers, a release candidate before its final release.
 */
public final class KongVersion implements Comparable<KongVersion> {

    /** Kong's two editions. */
    public enum Edition { OSS, ENTERPRISE }

    private static final Pattern FORMAT = Pattern.compile(
            "(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-?(?:enterprise-edition|ee))?(?:-?(rc|alpha|beta)\\.?(\\d+))?");

    /** Enterprise's pre-1.x names, e.g. {@code 0.36-2}. */
    private static final Pattern OLD_ENTERPRISE = Pattern.compile("(\\d+)\\.(\\d+)-(\\d+)");

    private final int major;
    private final int minor;
    private final int patch;
    private final int build;
    private final Edition edition;
    private final String preRelease;

    private KongVersion(int major, int minor, int patch, int build, Edition edition, String preRelease) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.build = build;
        this.edition = edition;
        this.preRelease = preRelease;
    }

    /**
     * Parses {@code 3.4.2}, {@code 3.0.0-rc1}, {@code 2.8.4.1} (Enterprise) or {@code 0.36-2}-style
     * Enterprise names (read as Enterprise 0.36.2.0). A four-number version is Enterprise.
     */
    public static KongVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        Matcher old = OLD_ENTERPRISE.matcher(text.trim());
        if (old.matches()) {
            return enterprise(Integer.parseInt(old.group(1)), Integer.parseInt(old.group(2)), Integer.parseInt(old.group(3)), 0);
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new UpgradeException(KongErrorCode.INVALID_VERSION, "'" + text + "' is not a Kong version: "
                    + "use x.y.z for OSS (e.g. 3.4.2), x.y.z.n for Enterprise (e.g. 2.8.4.1), x.y.z-rcN for a release candidate");
        }
        boolean ee = m.group(4) != null || text.contains("enterprise") || text.contains("-ee");
        return new KongVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
                ee ? Edition.ENTERPRISE : Edition.OSS, m.group(5) == null ? null : m.group(5) + m.group(6));
    }

    /** An OSS version. */
    public static KongVersion of(int major, int minor, int patch) {
        return new KongVersion(major, minor, patch, 0, Edition.OSS, null);
    }

    /** An Enterprise version {@code major.minor.patch.build}. */
    public static KongVersion enterprise(int major, int minor, int patch, int build) {
        return new KongVersion(major, minor, patch, build, Edition.ENTERPRISE, null);
    }

    public int major() {
        return major;
    }

    public int minor() {
        return minor;
    }

    public int patch() {
        return patch;
    }

    /** Enterprise's fourth number; 0 for OSS. */
    public int build() {
        return build;
    }

    public Edition edition() {
        return edition;
    }

    public boolean isEnterprise() {
        return edition == Edition.ENTERPRISE;
    }

    /** {@code rc1}, {@code beta2}, ... or null for a final release. */
    public String preRelease() {
        return preRelease;
    }

    public boolean isReleaseCandidate() {
        return preRelease != null;
    }

    /** The OSS {@code x.y.z} these numbers name (drops the build and the pre-release). */
    public KongVersion ossBase() {
        return of(major, minor, patch);
    }

    /** Same major and minor. */
    public boolean sameMinor(KongVersion other) {
        return major == other.major && minor == other.minor;
    }

    /** {@code x.y} as text. */
    public String minorLine() {
        return major + "." + minor;
    }

    @Override
    public int compareTo(KongVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c == 0) {
            c = Integer.compare(build, o.build);
        }
        if (c == 0) {
            c = preRelease == null ? (o.preRelease == null ? 0 : 1) : (o.preRelease == null ? -1 : preRelease.compareTo(o.preRelease));
        }
        return c;
    }

    public boolean isBefore(KongVersion o) {
        return compareTo(o) < 0;
    }

    public boolean isAtLeast(KongVersion o) {
        return compareTo(o) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KongVersion v && compareTo(v) == 0 && edition == v.edition;
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor, patch, build, edition, preRelease);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (edition == Edition.ENTERPRISE ? "." + build : "")
                + (preRelease == null ? "" : "-" + preRelease);
    }
}
