package io.upgradesdk.upgrade.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rolling sequence is one rolling plan per hop, in order, under {@code <sequence>/<version>};
 * hops the upgrade rules refuse are refused when the settings are built, naming the hop to add.
 * Nothing here contacts a cluster.
 */
class RollingSequenceSettingsTest {

    private static final ElasticsearchEndpoint CLUSTER = ElasticsearchEndpoint.builder()
            .url("http://127.0.0.1:1").url("http://127.0.0.1:2").build();

    private static RollingSequenceSettings.Builder through(String... versions) {
        return RollingSequenceSettings.builder(CLUSTER, List.of(versions));
    }

    private static void refused(RollingSequenceSettings.Builder builder, String... texts) {
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION);
            assertThat(e.getMessage()).contains(texts);
        });
    }

    @Test
    void aSequenceIsOneRollingPlanPerHopInOrderEachRestartingNodesOnItsOwnVersion() {
        List<String> hostsAskedFor = new ArrayList<>();
        List<String> restarts = new ArrayList<>();
        RollingSequenceSettings settings = through("8.19.21", "9.2.4").fromVersion("7.17.29")
                .nodeOrder(List.of("n0", "n1")).requiredHealth(HealthStatus.YELLOW).nodeTimeout(Duration.ofMinutes(3))
                .build();

        UpgradeSequence sequence = ElasticsearchUpgrade.create().rollingSequence(settings, version -> {
            hostsAskedFor.add(version);
            return node -> restarts.add(node + "@" + version);
        });

        assertThat(sequence.id()).isEqualTo("es-rolling");
        assertThat(sequence.planIds()).containsExactly("es-rolling/8.19.21", "es-rolling/9.2.4");
        assertThat(hostsAskedFor).containsExactly("8.19.21", "9.2.4");
        assertThat(restarts).as("building restarts nothing").isEmpty();
        for (UpgradePlan plan : sequence.plans()) {
            assertThat(plan.steps()).extracting(UpgradeStep::id)
                    .containsExactly("rolling-preflight", "preflight-old-indices", "rolling-upgrade",
                            "post-upgrade-checks");
        }
        assertThat(sequence.plan("es-rolling/8.19.21").steps().get(1).description()).contains("created before 7.0");
        assertThat(sequence.plan("es-rolling/9.2.4").steps().get(1).description())
                .contains("created before 8.0 unless kept read-only");
        assertThat(sequence.plan("es-rolling/9.2.4").steps().get(2).description()).contains("to 9.2.4");
        assertThat(settings.hop("9.2.4")).isEqualTo(RollingUpgradeSettings.builder(CLUSTER, "9.2.4")
                .nodeOrder(List.of("n0", "n1")).requiredHealth(HealthStatus.YELLOW)
                .nodeTimeout(Duration.ofMinutes(3)).build());
    }

    @Test
    void theSequenceIdPrefixesEveryPlanId() {
        UpgradeSequence sequence = ElasticsearchUpgrade.create().rollingSequence(
                through("8.19.21").sequenceId("search-prod").build(), version -> node -> { });
        assertThat(sequence.planIds()).containsExactly("search-prod/8.19.21");
    }

    @Test
    void skippingAMajorIsRefusedNamingTheHopToAdd() {
        refused(through("9.2.4").fromVersion("7.17.29"), "7.17.29 → 9.2.4 is refused", "skips 8.x",
                "Add a hop to the latest 8.19 release before 9.2.4");
        refused(through("8.10.0", "9.2.4"), "8.10.0 → 9.2.4 is refused",
                "Add a hop to the latest 8.19 release before 9.2.4");
    }

    @Test
    void aHopToAReleaseThatCannotReadThePreviousOneIsRefusedWithTheReleasesThatCan() {
        refused(through("8.19.21", "9.2.0"), "8.19.21 → 9.2.0 is refused", "use 9.2.4 or a later 9.x");
    }

    @Test
    void hopsMustAscendAndBeExactReleases() {
        refused(through("9.2.4", "8.19.21"), "the hops must ascend", "9.2.4 → 8.19.21");
        refused(through("8.19.21", "8.19.21"), "the hops must ascend");
        refused(through("8.19.21").fromVersion("8.19.21"), "the hops must ascend");
        refused(through("8", "9.2.4"), "exact release", "'8'");
        refused(through(), "at least one release");
        refused(through("8.19.21").fromVersion("7.17"), "fromVersion must be an exact release");
    }

    @Test
    void theSharedGatesAreValidatedLikeARollingUpgrade() {
        refused(through("8.19.21").requiredHealth(HealthStatus.RED), "requiredHealth red");
        refused(through("8.19.21").nodeTimeout(Duration.ZERO), "nodeTimeout must be positive");
        refused(through("8.19.21").nodeOrder(List.of("n0", "n0")), "distinct node names");
        refused(through("8.19.21").sequenceId("a/b"), "sequenceId");
    }

    @Test
    void indicesCreatedOn7AreWriteBlockedByAPlanBetweenThe8AndThe9Hops() {
        UpgradeSequence sequence = ElasticsearchUpgrade.create().rollingSequence(through("8.19.21", "9.2.4")
                .readOnlyBefore9(List.of("logs-2020")).build(), version -> node -> { });
        assertThat(sequence.planIds()).containsExactly("es-rolling/8.19.21", "es-rolling/mark-read-only-before-9.2.4",
                "es-rolling/9.2.4");
        refused(through("8.19.21").readOnlyBefore9(List.of("logs-2020")), "readOnlyBefore9 needs a hop to a 9.x");
        refused(through("8.19.21", "9.2.4").readOnlyBefore9(List.of(".system")), "system or hidden index");
    }

    @Test
    void withoutAFromVersionTheFirstHopIsLeftToTheRunTimeCheckOfTheNodes() {
        assertThat(through("9.2.4").build().targetVersions()).containsExactly("9.2.4");
    }
}
