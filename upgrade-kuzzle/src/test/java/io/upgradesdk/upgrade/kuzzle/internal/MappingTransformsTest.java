package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MappingTransformsTest {

    @Test
    void kuzzle_info_replaced_and_meta_and_dynamic_kept() {
        ObjectNode v1 = Json.parseObject("{\"dynamic\":\"true\",\"_meta\":{\"owner\":\"ops\"},"
                + "\"properties\":{\"licence\":{\"type\":\"keyword\"},\"_kuzzle_info\":{\"properties\":{"
                + "\"active\":{\"type\":\"boolean\"},\"author\":{\"type\":\"keyword\"},\"createdAt\":{\"type\":\"date\"},"
                + "\"deletedAt\":{\"type\":\"date\"},\"updatedAt\":{\"type\":\"date\"},\"updater\":{\"type\":\"keyword\"}}}}}");
        ObjectNode v2 = MappingTransforms.mapping("nyc/YellowTaxi", v1, new ArrayList<>());
        assertThat(v2).isEqualTo(Json.parseObject("{\"dynamic\":\"true\",\"_meta\":{\"owner\":\"ops\"},"
                + "\"properties\":{\"licence\":{\"type\":\"keyword\"},\"_kuzzle_info\":{\"properties\":{"
                + "\"author\":{\"type\":\"keyword\"},\"createdAt\":{\"type\":\"date\"},"
                + "\"updatedAt\":{\"type\":\"date\"},\"updater\":{\"type\":\"keyword\"}}}}}"));
    }

    @Test
    void B2_dynamic_templates_and_analysis_settings_are_carried() {
        ObjectNode v1 = Json.parseObject("{\"dynamic_templates\":[{\"strings\":{\"match_mapping_type\":\"string\","
                + "\"mapping\":{\"type\":\"text\",\"analyzer\":\"folded\",\"include_in_all\":false}}}],"
                + "\"properties\":{\"name\":{\"type\":\"text\",\"analyzer\":\"folded\"}}}");
        List<String> findings = new ArrayList<>();
        ObjectNode v2 = MappingTransforms.mapping("idx/c", v1, findings);
        assertThat(v2.at("/dynamic_templates/0/strings/mapping")).isEqualTo(
                Json.parseObject("{\"type\":\"text\",\"analyzer\":\"folded\"}"));
        assertThat(v2.at("/properties/name/analyzer").asText()).isEqualTo("folded");

        ObjectNode settings = Json.parseObject("{\"index\":{\"number_of_shards\":\"5\",\"creation_date\":\"1\","
                + "\"uuid\":\"x\",\"version\":{\"created\":\"5061699\"},\"analysis\":{\"analyzer\":{\"folded\":"
                + "{\"type\":\"custom\",\"tokenizer\":\"standard\",\"filter\":[\"lowercase\"]}}}}}");
        assertThat(MappingTransforms.settings(settings, null, 0)).isEqualTo(Json.parseObject(
                "{\"index\":{\"analysis\":{\"analyzer\":{\"folded\":{\"type\":\"custom\",\"tokenizer\":\"standard\","
                        + "\"filter\":[\"lowercase\"]}}},\"number_of_replicas\":0}}"));
    }

    @Test
    void es5_only_parameters_are_removed_or_converted() {
        ObjectNode v1 = Json.parseObject("{\"_all\":{\"enabled\":false},\"_parent\":{\"type\":\"p\"},\"properties\":{"
                + "\"a\":{\"type\":\"string\",\"index\":\"not_analyzed\",\"include_in_all\":true},"
                + "\"b\":{\"type\":\"string\",\"norms\":{\"enabled\":false}},"
                + "\"c\":{\"type\":\"keyword\",\"index\":\"no\"},"
                + "\"d\":{\"type\":\"geo_point\",\"geohash\":true,\"lat_lon\":true},"
                + "\"e\":{\"properties\":{\"f\":{\"type\":\"text\",\"include_in_all\":false,"
                + "\"fields\":{\"raw\":{\"type\":\"keyword\",\"include_in_all\":false}}}}}}}");
        List<String> findings = new ArrayList<>();
        ObjectNode v2 = MappingTransforms.mapping("idx/c", v1, findings);
        assertThat(v2).isEqualTo(Json.parseObject("{\"properties\":{"
                + "\"a\":{\"type\":\"keyword\",\"index\":true},\"b\":{\"type\":\"text\",\"norms\":false},"
                + "\"c\":{\"type\":\"keyword\",\"index\":false},\"d\":{\"type\":\"geo_point\"},"
                + "\"e\":{\"properties\":{\"f\":{\"type\":\"text\",\"fields\":{\"raw\":{\"type\":\"keyword\"}}}}}}}"));
        assertThat(findings).anyMatch(f -> f.contains("_all")).anyMatch(f -> f.contains("_parent"))
                .anyMatch(f -> f.contains("idx/c.e.f.raw: parameter include_in_all"));
    }

    @Test
    void B9_internal_collections_are_created_with_settings_apart_from_the_mapping_on_every_release() {
        for (String version : List.of("2.10.0", "2.19.0", "2.20.0", "2.32.0")) {
            for (String c : List.of("config", "profiles", "roles", "validations")) {
                InternalCollections.Spec spec = InternalCollections.of(c, KuzzleVersion.parse(version));
                ObjectNode body = MappingTransforms.createBody(spec.settings(), spec.mappings(), false);
                assertThat(body.get("mappings").has("settings")).as(version + " " + c).isFalse();
                assertThat(body.get("mappings").has("mappings")).as(version + " " + c).isFalse();
                assertThat(body.at("/mappings/dynamic").asText()).as(version + " " + c).isEqualTo("false");
                assertThat(body.get("settings").isObject()).isTrue();
            }
        }
    }

    @Test
    void internal_mappings_follow_the_target_release_and_merge_kuzzle_info() {
        InternalCollections.Spec p210 = InternalCollections.of("profiles", KuzzleVersion.parse("2.10.0"));
        InternalCollections.Spec p215 = InternalCollections.of("profiles", KuzzleVersion.parse("2.15.0"));
        assertThat(p210.mappings().at("/properties/tags").isMissingNode()).isTrue();
        assertThat(p215.mappings().at("/properties/policies/properties/restrictedTo/type").asText()).isEqualTo("nested");
        for (String c : KuzzleNames.INTERNAL_COLLECTIONS) {
            assertThat(InternalCollections.of(c, KuzzleVersion.parse("2.20.0")).mappings()
                    .at("/properties/_kuzzle_info/properties/author/type").asText()).isEqualTo("keyword");
        }
        ObjectNode users = InternalCollections.usersMapping(Json.parseObject("{\"properties\":{\"fullName\":"
                + "{\"type\":\"text\"},\"profileIds\":{\"type\":\"keyword\"}}}"), KuzzleVersion.parse("2.10.0"),
                new ArrayList<>());
        assertThat(users.at("/properties/fullName/type").asText()).isEqualTo("text");
        assertThat(users.at("/properties/_kuzzle_info/properties/updater/type").asText()).isEqualTo("keyword");
    }

    @Test
    void typed_create_body_for_an_es5_in_place_target() {
        ObjectNode body = MappingTransforms.createBody(Json.object(), Json.parseObject("{\"properties\":{}}"), true);
        assertThat(body.at("/mappings/default/properties").isObject()).isTrue();
    }
}
