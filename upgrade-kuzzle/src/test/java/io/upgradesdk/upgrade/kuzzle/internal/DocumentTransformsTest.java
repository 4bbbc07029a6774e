package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.kuzzle.ClosurePolicy;
import io.upgradesdk.upgrade.kuzzle.TrashcanPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentTransformsTest {

    private static final String ROLE = "{\"controllers\":{"
            + "\"document\":{\"actions\":{\"get\":true,\"search\":true,"
            + "\"update\":{\"test\":\"return $request.input.resource._id === $currentUserId;\",\"args\":{}}}},"
            + "\"index\":{\"actions\":{\"refresh\":true,\"getAutoRefresh\":true,\"create\":false}},"
            + "\"server\":{\"actions\":{\"info\":true}}}}";

    @Test
    void public_document_loses_active_and_deletedAt() {
        ObjectNode doc = Json.parseObject("{\"licence\":\"1234\",\"_kuzzle_info\":{\"author\":\"alice-kuid\","
                + "\"createdAt\":1569920000000,\"updatedAt\":1569930000000,\"updater\":\"bob-kuid\",\"active\":true,"
                + "\"deletedAt\":null}}");
        assertThat(DocumentTransforms.data(doc, TrashcanPolicy.DROP)).isEqualTo(Json.parseObject(
                "{\"licence\":\"1234\",\"_kuzzle_info\":{\"author\":\"alice-kuid\",\"createdAt\":1569920000000,"
                        + "\"updatedAt\":1569930000000,\"updater\":\"bob-kuid\"}}"));
    }

    @Test
    void users_and_credentials_are_copied_unchanged() {
        String user = "{\"profileIds\":[\"editor\"],\"fullName\":\"Alice\",\"_kuzzle_info\":{\"author\":\"-1\","
                + "\"createdAt\":1569920000000,\"updatedAt\":null,\"updater\":null}}";
        assertThat(DocumentTransforms.data(Json.parseObject(user), TrashcanPolicy.DROP)).isEqualTo(Json.parseObject(user));
        String cred = "{\"kuid\":\"alice-kuid\",\"userPassword\":\"9b1e\",\"userSalt\":\"c0ffee\",\"algorithm\":\"sha512\","
                + "\"stretching\":true,\"pepper\":false,\"encryption\":\"hmac\"}";
        assertThat(DocumentTransforms.data(Json.parseObject(cred), TrashcanPolicy.DROP)).isEqualTo(Json.parseObject(cred));
    }

    @Test
    void B3_trashcan_documents_are_dropped_by_default() {
        ObjectNode trashed = Json.parseObject("{\"a\":1,\"_kuzzle_info\":{\"active\":false,\"deletedAt\":1569920000000}}");
        assertThat(DocumentTransforms.data(trashed.deepCopy(), TrashcanPolicy.DROP)).isNull();
        assertThat(DocumentTransforms.data(trashed.deepCopy(), TrashcanPolicy.KEEP_AS_LIVE))
                .isEqualTo(Json.parseObject("{\"a\":1,\"_kuzzle_info\":{}}"));
        assertThat(DocumentTransforms.isTrashed(Json.parseObject("{\"a\":1}"))).isFalse();
    }

    /**
     * {@code data} looks up the metadata once per document; its output must stay byte for byte what
     * the composition of the documented steps ({@code isTrashed}, then {@code stripKuzzleInfo}) gives.
     */
    @Test
    void data_gives_the_same_bytes_as_trash_check_then_strip_on_varied_documents() {
        List<String> documents = List.of(
                "{\"a\":1}",
                "{}",
                "{\"_kuzzle_info\":null,\"a\":1}",
                "{\"_kuzzle_info\":[{\"active\":false}],\"a\":1}",
                "{\"_kuzzle_info\":\"active\"}",
                "{\"_kuzzle_info\":{}}",
                "{\"_kuzzle_info\":{\"active\":true,\"deletedAt\":null},\"z\":[1,2,{\"active\":false}]}",
                "{\"_kuzzle_info\":{\"active\":false,\"deletedAt\":1569920000000,\"author\":\"bob\"},\"b\":\"\u00e9\"}",
                "{\"_kuzzle_info\":{\"active\":\"false\",\"deletedAt\":1},\"b\":2}",
                "{\"_kuzzle_info\":{\"active\":0},\"b\":2}",
                "{\"_kuzzle_info\":{\"active\":null,\"updater\":null}}",
                "{\"_kuzzle_info\":{\"deletedAt\":5,\"author\":\"a\",\"createdAt\":1},\"n\":{\"_kuzzle_info\":{\"active\":false}}}",
                "{\"x\":1.50,\"_kuzzle_info\":{\"author\":\"-1\",\"active\":true,\"createdAt\":1,\"updatedAt\":null},\"y\":true}");
        for (TrashcanPolicy policy : TrashcanPolicy.values()) {
            for (String text : documents) {
                ObjectNode reference = Json.parseObject(text);
                ObjectNode expected = policy == TrashcanPolicy.DROP && DocumentTransforms.isTrashed(reference) ? null
                        : DocumentTransforms.stripKuzzleInfo(reference);
                ObjectNode source = Json.parseObject(text);
                ObjectNode actual = DocumentTransforms.data(source, policy);
                if (expected == null) {
                    assertThat(actual).as("%s with %s", text, policy).isNull();
                } else {
                    assertThat(actual).as("%s with %s", text, policy).isSameAs(source);
                    assertThat(Json.write(actual)).as("%s with %s", text, policy).isEqualTo(Json.write(expected));
                }
            }
        }
    }

    @Test
    void profiles_lower_case_restricted_collections_only() {
        ObjectNode v1 = Json.parseObject("{\"policies\":[{\"roleId\":\"editor\",\"restrictedTo\":["
                + "{\"index\":\"nyc-open-data\",\"collections\":[\"YellowTaxi\",\"green-taxi\"]},{\"index\":\"Archive\"}]},"
                + "{\"roleId\":\"Default\"}]}");
        assertThat(DocumentTransforms.profile(v1)).isEqualTo(Json.parseObject(
                "{\"policies\":[{\"roleId\":\"editor\",\"restrictedTo\":["
                        + "{\"index\":\"nyc-open-data\",\"collections\":[\"yellowtaxi\",\"green-taxi\"]},{\"index\":\"Archive\"}]},"
                        + "{\"roleId\":\"Default\"}]}"));
    }

    @Test
    void role_closures_become_false_and_removed_actions_are_dropped_and_reported() {
        List<String> findings = new ArrayList<>();
        ObjectNode out = DocumentTransforms.role("editor", Json.parseObject(ROLE), ClosurePolicy.DENY, true, findings);
        assertThat(out).isEqualTo(Json.parseObject("{\"controllers\":{"
                + "\"document\":{\"actions\":{\"get\":true,\"search\":true,\"update\":false}},"
                + "\"index\":{\"actions\":{\"create\":false}},\"server\":{\"actions\":{\"info\":true}}}}"));
        assertThat(findings).containsExactlyInAnyOrder(
                "role editor: document:update was a permission closure: now false",
                "role editor: index:refresh no longer exists in Kuzzle 2: removed",
                "role editor: index:getAutoRefresh no longer exists in Kuzzle 2: removed");
    }

    @Test
    void role_closure_policies_allow_and_keep() {
        List<String> findings = new ArrayList<>();
        ObjectNode allowed = DocumentTransforms.role("r", Json.parseObject(ROLE), ClosurePolicy.ALLOW, false, findings);
        assertThat(allowed.at("/controllers/document/actions/update").booleanValue()).isTrue();
        assertThat(allowed.at("/controllers/index/actions/refresh").booleanValue()).isTrue();
        ObjectNode kept = DocumentTransforms.role("r", Json.parseObject(ROLE), ClosurePolicy.KEEP, false, findings);
        assertThat(kept).isEqualTo(Json.parseObject(ROLE));
        assertThat(findings).anyMatch(f -> f.contains("kept verbatim")).anyMatch(f -> f.contains("dead entry"));
    }

    @Test
    void B7_validation_specs_follow_their_lower_cased_collection() {
        ObjectNode v = Json.parseObject("{\"index\":\"nyc\",\"collection\":\"YellowTaxi\",\"validation\":{\"strict\":true}}");
        assertThat(DocumentTransforms.validationId("nyc#YellowTaxi", v)).isEqualTo("nyc#yellowtaxi");
        assertThat(v.get("collection").asText()).isEqualTo("yellowtaxi");
        assertThat(v.at("/validation/strict").booleanValue()).isTrue();
    }
}
