package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Kind;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kong's documented upgrade paths over the bundled catalogue, one row per rule and boundary: the
 * hops, the kind of upgrade, the strategies, downtime, --force, whether the migrations are known,
 * and the notes (each note by its opening words, in order).
 */
class KongUpgradePathRulesTest {

    private static final KongUpgradePaths PATHS = KongUpgradePaths.bundled();

    private static List<String> words(String spaced) {
        return spaced == null ? List.of() : Arrays.asList(spaced.split(" "));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ',', value = {
            "0.13.0, 1.5.0, true, 0.14.1 1.5.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Kong 1.x migrates only from 0.14.1: upgr|Kong 1.0 refuses to migrate while|the catalogue does not cover this versio",
            "0.14.1, 1.0.0, true, 1.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Kong 1.0 refuses to migrate while|the catalogue does not cover this versio",
            "0.14.0, 2.8.0, true, 0.14.1 1.5.1 2.8.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Kong 2.x migrates from 1.x only: go thro|the catalogue does not cover this versio",
            "0.36-2, 1.5.0.0, true, 1.3.0.0 1.5.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, zero downtime is possible but not guaran|the catalogue does not cover Enterprise",
            "1.5.0, 2.0.0, true, 2.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, true, ",
            "0.13.0, 3.0.0, true, 0.14.1 1.5.1 2.8.5 3.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Kong 2.x migrates from 1.x only: go thro|Kong 3.x migrates from 2.8 (UPGRADE.md:|the catalogue does not cover this versio",
            "1.5.0, 3.4.0, true, 2.8.5 3.4.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, true, Kong 3.x migrates from 2.8 (UPGRADE.md:",
            "2.7.0, 3.0.0, true, 2.8.5 3.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, true, Kong 3.x migrates from 2.8 (UPGRADE.md:",
            "2.8.0, 3.2.0, true, 3.0.2 3.1.1 3.2.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, true, ",
            "2.8.0, 3.5.0, true, 3.4.2 3.5.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, true, ",
            "3.0.0, 3.2.0, true, 3.1.1 3.2.0, MIGRATE, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, false, true, Kong 3.x docs recommend blue/green only",
            "3.4.0, 3.6.0, true, 3.5.0 3.6.0, MIGRATE, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, false, true, Kong 3.x docs recommend blue/green only",
            "2.8.4, 4.0.0, false, , MIGRATE, , true, false, false, Kong 4.0.0 is outside the documented OSS",
            "2.8.0.0, 2.1.0, false, , MIGRATE, , true, false, false, Kong Enterprise cannot be downgraded to",
            "3.4.2, 3.4.0, false, , MIGRATE, , true, false, false, downgrades are not supported: Kong migra",
            "2.8.0, 2.8.0.1, true, 2.8.0.1, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.1+ migrates community entit|the catalogue does not cover Enterprise",
            "2.8.0, 2.7.0.1, false, , MIGRATE, , true, false, false, downgrades are not supported: Kong migra",
            "1.5.0, 1.5.0.1, true, 1.5.0.1, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, after|the catalogue does not cover Enterprise",
            "2.1.0, 2.1.0.0, true, 2.1.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.1+ migrates community entit|the catalogue does not cover Enterprise",
            "2.0.0, 2.0.0.0, true, 2.0.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, after|the catalogue does not cover Enterprise",
            "3.0.0, 3.0.0.0, true, 3.0.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, false, false, Enterprise 2.1+ migrates community entit|the catalogue does not cover Enterprise",
            "0.35.0.0, 2.1.0.0, true, 0.36.0.0 1.3.0.0 1.5.0.0 2.1.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, the catalogue does not cover Enterprise",
            "0.35.0.0, 1.3.0.0, true, 0.36.0.0 1.3.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, zero downtime is possible but not guaran|the catalogue does not cover Enterprise",
            "0.36.0.0, 1.5.0.0, true, 1.3.0.0 1.5.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, zero downtime is possible but not guaran|the catalogue does not cover Enterprise",
            "1.3.0.0, 1.5.0.0, true, 1.5.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, zero downtime is possible but not guaran|the catalogue does not cover Enterprise",
            "0.35.0.0, 0.36.0.0, true, 0.36.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, the catalogue does not cover Enterprise",
            "1.5.0.0, 2.1.0.0, true, 2.1.0.0, MIGRATE, IN_PLACE, true, false, false, Enterprise 1.5 to 2.1 needs a short down|the catalogue does not cover Enterprise",
            "1.2.0.0, 1.5.0.0, false, , MIGRATE, , true, false, false, Enterprise 1.2.0.0 is not on the documen",
            "1.2.0.0, 2.4.0.0, false, , MIGRATE, , true, false, false, Enterprise 1.2.0.0 is not on the documen",
            "1.3.0.0, 2.8.0.0, true, 2.8.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.8 accepts any 1.x directly|the catalogue does not cover Enterprise",
            "1.3.0.0, 2.4.0.0, true, 1.5.0.0 2.1.0.0 2.4.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.2 to 2.8 migrate from 2.1.x|the catalogue does not cover Enterprise",
            "0.36.0.0, 2.4.0.0, true, 1.3.0.0 1.5.0.0 2.1.0.0 2.4.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.2 to 2.8 migrate from 2.1.x|the catalogue does not cover Enterprise",
            "2.1.0.0, 2.4.0.0, true, 2.4.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, the catalogue does not cover Enterprise",
            "1.5.0.0, 3.4.0.0, true, 2.8.0.0 3.4.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.8 accepts any 1.x directly|Enterprise hops name minor lines (x.y.0.|the catalogue does not cover Enterprise",
            "2.1.0.0, 3.1.0.0, true, 2.8.0.0 3.0.0.0 3.1.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise hops name minor lines (x.y.0.|the catalogue does not cover Enterprise",
            "1.2.0.0, 3.0.0.0, true, 2.8.0.0 3.0.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.8 accepts any 1.x directly|Enterprise hops name minor lines (x.y.0.|the catalogue does not cover Enterprise",
            "2.8.0.0, 3.4.0.0, true, 3.4.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise hops name minor lines (x.y.0.|the catalogue does not cover Enterprise",
            "2.8.0.0, 3.5.0.0, true, 3.4.0.0 3.5.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise hops name minor lines (x.y.0.|the catalogue does not cover Enterprise",
            "3.0.0.0, 4.0.0.0, false, , MIGRATE, , true, false, false, Enterprise 4.0.0.0 is outside the docume",
            "3.0.0-rc1, 3.0.0, true, 3.0.0, RELOAD, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, true, true, no migrations: install 3.0.0 and run|upgrading from a release candidate: run",
            "2.8.2, 2.8.4, true, 2.8.4, RELOAD, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, false, true, no migrations: install 2.8.4 and run",
            "2.8.1, 2.8.4, true, 2.8.4, RELOAD, IN_PLACE DUAL_CLUSTER, false, false, true, no migrations: install 2.8.4 and run",
            "3.4.0, 3.5.0, true, 3.5.0, MIGRATE, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, false, true, Kong 3.x docs recommend blue/green only",
            "3.3.0, 3.4.0, true, 3.4.0, MIGRATE, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, false, true, Kong 3.x docs recommend blue/green only",
            "3.0.0, 3.4.0, true, 3.1.1 3.2.2 3.3.1 3.4.0, MIGRATE, IN_PLACE DUAL_CLUSTER BLUE_GREEN, false, false, true, Kong 3.x docs recommend blue/green only",
            "1.0.0, 1.5.0, true, 1.5.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, true, ",
            "2.8.0, 3.0.0.0, false, , MIGRATE, , true, false, false, OSS can only move to an Enterprise versi",
            "2.1.0, 2.1.1, true, 2.1.1, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, true, this patch release ships migrations: run",
            "2.2.0.0, 2.1.0.0, false, , MIGRATE, , true, false, false, downgrades are not supported: Kong migra",
            "2.8.0, 2.8.0.0, true, 2.8.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.1+ migrates community entit|the catalogue does not cover Enterprise",
            "2.7.0, 2.7.0.0, true, 2.7.0.0, MIGRATE, IN_PLACE DUAL_CLUSTER, false, false, false, Enterprise 2.1+ migrates community entit|the catalogue does not cover Enterprise",
            "1.0.0.0, 1.5.0.0, false, , MIGRATE, , true, false, false, Enterprise 1.0.0.0 is not on the documen"
    })
    void everyPathFollowsTheDocumentedRules(String from, String to, boolean supported, String hops, Kind kind,
            String strategies, boolean downtime, boolean force, boolean known, String notes) {
        KongUpgradePath path = PATHS.path(from, to);

        assertThat(path.supported()).as("supported").isEqualTo(supported);
        assertThat(path.hops()).extracting(KongVersion::toString).as("hops").containsExactlyElementsOf(words(hops));
        assertThat(path.kind()).as("kind").isEqualTo(kind);
        assertThat(path.strategies()).as("strategies").containsExactlyInAnyOrderElementsOf(
                words(strategies).stream().map(Strategy::valueOf).toList());
        assertThat(path.requiresDowntime()).as("downtime").isEqualTo(downtime);
        assertThat(path.needsForce()).as("force").isEqualTo(force);
        assertThat(path.migrationsKnown()).as("known").isEqualTo(known);
        List<String> expected = notes == null ? List.of() : Arrays.asList(notes.split("\\|"));
        assertThat(path.notes()).as("notes").hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(path.notes().get(i)).as("note %s", i).startsWith(expected.get(i));
        }
    }

    @Test
    void requireDirectReturnsADirectPath() {
        KongUpgradePath path = PATHS.requireDirect(KongVersion.parse("3.3.0"), KongVersion.parse("3.4.0"));

        assertThat(path.isDirect()).isTrue();
        assertThat(path.intermediates()).isEmpty();
    }

    @Test
    void requireDirectRefusesAPathWithHopsNamingThem() {
        assertThatThrownBy(() -> PATHS.requireDirect(KongVersion.parse("3.0.0"), KongVersion.parse("3.2.0")))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(KongErrorCode.UNSUPPORTED_PATH);
                    assertThat(e.getMessage()).contains("cannot go straight to 3.2.0", "[3.1.1]");
                });
    }

    @Test
    void requireDirectRefusesAnUnsupportedPathWithItsReason() {
        assertThatThrownBy(() -> PATHS.requireDirect(KongVersion.parse("3.4.2"), KongVersion.parse("3.4.0")))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(KongErrorCode.UNSUPPORTED_PATH);
                    assertThat(e.getMessage()).contains("is not supported", "downgrades are not supported");
                });
    }

    @Test
    void anUnsupportedPathHasNoHopsAndIsNotDirect() {
        KongUpgradePath path = PATHS.path("3.4.2", "3.4.0");

        assertThat(path.isDirect()).isFalse();
        assertThat(path.intermediates()).isEmpty();
        assertThat(path.migrationCount()).isZero();
    }
}
