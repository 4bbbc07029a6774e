package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Validation of what a Kong upgrade needs, and the plans built from it; nothing here connects anywhere. */
class KongUpgradeSettingsTest {

    private final KongDatabase database = KongDatabase.builder().dataSource(new PGSimpleDataSource()).build();
    private final KongDeployment deployment = new KongDeployment() {
        @Override
        public void stopOldNodes() {
        }

        @Override
        public void startOldNodes() {
        }

        @Override
        public void startNewNodes() {
        }

        @Override
        public List<URI> newNodes() {
            return List.of();
        }

        @Override
        public void decommissionOldNodes() {
        }
    };

    private KongUpgradeSettings.Builder complete(Strategy strategy) {
        return KongUpgradeSettings.builder("kong-up").strategy(strategy).target(KongVersion.parse("3.0.0"))
                .oldNode(KongAdminClient.of(URI.create("http://127.0.0.1:1"))).database(database)
                .cli((command, args) -> new CommandOutput(0, "", "")).deployment(deployment).backup(ctx -> { });
    }

    @Test
    void anEmptyBuilderNamesEveryMissingPartInOneMessage() {
        assertThatThrownBy(() -> KongUpgradeSettings.builder("kong-up").build())
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessage("the Kong upgrade plan 'kong-up' needs strategy, target, oldNode, database, cli, deployment, "
                        + "backup, traffic; set them on the builder");
    }

    @Test
    void blueGreenNeedsATrafficSwitchAndDualClusterANewDatabaseWithItsRestore() {
        assertThatThrownBy(() -> complete(Strategy.BLUE_GREEN).build())
                .hasMessage("the Kong upgrade plan 'kong-up' needs traffic; set them on the builder");
        assertThatThrownBy(() -> complete(Strategy.DUAL_CLUSTER).traffic(TrafficShift.none()).newDatabase(database).build())
                .hasMessage("the Kong upgrade plan 'kong-up' needs newDatabase and restore (dual-cluster); "
                        + "set them on the builder");
    }

    @Test
    void inPlaceNeedsNoTrafficAndDefaultsThePathRulesAndTheReadyTimeout() {
        KongUpgradeSettings settings = complete(Strategy.IN_PLACE).secret(Secret.of("pg", "pw")).build();

        assertThat(settings.traffic()).isEmpty();
        assertThat(settings.expectedSource()).isEmpty();
        assertThat(settings.readyTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.paths()).isNotNull();
        assertThat(settings.secrets()).hasSize(1);
        assertThatThrownBy(() -> settings.secrets().add(Secret.of("x", "y"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void eachStrategyGivesItsOwnStepsAndPointOfNoReturn() {
        try (KongUpgrade kong = KongUpgrade.create()) {
            UpgradePlan inPlace = kong.upgradePlan(complete(Strategy.IN_PLACE).build());
            UpgradePlan blueGreen = kong.upgradePlan(complete(Strategy.BLUE_GREEN).traffic(TrafficShift.none()).build());
            UpgradePlan dualCluster = kong.upgradePlan(complete(Strategy.DUAL_CLUSTER).traffic(TrafficShift.none())
                    .newDatabase(database).restore(ctx -> { }).build());

            assertThat(ids(inPlace)).containsExactly("preflight", "backup", "stop-old-nodes", "migrations-up",
                    "migrations-finish", "start-new-nodes", "wait-new-nodes-ready", "post-check");
            assertThat(ids(blueGreen)).containsExactly("preflight", "backup", "migrations-up", "start-new-nodes",
                    "wait-new-nodes-ready", "shift-traffic", "migrations-finish", "decommission-old-nodes", "post-check");
            assertThat(ids(dualCluster)).containsExactly("preflight", "backup", "restore-new-database", "migrations-up",
                    "migrations-finish-new-database", "start-new-nodes", "wait-new-nodes-ready", "shift-traffic",
                    "decommission-old-nodes", "post-check");
            assertThat(inPlace.pointOfNoReturn().orElseThrow().id()).isEqualTo("migrations-finish");
            assertThat(dualCluster.pointOfNoReturn().orElseThrow().id()).isEqualTo("decommission-old-nodes");
            assertThat(inPlace.id()).isEqualTo("kong-up");
        }
    }

    @Test
    void aNegativePollIntervalIsRefusedAndClosingTwiceIsHarmless() {
        assertThatThrownBy(() -> KongUpgrade.builder().pollInterval(Duration.ofSeconds(-1)))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("pollInterval must not be negative");
        KongUpgrade kong = KongUpgrade.create();
        kong.close();
        kong.close();
    }

    private static List<String> ids(UpgradePlan plan) {
        return plan.steps().stream().map(UpgradeStep::id).toList();
    }
}
