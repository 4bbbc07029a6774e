package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Kind;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class KongUpgradePathsTest {

    private static final KongUpgradePaths PATHS = KongUpgradePaths.bundled();

    private static List<String> hops(KongUpgradePath p) {
        return p.hops().stream().map(KongVersion::toString).toList();
    }

    @Test
    void patchUpgradeWithoutMigrationsIsAReload() {
        KongUpgradePath p = PATHS.path("3.4.0", "3.4.2");

        assertThat(p.supported()).isTrue();
        assertThat(p.kind()).isEqualTo(Kind.RELOAD);
        assertThat(p.migrationCount()).isZero();
        assertThat(p.migrationsKnown()).isTrue();
    }

    @Test
    void patchReleasesThatShipMigrationsAreDetected() {
        KongUpgradePath p211 = PATHS.path("2.1.0", "2.1.1");
        KongUpgradePath p213 = PATHS.path("2.1.2", "2.1.3");

        assertThat(p211.kind()).isEqualTo(Kind.MIGRATE);
        assertThat(p211.migrations()).containsOnlyKeys("core", "oauth2");
        assertThat(p211.migrations().get("core")).extracting(KongMigration::name).containsExactly("010_210_to_211");
        assertThat(p213.migrations().get("core")).extracting(KongMigration::name).containsExactly("011_212_to_213");
        assertThat(p213.migrations().get("acl")).extracting(KongMigration::name).containsExactly("004_212_to_213");
    }

    @Test
    void adjacentMinorsAndLtsToLtsAreDirect() {
        assertThat(hops(PATHS.path("3.3.1", "3.4.0"))).containsExactly("3.4.0");
        assertThat(hops(PATHS.path("2.8.4", "3.4.0"))).containsExactly("3.4.0");
        assertThat(hops(PATHS.path("2.8.0", "3.0.0"))).containsExactly("3.0.0");
    }

    @Test
    void the28To30UpgradeRunsTheKnownMigrations() {
        KongUpgradePath p = PATHS.path("2.8.4", "3.0.0");

        assertThat(p.migrations().get("core")).extracting(KongMigration::name).containsExactly("016_280_to_300");
        assertThat(p.migrations().get("http-log")).containsExactly(new KongMigration("001_280_to_300", true));
        assertThat(p.strategies()).contains(Strategy.BLUE_GREEN, Strategy.DUAL_CLUSTER, Strategy.IN_PLACE);
    }

    @Test
    void longJumpsGoThroughAdjacentMinorsAndTheLtsLine() {
        assertThat(hops(PATHS.path("3.1.0", "3.4.0"))).containsExactly("3.2.2", "3.3.1", "3.4.0");
        assertThat(hops(PATHS.path("2.8.4", "3.6.1"))).first().asString().startsWith("3.4.");
        assertThat(hops(PATHS.path("2.8.4", "3.6.1"))).hasSize(3).last().isEqualTo("3.6.1");
        assertThat(hops(PATHS.path("2.8.4", "3.2.0"))).hasSize(3).element(0).asString().startsWith("3.0.");
    }

    @Test
    void oldSourcesGoThroughTheDocumentedFloors() {
        KongUpgradePath p = PATHS.path("2.5.0", "3.0.0");
        assertThat(p.intermediates()).singleElement().satisfies(v -> assertThat(v.minorLine()).isEqualTo("2.8"));
        assertThat(p.notes()).anyMatch(n -> n.contains("conflict"));

        KongUpgradePath from014 = PATHS.path("0.14.1", "2.0.0");
        assertThat(from014.intermediates()).singleElement().satisfies(v -> assertThat(v.minorLine()).isEqualTo("1.5"));
        assertThat(hops(PATHS.path("0.13.0", "1.2.0"))).containsExactly("0.14.1", "1.2.0");
    }

    @Test
    void downgradesAndEnterpriseToOssAreUnsupported() {
        assertThat(PATHS.path("3.4.0", "3.3.0").supported()).isFalse();
        assertThat(PATHS.path("2.8.4.1", "2.8.4").supported()).isFalse();
        assertThatThrownBy(() -> PATHS.requireDirect(KongVersion.parse("3.4.0"), KongVersion.parse("3.3.0")))
                .isInstanceOf(UpgradeException.class).hasMessageContaining("restore the backup");
    }

    @Test
    void enterpriseChainAndItsDowntime() {
        KongUpgradePath chain = PATHS.path("0.35.0.0", "2.1.0.0");
        assertThat(chain.hops()).extracting(KongVersion::minorLine).containsExactly("0.36", "1.3", "1.5", "2.1");

        KongUpgradePath p15 = PATHS.path("1.5.0.11", "2.1.4.6");
        assertThat(p15.requiresDowntime()).isTrue();
        assertThat(p15.strategies()).containsExactly(Strategy.IN_PLACE);
        assertThat(p15.isDirect()).isTrue();

        assertThat(PATHS.path("1.3.0.2", "2.8.4.1").isDirect()).isTrue();
        assertThat(PATHS.path("1.3.0.2", "2.5.0.0").intermediates()).extracting(KongVersion::minorLine)
                .containsExactly("1.5", "2.1");
    }

    /**
     * Rule (Kong docs, spec 8.1): Enterprise 2.2–2.8 migrate from 2.1.x or later, reached by the chain
     * 0.35 → 0.36 → 1.3 → 1.5 → 2.1. A source below 2.1 on none of those lines ("2.0") has no
     * documented path: it was routed through 0.35 (a downgrade to start with).
     */
    @Test
    void enterprise22To28MigrateFrom21OrLaterAndASourceOffTheChainIsRefusedNotRoutedBackTo035() {
        KongUpgradePath from20 = PATHS.path("2.0.0.0", "2.4.0.0");

        assertThat(from20.supported()).isFalse();
        assertThat(from20.hops()).isEmpty();
        assertThat(from20.notes()).singleElement().asString().contains("2.0.0.0 is not on the documented chain")
                .doesNotContain("upgrade to 0.35 first");
        assertThat(PATHS.path("2.0.0.0", "3.4.0.0").supported()).as("through 2.8").isFalse();
        assertThat(PATHS.path("2.0.0.0", "2.1.0.0").notes()).singleElement().asString()
                .doesNotContain("upgrade to 0.35 first");
        assertThat(PATHS.path("0.34.0.0", "2.1.0.0").notes()).singleElement().asString()
                .contains("upgrade to 0.35 first");
        assertThat(PATHS.path("2.1.0.0", "2.4.0.0").isDirect()).isTrue();
        assertThat(PATHS.path("1.5.0.11", "2.4.0.0").intermediates()).extracting(KongVersion::minorLine)
                .containsExactly("2.1");
    }

    @Test
    void noEnterprisePathEverStepsBelowItsSource() {
        List<String> lines = List.of("0.34", "0.35", "0.36", "1.3", "1.4", "1.5", "2.0", "2.1", "2.2", "2.4", "2.8",
                "3.0", "3.4", "3.6");
        for (String from : lines) {
            for (String to : lines) {
                KongVersion source = KongVersion.parse(from + ".0.0");
                KongUpgradePath path = PATHS.path(source, KongVersion.parse(to + ".0.0"));
                assertThat(path.hops()).as("%s -> %s", from, to).allMatch(hop -> hop.isAtLeast(source));
            }
        }
    }

    @Test
    void ossToEnterpriseOnlyWithinTheSameLine() {
        assertThat(PATHS.path("2.8.4", "2.8.4.1").supported()).isTrue();
        assertThat(PATHS.path("1.5.0", "1.5.0.11").notes()).anyMatch(n -> n.contains("migrate-community-to-enterprise"));
        assertThat(PATHS.path("2.8.4", "3.4.0.0").supported()).isFalse();
    }

    @Test
    void releaseCandidatesNeedForceAndBlueGreenNeeds282() {
        KongUpgradePath rc = PATHS.path("3.0.0-rc1", "3.0.0");
        assertThat(rc.needsForce()).isTrue();
        assertThat(PATHS.path("2.8.1", "3.0.0").strategies()).doesNotContain(Strategy.BLUE_GREEN);
        assertThatThrownBy(() -> PATHS.requireDirect(KongVersion.parse("3.1.0"), KongVersion.parse("3.4.0")))
                .hasMessageContaining("upgrade through");
    }

    @Test
    void versionsParseAndOrder() {
        assertThat(KongVersion.parse("3.0.0-rc1")).isLessThan(KongVersion.parse("3.0.0"));
        assertThat(KongVersion.parse("2.8.4.1").isEnterprise()).isTrue();
        assertThat(KongVersion.parse("2.8.4.1").toString()).isEqualTo("2.8.4.1");
        assertThat(KongVersion.parse("0.36-2")).isEqualTo(KongVersion.enterprise(0, 36, 2, 0));
        assertThat(KongVersion.parse("2.8.4.1-enterprise-edition").isEnterprise()).isTrue();
        assertThatThrownBy(() -> KongVersion.parse("latest")).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("x.y.z");
    }
}
