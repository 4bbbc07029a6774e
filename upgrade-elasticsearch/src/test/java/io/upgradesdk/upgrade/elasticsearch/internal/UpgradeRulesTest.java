package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The upgrade paths as data: what each source may go to, and why not. */
class UpgradeRulesTest {

    private static Optional<String> refusal(String source, String target) {
        return UpgradeRules.refusal(EsVersion.parse(source), target);
    }

    @Test
    void theSupportedPathsAreAllowed() {
        assertThat(refusal("7.17.29", "8.19.21")).isEmpty();
        assertThat(refusal("7.17.29", "8")).isEmpty();
        assertThat(refusal("8.19.21", "9.2.4")).isEmpty();
        assertThat(refusal("8.19.21", "9")).isEmpty();
        assertThat(refusal("8.18.3", "9.0.7")).isEmpty();
        assertThat(refusal("8.19.0", "9.1.0")).isEmpty();
    }

    @Test
    void upgradesWithinAMajorAreAllowedAndTheSameReleaseIsNoChange() {
        assertThat(refusal("8.8.2", "8.19.21")).isEmpty();
        assertThat(refusal("8.19.21", "8.19.21")).isEmpty();
        assertThat(refusal("8.19.21", "8")).isEmpty();
    }

    @Test
    void aDowngradeIsRefused() {
        assertThat(refusal("7.17.29", "6.8.0")).hasValueSatisfying(r -> assertThat(r).contains("is a downgrade"));
        assertThat(refusal("8.19.21", "8.8")).hasValueSatisfying(r -> assertThat(r).contains("is a downgrade"));
        assertThat(refusal("8.19.21", "8.19.10")).hasValueSatisfying(r -> assertThat(r).contains("is a downgrade"));
    }

    @Test
    void aSkippedMajorIsRefusedNamingTheReleaseToReachFirst() {
        assertThat(refusal("7.17.29", "9.0.0")).hasValueSatisfying(r -> assertThat(r)
                .contains("skips 8.x", "upgrade to the latest 7.17 first, then to 9.x"));
    }

    @Test
    void aSourceNotOnTheRequiredMinorIsSentToItFirst() {
        assertThat(refusal("7.10.2", "8.19.21")).hasValueSatisfying(r -> assertThat(r)
                .contains("latest 7.17 release first"));
        assertThat(refusal("8.15.0", "9.2.4")).hasValueSatisfying(r -> assertThat(r)
                .contains("latest 8.19 release first"));
    }

    @Test
    void a818SourceMayGoTo90OnlyAndAn819SourceNotTo90() {
        assertThat(refusal("8.18.3", "9.2.4")).hasValueSatisfying(r -> assertThat(r)
                .contains("can go to 9.0.x only", "latest 8.19 first"));
        assertThat(refusal("8.19.21", "9.0.3")).hasValueSatisfying(r -> assertThat(r)
                .contains("can go to 9.1.0 or later only"));
        assertThat(refusal("8.19.21", "9.0")).isPresent();
    }

    @Test
    void a9ReleaseOlderThanThe819PatchIsRefusedNamingTheReleasesThatWork() {
        assertThat(refusal("8.19.21", "9.2.0")).hasValueSatisfying(r -> assertThat(r)
                .contains("9.2.0 is older than 8.19.21", "use 9.2.4 or a later 9.x release"));
        assertThat(refusal("8.19.21", "9.2.4")).isEmpty();
        assertThat(refusal("8.19.21", "9.3.0")).isEmpty();
    }

    @Test
    void an819PatchNewerThanTheRulesKnowIsRefusedRatherThanGuessed() {
        assertThat(refusal("8.19.22", "9.2.4")).hasValueSatisfying(r -> assertThat(r)
                .contains("know 8.x patches up to 8.19.21, not 8.19.22"));
    }

    @Test
    void aSourceWithoutAPathIsRefusedListingThePaths() {
        assertThat(refusal("6.8.23", "7.17.29")).hasValueSatisfying(r -> assertThat(r)
                .contains("no supported upgrade path", "7.17 → 8.x", "8.19 → 9.x"));
    }

    @Test
    void theRequiredSourceLineComesFromTheTable() {
        assertThat(UpgradeRules.requiredSourceLine(8)).contains("7.17");
        assertThat(UpgradeRules.requiredSourceLine(9)).contains("8.19");
        assertThat(UpgradeRules.requiredSourceLine(7)).isEmpty();
    }
}
