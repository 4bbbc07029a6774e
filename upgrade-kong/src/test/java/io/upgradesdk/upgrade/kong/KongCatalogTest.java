package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import org.junit.jupiter.api.Test;

class KongCatalogTest {

    private static final KongCatalog CATALOG = KongCatalog.bundled();

    @Test
    void holdsEveryFinalReleaseFrom100To393InOrder() {
        assertThat(CATALOG.releases()).hasSize(81);
        assertThat(CATALOG.versions().get(0)).isEqualTo(KongVersion.of(1, 0, 0));
        assertThat(CATALOG.latest().version()).isEqualTo(KongVersion.of(3, 9, 3));
        assertThat(CATALOG.versions()).isSorted();
        assertThat(CATALOG.latestOf(2, 8).orElseThrow().version().minorLine()).isEqualTo("2.8");
        assertThat(CATALOG.latestOf(2, 9)).isEmpty();
    }

    @Test
    void coreComesFirstThenPluginsByNameInIndexOrder() {
        KongRelease r = CATALOG.release("3.9.3");

        assertThat(r.subsystemNames().get(0)).isEqualTo("core");
        assertThat(r.subsystemNames().subList(1, r.subsystemNames().size())).isSorted();
        assertThat(r.subsystem("core").orElseThrow().migrations().get(0).name()).isEqualTo("000_base");
        assertThat(r.subsystem("acl").orElseThrow().namespace()).isEqualTo("kong.plugins.acl.migrations");
    }

    @Test
    void teardownFlagsAreLookedUpPerRelease() {
        KongMigration in360 = CATALOG.release("3.6.0").subsystem("rate-limiting").orElseThrow().migration("006_350_to_360");
        KongMigration in370 = CATALOG.release("3.7.0").subsystem("rate-limiting").orElseThrow().migration("006_350_to_360");

        assertThat(in360.teardown()).isFalse();
        assertThat(in370.teardown()).isTrue();
        assertThat(CATALOG.release("3.0.0").subsystem("core").orElseThrow().migration("016_280_to_300").teardown()).isTrue();
        assertThat(CATALOG.release("2.8.4").subsystem("core").orElseThrow().migration("007_140_to_150").teardown()).isFalse();
    }

    @Test
    void oldBridgeMigrationsDisappearIn200() {
        assertThat(CATALOG.release("1.5.0").subsystem("core").orElseThrow().migration("001_14_to_15")).isNotNull();
        assertThat(CATALOG.release("2.0.0").subsystem("core").orElseThrow().migration("001_14_to_15")).isNull();
    }

    @Test
    void unknownReleasesNameTheKnownRange() {
        assertThatThrownBy(() -> CATALOG.release("0.14.1")).isInstanceOf(UpgradeException.class)
                .hasMessageContaining("1.0.0 to 3.9.3");
        assertThat(CATALOG.find(KongVersion.parse("2.8.4.1"))).isPresent(); // Enterprise maps to its OSS base
    }
}
