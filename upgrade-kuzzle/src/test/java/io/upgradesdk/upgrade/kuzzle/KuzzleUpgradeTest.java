package io.upgradesdk.upgrade.kuzzle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import org.junit.jupiter.api.Test;

/** The entry point's shape; the plans themselves are exercised in the internal package's tests. */
class KuzzleUpgradeTest {

    private static KuzzleUpgradeSettings.Builder settings() {
        return KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9"))
                .targetVersion("2.14.0");
    }

    @Test
    void builds_the_plan_of_the_settings_without_connecting() {
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.builder().build()) {
            UpgradePlan plan = kuzzle.upgradePlan(settings().planId("kuzzle-a").build());

            assertThat(plan.id()).isEqualTo("kuzzle-a");
            assertThat(plan.stepIds()).containsExactly("kuzzle-inventory", "kuzzle-config", "kuzzle-internal-storage",
                    "kuzzle-plugin-storages", "kuzzle-public-storages", "kuzzle-cache", "kuzzle-verify");
            assertThat(plan.pointOfNoReturn()).isEmpty();
        }
    }

    @Test
    void an_in_place_destroy_policy_adds_the_finish_step_as_the_point_of_no_return() {
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            UpgradePlan plan = kuzzle.upgradePlan(settings().destroyPolicy(DestroyPolicy.INTERNAL).build());

            assertThat(plan.stepIds()).last().isEqualTo("kuzzle-destroy-v1");
            assertThat(plan.pointOfNoReturn()).isPresent();
        }
    }

    @Test
    void plans_outlive_the_instance_and_close_is_idempotent() {
        KuzzleUpgrade kuzzle = KuzzleUpgrade.create();
        UpgradePlan plan = kuzzle.upgradePlan(settings().build());
        kuzzle.close();
        kuzzle.close();
        assertThat(plan.stepIds()).hasSize(7);
        assertThat(kuzzle.upgradePlan(settings().build()).fingerprint()).isEqualTo(plan.fingerprint());
    }

    @Test
    void settings_are_required() {
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            assertThatThrownBy(() -> kuzzle.upgradePlan(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("settings");
        }
    }
}
