package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import org.junit.jupiter.api.Test;

/**
 * A bulk-loaded target (a public collection) is created with the settings that make loading it
 * cheap, and gets its final ones back in one settings update once every copy is done.
 */
class BulkLoadSettingsTest {

    private static final String PUBLIC_TARGET = "&nyc-open-data.yellowtaxi";

    private final UpgradeTestRunner runner = UpgradeTestKit.runner().owner("test").build();

    private static FakeEs run(UpgradeTestRunner runner, KuzzleUpgradeSettings settings) {
        FakeEs src = V1Dataset.standard(30, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);
        UpgradeReport report = runner.up(KuzzlePlanFactory.build(settings, new FakeConnectors(src, dst)));
        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        return dst;
    }

    private static KuzzleUpgradeSettings.Builder settings() {
        return KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9500"))
                .targetElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9700"))
                .targetVersion("2.14.0");
    }

    private static JsonNode createdWith(FakeEs dst, String index) {
        return dst.indices.get(index).createBody.path("settings");
    }

    @Test
    void replicas_asked_for_are_added_after_the_bulk_load_together_with_periodic_refresh() {
        FakeEs dst = run(runner, settings().targetShape(1, 2).build());

        assertThat(createdWith(dst, PUBLIC_TARGET).path("index").path("number_of_replicas").asInt(-1))
                .as("loaded without replicas").isZero();
        assertThat(createdWith(dst, PUBLIC_TARGET).path("index").path("refresh_interval").asText()).isEqualTo("-1");
        assertThat(createdWith(dst, PUBLIC_TARGET).has("number_of_replicas")).isFalse();
        assertThat(dst.indices.get(PUBLIC_TARGET).settingsUpdates).as("one update ends the bulk load")
                .singleElement().satisfies(update -> {
                    assertThat(update.path("index").path("number_of_replicas").asInt()).isEqualTo(2);
                    assertThat(update.path("index").has("refresh_interval")).isTrue();
                    assertThat(update.path("index").path("refresh_interval").isNull()).isTrue();
                });
    }

    @Test
    void small_targets_are_created_with_their_final_replicas_and_never_updated() {
        FakeEs dst = run(runner, settings().targetShape(1, 2).build());

        assertThat(createdWith(dst, "%kuzzle.roles").path("number_of_replicas").asInt()).isEqualTo(2);
        assertThat(dst.indices.get("%kuzzle.roles").settingsUpdates).isEmpty();
    }

    @Test
    void replicas_left_to_the_cluster_are_never_set() {
        FakeEs dst = run(runner, settings().build());

        assertThat(createdWith(dst, PUBLIC_TARGET).path("index").has("number_of_replicas")).isFalse();
        assertThat(dst.indices.get(PUBLIC_TARGET).settingsUpdates).singleElement()
                .satisfies(update -> assertThat(update.path("index").has("number_of_replicas")).isFalse());
    }

    @Test
    void no_replicas_asked_stays_zero_replicas_without_an_update_of_them() {
        FakeEs dst = run(runner, settings().targetShape(1, 0).build());

        assertThat(dst.indices.get(PUBLIC_TARGET).settingsUpdates).singleElement()
                .satisfies(update -> assertThat(update.path("index").has("number_of_replicas")).isFalse());
    }
}
