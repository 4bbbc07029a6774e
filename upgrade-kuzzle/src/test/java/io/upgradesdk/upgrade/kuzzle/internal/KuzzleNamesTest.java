package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.kuzzle.internal.KuzzleNames.IndexKind;
import org.junit.jupiter.api.Test;

class KuzzleNamesTest {

    @Test
    void classifies_source_indices() {
        assertThat(KuzzleNames.classify("%kuzzle", "%kuzzle", "kuzzle")).isEqualTo(IndexKind.INTERNAL);
        assertThat(KuzzleNames.classify("%plugin:auth", "%kuzzle", "kuzzle")).isEqualTo(IndexKind.PLUGIN);
        assertThat(KuzzleNames.classify("%other", "%kuzzle", "kuzzle")).isEqualTo(IndexKind.OTHER_PRIVATE);
        assertThat(KuzzleNames.classify(".kibana", "%kuzzle", "kuzzle")).isEqualTo(IndexKind.SYSTEM);
        assertThat(KuzzleNames.classify("&a.b", "%kuzzle", "kuzzle")).isEqualTo(IndexKind.V2);
        assertThat(KuzzleNames.classify("nyc", "%kuzzle", "kuzzle")).isEqualTo(IndexKind.PUBLIC);
    }

    @Test
    void plugin_name_stops_at_a_second_colon() {
        assertThat(KuzzleNames.pluginName("%plugin:auth:extra")).isEqualTo("auth");
        assertThat(KuzzleNames.pluginTarget("Auth", "Users")).isEqualTo("%plugin-auth.users");
    }

    @Test
    void v2_name_rules() {
        assertThat(KuzzleNames.v2NameProblem("yellow-taxi")).isEmpty();
        assertThat(KuzzleNames.v2NameProblem("")).isPresent();
        assertThat(KuzzleNames.v2NameProblem("Yellow")).get().asString().contains("upper-case");
        assertThat(KuzzleNames.v2NameProblem("_all")).isPresent();
        assertThat(KuzzleNames.v2NameProblem("a b")).get().asString().contains("space");
        assertThat(KuzzleNames.v2NameProblem("x".repeat(127))).get().asString().contains("126 bytes");
        assertThat(KuzzleNames.v2NameProblem("é".repeat(63))).isEmpty();
        assertThat(KuzzleNames.v2NameProblem("é".repeat(64))).isPresent();
    }
}
