package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import org.junit.jupiter.api.Test;

/** Which Elasticsearch majors each Kuzzle 2 release can use (kuzzleio/kuzzle#2548, released in 2.32.0). */
class StorageEnginePairingTest {

    private static KuzzleVersion kuzzle(String version) {
        return KuzzleVersion.parse(version);
    }

    @Test
    void every_kuzzle_2_release_can_use_elasticsearch_7() {
        assertThat(StorageEnginePairing.problem(kuzzle("2.0.0"), 7, "es7")).isEmpty();
        assertThat(StorageEnginePairing.problem(kuzzle("2.31.9"), 7, "es7")).isEmpty();
        assertThat(StorageEnginePairing.problem(kuzzle("2.56.0"), 7, "es7")).isEmpty();
    }

    @Test
    void elasticsearch_8_needs_kuzzle_2_32_0_or_later() {
        assertThat(StorageEnginePairing.problem(kuzzle("2.32.0"), 8, "es8")).isEmpty();
        assertThat(StorageEnginePairing.problem(kuzzle("2.33.1"), 8, "es8")).isEmpty();
        assertThat(StorageEnginePairing.problem(kuzzle("2.31.9"), 8, "es8")).isPresent();
        assertThat(StorageEnginePairing.problem(kuzzle("2.14.0"), 8, "es8")).isPresent();
    }

    @Test
    void the_refusal_names_the_target_the_release_and_both_fixes() {
        String problem = StorageEnginePairing.problem(kuzzle("2.31.0"), 8, "http://es8:9200").orElseThrow();

        assertThat(problem).contains("http://es8:9200 is 8.x", "Kuzzle 2.31.0 (targetVersion) cannot use Elasticsearch 8",
                "nothing was written", "set targetVersion to 2.32.0 or later",
                "give a target cluster of an older major that Kuzzle 2.31.0 can use (7.x)");
    }

    @Test
    void no_kuzzle_2_release_can_use_elasticsearch_9() {
        assertThat(StorageEnginePairing.problem(kuzzle("2.56.0"), 9, "es9")).get().asString()
                .contains("no Kuzzle 2 release can use Elasticsearch 9", "7.x and 8.x");
    }

    @Test
    void the_5x_cluster_of_an_in_place_upgrade_is_not_paired() {
        assertThat(StorageEnginePairing.problem(kuzzle("2.14.0"), 5, "es5")).isEmpty();
    }

    @Test
    void only_the_opt_in_major_is_written_to_the_kuzzlerc() {
        assertThat(StorageEnginePairing.majorVersionSetting(8)).contains("8");
        assertThat(StorageEnginePairing.majorVersionSetting(7)).isEmpty();
        assertThat(StorageEnginePairing.majorVersionSetting(5)).isEmpty();
    }
}
