package io.upgradesdk.upgrade.kuzzle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class KuzzleUpgradeSettingsTest {

    private static final ElasticsearchEndpoint ES5 = ElasticsearchEndpoint.of("http://es5:9200");

    private static KuzzleUpgradeSettings.Builder minimal() {
        return KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ES5)
                .targetVersion("2.20.0");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(
            UnaryOperator<KuzzleUpgradeSettings.Builder> change) {
        return assertThatThrownBy(() -> change.apply(minimal()).build())
                .isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(KuzzleErrorCode.INVALID_SETTINGS));
    }

    @Test
    void defaults_are_the_safe_answers_to_the_scripts_questions() {
        KuzzleUpgradeSettings s = minimal().build();

        assertThat(s.planId()).isEqualTo("kuzzle-1-to-2");
        assertThat(s.inPlace()).isTrue();
        assertThat(s.targetElasticsearch()).isEmpty();
        assertThat(s.sourceRedis()).isEmpty();
        assertThat(s.kuzzlerc()).isEmpty();
        assertThat(s.kuzzlercOutput()).isEmpty();
        assertThat(s.selection().toString()).isEqualTo("all");
        assertThat(s.cacheMode()).isEqualTo(CacheMode.COPY);
        assertThat(s.destroyPolicy()).isEqualTo(DestroyPolicy.NOTHING);
        assertThat(s.trashcanPolicy()).isEqualTo(TrashcanPolicy.DROP);
        assertThat(s.closurePolicy()).isEqualTo(ClosurePolicy.DENY);
        assertThat(s.dropRemovedActions()).isTrue();
        assertThat(s.pageSize()).as("sized by bytes").isEqualTo(KuzzleUpgradeSettings.AUTOMATIC);
        assertThat(s.writeConcurrency()).as("from the target's nodes").isEqualTo(KuzzleUpgradeSettings.AUTOMATIC);
        assertThat(s.sampleSize()).isEqualTo(20);
        assertThat(s.v1InternalIndex()).isEqualTo("%kuzzle");
        assertThat(s.v2InternalIndexName()).isEqualTo("kuzzle");
        assertThat(s.pluginRenames()).isEmpty();
        assertThat(s.targetShards()).isEmpty();
        assertThat(s.copySourceAliases()).isFalse();
        assertThat(s.memoryStorageSourceDb()).isEmpty();
    }

    @Test
    void the_v2_configuration_goes_next_to_the_v1_file_unless_placed_elsewhere() {
        Path rc = Path.of("/etc/kuzzle/.kuzzlerc");
        assertThat(minimal().kuzzlerc(rc).build().kuzzlercOutput()).contains(Path.of("/etc/kuzzle/.kuzzlerc.v2"));
        KuzzleUpgradeSettings placed = minimal().kuzzlerc(rc).kuzzlercOutput(Path.of("/tmp/v2rc"), true).build();
        assertThat(placed.kuzzlercOutput()).contains(Path.of("/tmp/v2rc"));
        assertThat(placed.overwriteKuzzlercOutput()).isTrue();
        assertThat(minimal().kuzzlercOutput(Path.of("/tmp/v2rc"), false).build().kuzzlercOutput())
                .as("no v1 file, no configuration step").isEmpty();
    }

    @Test
    void required_settings_are_named_with_how_to_give_them() {
        assertThatThrownBy(() -> KuzzleUpgradeSettings.builder().targetVersion("2.20.0").build())
                .isInstanceOf(UpgradeException.class)
                .hasMessage("sourceElasticsearch is required: give the URL of the Kuzzle 1 cluster");
        assertThatThrownBy(() -> KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://es5:9200")).build())
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("targetVersion is required").hasMessageContaining("targetVersion(\"2.20.0\")");
    }

    @Test
    void a_null_given_for_a_setting_with_a_default_is_refused_at_build() {
        refused(b -> b.planId(null)).hasMessage("planId must not be null: leave it unset to keep its default");
        refused(b -> b.selection(null)).hasMessageContaining("selection must not be null");
        refused(b -> b.cacheMode(null)).hasMessageContaining("cacheMode must not be null");
        refused(b -> b.destroyPolicy(null)).hasMessageContaining("destroyPolicy must not be null");
        refused(b -> b.trashcanPolicy(null)).hasMessageContaining("trashcanPolicy must not be null");
        refused(b -> b.closurePolicy(null)).hasMessageContaining("closurePolicy must not be null");
        refused(b -> b.v1InternalIndex(null)).hasMessageContaining("v1InternalIndex must not be null");
        refused(b -> b.v2InternalIndexName(null)).hasMessageContaining("v2InternalIndexName must not be null");
        refused(b -> b.pluginRename("old", null)).hasMessageContaining("pluginRename needs both");
    }

    @Test
    void numbers_out_of_range_are_refused_with_the_range() {
        refused(b -> b.pageSize(-1)).hasMessage("pageSize must be between 1 and 10000 (or 0: automatic, the default), was -1");
        refused(b -> b.pageSize(10_001)).hasMessage("pageSize must be between 1 and 10000 (or 0: automatic, the default),"
                + " was 10001");
        refused(b -> b.writeConcurrency(17)).hasMessage("writeConcurrency must be between 1 and 16 (or 0: automatic, the"
                + " default), was 17");
        refused(b -> b.sampleSize(-1)).hasMessage("sampleSize must be between 0 and 1000, was -1");
        refused(b -> b.targetShape(0, null)).hasMessage("targetShape shards must be at least 1");
        refused(b -> b.targetShape(null, -1)).hasMessage("targetShape replicas must be 0 or more");
        assertThat(minimal().pageSize(10_000).sampleSize(0).targetShape(1, 0).build().targetReplicas()).contains(0);
    }

    @Test
    void contradicting_endpoints_and_names_are_refused() {
        refused(b -> b.targetElasticsearch(ElasticsearchEndpoint.of("http://es5:9200/")))
                .hasMessageContaining("targetElasticsearch is the source URL");
        refused(b -> b.targetRedis(RedisURI.create("redis://other:6379/0"))).hasMessage("targetRedis needs sourceRedis");
        refused(b -> b.sourceRedis(RedisURI.create("redis://cache:6379/0")).copyMemoryStorage(5, 5))
                .hasMessageContaining("copyMemoryStorage needs a separate targetRedis");
        refused(b -> b.v2InternalIndexName("Kuzzle")).hasMessageContaining("v2InternalIndexName must be a lower-case");
        refused(b -> b.v2InternalIndexName("a.b")).hasMessageContaining("without '.'");
        refused(b -> b.v1InternalIndex("kuzzle")).hasMessageContaining("v1InternalIndex must start with '%'");
    }

    @Test
    void the_canonical_constructor_validates_like_the_builder() {
        KuzzleUpgradeSettings valid = minimal().sourceRedis(RedisURI.create("redis://cache:6379/0"))
                .targetRedis(RedisURI.create("redis://other:6379/0")).copyMemoryStorage(5, 6).build();
        assertThat(valid.memoryStorageTargetDb()).contains(6);
        assertThatThrownBy(() -> new KuzzleUpgradeSettings(valid.planId(), valid.sourceElasticsearch(),
                valid.targetElasticsearch(), valid.sourceRedis(), valid.targetRedis(), valid.redisClientOptions(),
                valid.kuzzlerc(), valid.kuzzlercOutput(), false, valid.targetVersion(), valid.selection(),
                valid.cacheMode(), valid.pageSize(), valid.writeConcurrency(), valid.slices(), valid.workers(),
                valid.destroyPolicy(),
                valid.trashcanPolicy(), valid.closurePolicy(), true, valid.v1InternalIndex(),
                valid.v2InternalIndexName(), Map.of(), valid.targetShards(), valid.targetReplicas(), valid.reportFile(),
                valid.sampleSize(), false, Optional.of(5), Optional.empty()))
                .isInstanceOf(UpgradeException.class)
                .hasMessage("copyMemoryStorage needs both the source and the target database");
        assertThatThrownBy(() -> new KuzzleUpgradeSettings(valid.planId(), valid.sourceElasticsearch(),
                null, valid.sourceRedis(), valid.targetRedis(), valid.redisClientOptions(),
                valid.kuzzlerc(), valid.kuzzlercOutput(), false, valid.targetVersion(), valid.selection(),
                valid.cacheMode(), valid.pageSize(), valid.writeConcurrency(), valid.slices(), valid.workers(),
                valid.destroyPolicy(),
                valid.trashcanPolicy(), valid.closurePolicy(), true, valid.v1InternalIndex(),
                valid.v2InternalIndexName(), Map.of(), valid.targetShards(), valid.targetReplicas(), valid.reportFile(),
                valid.sampleSize(), false, Optional.empty(), Optional.empty()))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("Optional.empty()");
    }

    @Test
    void settings_built_alike_are_equal() {
        assertThat(minimal().selection(DataSelection.indices("nyc")).pluginRename("a", "b").build())
                .isEqualTo(minimal().selection(DataSelection.indices("nyc")).pluginRename("a", "b").build())
                .isNotEqualTo(minimal().build());
    }

    @Test
    void plugin_renames_are_kept_and_immutable() {
        KuzzleUpgradeSettings s = minimal().pluginRename("Old_Plugin", "new-plugin").build();
        assertThat(s.pluginRenames()).containsExactly(Map.entry("Old_Plugin", "new-plugin"));
        assertThatThrownBy(() -> s.pluginRenames().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void to_string_names_endpoints_but_never_credentials() {
        KuzzleUpgradeSettings s = minimal()
                .sourceElasticsearch(ElasticsearchEndpoint.builder().url("http://es5:9200")
                        .basicAuth("elastic", Secret.of("es.password", "es-pa55")).build())
                .targetElasticsearch(ElasticsearchEndpoint.of("http://es7:9200"))
                .sourceRedis(RedisURI.create("redis://:redis-pa55@cache:6379/0"))
                .build();
        assertThat(s.toString()).contains("es5", "es7", "2.20.0").doesNotContain("es-pa55", "redis-pa55");
    }
}
