package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How Kong version names are read, ordered, compared and written back. */
class KongVersionRulesTest {

    @Test
    void anOssVersionHasThreeNumbersAndNoBuild() {
        KongVersion v = KongVersion.parse(" 3.4.2 ");

        assertThat(v.major()).isEqualTo(3);
        assertThat(v.minor()).isEqualTo(4);
        assertThat(v.patch()).isEqualTo(2);
        assertThat(v.build()).isZero();
        assertThat(v.edition()).isEqualTo(KongVersion.Edition.OSS);
        assertThat(v.isEnterprise()).isFalse();
        assertThat(v.preRelease()).isNull();
        assertThat(v.isReleaseCandidate()).isFalse();
        assertThat(v).hasToString("3.4.2");
    }

    @Test
    void aMissingPatchIsZero() {
        assertThat(KongVersion.parse("3.4")).isEqualTo(KongVersion.of(3, 4, 0));
    }

    @Test
    void aFourthNumberMakesAnEnterpriseVersion() {
        KongVersion v = KongVersion.parse("2.8.4.1");

        assertThat(v.build()).isEqualTo(1);
        assertThat(v.isEnterprise()).isTrue();
        assertThat(v).isEqualTo(KongVersion.enterprise(2, 8, 4, 1)).hasToString("2.8.4.1");
    }

    @Test
    void enterpriseSuffixesMakeAnEnterpriseVersion() {
        assertThat(KongVersion.parse("2.8.4-enterprise-edition").edition()).isEqualTo(KongVersion.Edition.ENTERPRISE);
        assertThat(KongVersion.parse("2.8.4-ee").edition()).isEqualTo(KongVersion.Edition.ENTERPRISE);
        assertThat(KongVersion.parse("2.8.4-enterprise-edition")).hasToString("2.8.4.0");
    }

    @Test
    void oldEnterpriseNamesReadAsEnterpriseWithThePatchAfterTheDash() {
        KongVersion v = KongVersion.parse("0.36-2");

        assertThat(v).isEqualTo(KongVersion.enterprise(0, 36, 2, 0));
        assertThat(v.isEnterprise()).isTrue();
    }

    @Test
    void aReleaseCandidateKeepsItsLabelAndComesBeforeItsRelease() {
        KongVersion rc = KongVersion.parse("3.0.0-rc1");

        assertThat(rc.preRelease()).isEqualTo("rc1");
        assertThat(rc.isReleaseCandidate()).isTrue();
        assertThat(rc).hasToString("3.0.0-rc1");
        assertThat(rc.isBefore(KongVersion.of(3, 0, 0))).isTrue();
        assertThat(KongVersion.of(3, 0, 0).isBefore(rc)).isFalse();
        assertThat(KongVersion.of(3, 0, 0).compareTo(rc)).isPositive();
        assertThat(rc.compareTo(KongVersion.parse("3.0.0-rc2"))).isNegative();
        assertThat(rc.compareTo(KongVersion.parse("3.0.0-rc1"))).isZero();
        assertThat(KongVersion.parse("3.0.0-beta.2").preRelease()).isEqualTo("beta2");
    }

    @Test
    void somethingElseIsRefusedWithAnExample() {
        assertThatThrownBy(() -> KongVersion.parse("latest")).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(KongErrorCode.INVALID_VERSION);
            assertThat(e.getMessage()).contains("'latest'", "3.4.2");
        });
    }

    @Test
    void versionsOrderByEachNumberInTurn() {
        List<KongVersion> sorted = List.of(KongVersion.of(1, 9, 9), KongVersion.of(2, 0, 0), KongVersion.of(2, 0, 1),
                KongVersion.of(2, 1, 0), KongVersion.enterprise(2, 1, 0, 1), KongVersion.enterprise(2, 1, 0, 2),
                KongVersion.of(3, 0, 0));
        List<KongVersion> shuffled = new ArrayList<>(sorted);
        Collections.reverse(shuffled);
        Collections.sort(shuffled);

        assertThat(shuffled).containsExactlyElementsOf(sorted);
        for (int i = 0; i + 1 < sorted.size(); i++) {
            assertThat(sorted.get(i).isBefore(sorted.get(i + 1))).isTrue();
            assertThat(sorted.get(i + 1).isBefore(sorted.get(i))).isFalse();
            assertThat(sorted.get(i + 1).isAtLeast(sorted.get(i))).isTrue();
            assertThat(sorted.get(i).isAtLeast(sorted.get(i + 1))).isFalse();
        }
        assertThat(KongVersion.of(2, 1, 0).isAtLeast(KongVersion.of(2, 1, 0))).isTrue();
        assertThat(KongVersion.of(2, 1, 0).isBefore(KongVersion.of(2, 1, 0))).isFalse();
    }

    @Test
    void equalVersionsOfDifferentEditionsAreNotEqual() {
        assertThat(KongVersion.of(2, 8, 0)).isNotEqualTo(KongVersion.enterprise(2, 8, 0, 0));
        assertThat(KongVersion.of(2, 8, 0)).isNotEqualTo("2.8.0");
        assertThat(KongVersion.parse("2.8.0")).isEqualTo(KongVersion.of(2, 8, 0))
                .hasSameHashCodeAs(KongVersion.of(2, 8, 0));
        assertThat(KongVersion.of(2, 8, 0).hashCode()).isNotEqualTo(KongVersion.of(2, 8, 1).hashCode());
    }

    @Test
    void theOssBaseDropsBuildAndPreRelease() {
        assertThat(KongVersion.parse("2.8.4.1").ossBase()).isEqualTo(KongVersion.of(2, 8, 4));
        assertThat(KongVersion.parse("3.0.0-rc1").ossBase()).isEqualTo(KongVersion.of(3, 0, 0));
    }

    @Test
    void sameMinorNeedsBothMajorAndMinorEqual() {
        assertThat(KongVersion.of(3, 4, 1).sameMinor(KongVersion.of(3, 4, 9))).isTrue();
        assertThat(KongVersion.of(3, 4, 1).sameMinor(KongVersion.of(3, 5, 1))).isFalse();
        assertThat(KongVersion.of(3, 4, 1).sameMinor(KongVersion.of(2, 4, 1))).isFalse();
        assertThat(KongVersion.of(3, 4, 1).minorLine()).isEqualTo("3.4");
    }
}
