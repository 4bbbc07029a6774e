package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import java.util.List;
import java.util.Optional;

/**
 * Which Elasticsearch majors a Kuzzle 2 release can use, as data: 7 from 2.0 (the default storage
 * engine), 8 from 2.32.0 as an opt-in ({@code services.storageEngine.majorVersion: "8"},
 * kuzzleio/kuzzle#2548). Kuzzle reads that key as a string and accepts only {@code "7"} and
 * {@code "8"}. Targets older than 7 are the in-place case (v2 indices written next to the v1 ones
 * on the 5.x cluster) and are not paired here.
 */
public final class StorageEnginePairing {

    /** An Elasticsearch major and the first Kuzzle 2 release that can use it. */
    record Support(int elasticsearchMajor, KuzzleVersion since, boolean optIn) {
    }

    static final List<Support> SUPPORTED = List.of(
            new Support(7, KuzzleVersion.parse("2.0.0"), false),
            new Support(8, KuzzleVersion.parse("2.32.0"), true));

    /** The {@code .kuzzlerc} key that opts a Kuzzle 2 release into another Elasticsearch major. */
    public static final String MAJOR_VERSION_KEY = "services.storageEngine.majorVersion";

    private StorageEnginePairing() {
    }

    /**
     * Why {@code kuzzle} cannot run on a cluster of {@code elasticsearchMajor}, with the fixes; empty
     * when it can (or when the target is the 5.x/6.x cluster of an in-place upgrade).
     */
    public static Optional<String> problem(KuzzleVersion kuzzle, int elasticsearchMajor, String targetName) {
        if (elasticsearchMajor < 7) {
            return Optional.empty();
        }
        Optional<Support> support = SUPPORTED.stream().filter(s -> s.elasticsearchMajor() == elasticsearchMajor)
                .findFirst();
        if (support.isEmpty()) {
            return Optional.of("the target Elasticsearch " + targetName + " is " + elasticsearchMajor
                    + ".x, and no Kuzzle 2 release can use Elasticsearch " + elasticsearchMajor + " (Kuzzle 2 supports "
                    + majors() + "); nothing was written. Give a target cluster of one of these majors");
        }
        Support s = support.get();
        if (kuzzle.compareTo(s.since()) >= 0) {
            return Optional.empty();
        }
        return Optional.of("the target Elasticsearch " + targetName + " is " + elasticsearchMajor + ".x, and Kuzzle "
                + kuzzle + " (targetVersion) cannot use Elasticsearch " + elasticsearchMajor + ": Kuzzle supports it from "
                + s.since() + (s.optIn() ? " (opt-in)" : "") + "; nothing was written. Either set targetVersion to "
                + s.since() + " or later and run that Kuzzle release, or give a target cluster of an older major that"
                + " Kuzzle " + kuzzle + " can use (" + majorsUsableBy(kuzzle) + ")");
    }

    /**
     * The value of {@link #MAJOR_VERSION_KEY} the converted {@code .kuzzlerc} must hold for a
     * target of {@code elasticsearchMajor}: {@code "8"} for an opt-in major, empty for the default.
     */
    public static Optional<String> majorVersionSetting(int elasticsearchMajor) {
        return SUPPORTED.stream().filter(s -> s.elasticsearchMajor() == elasticsearchMajor && s.optIn())
                .findFirst().map(s -> Integer.toString(s.elasticsearchMajor()));
    }

    private static String majors() {
        return String.join(" and ", SUPPORTED.stream().map(s -> s.elasticsearchMajor() + ".x").toList());
    }

    private static String majorsUsableBy(KuzzleVersion kuzzle) {
        return String.join(", ", SUPPORTED.stream().filter(s -> kuzzle.compareTo(s.since()) >= 0)
                .map(s -> s.elasticsearchMajor() + ".x").toList());
    }
}
