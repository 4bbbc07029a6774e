package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import org.junit.jupiter.api.Test;

/** A v1 {@code .kuzzlerc} whose known keys hold values of the wrong type is refused, naming the key, never the value. */
class KuzzlercValueTypesTest {

    private static void assertRefused(String text, String... expected) {
        assertThatThrownBy(() -> KuzzlercConverter.convert(".kuzzlerc", text))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(KuzzleErrorCode.CONFIG_MALFORMED))
                .hasMessageContaining(".kuzzlerc: ")
                .hasMessageContaining("fix the file")
                .satisfies(e -> assertThat(e.getMessage()).contains(expected));
    }

    @Test
    void servicesHoldingAStringIsRefusedWithItsPath() {
        assertRefused("{\"services\": \"a string\"}", "services must be an object", "but it is a string");
        assertThatThrownBy(() -> KuzzlercConverter.convert(".kuzzlerc", "{\"services\": \"a string\"}"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("a string\""));
    }

    @Test
    void aNestedSectionOfTheWrongTypeIsNamedByItsFullPath() {
        assertRefused("{\"services\": {\"db\": {\"client\": 42}}}", "services.db.client must be an object",
                "but it is a number");
        assertRefused("{\"security\": {\"jwt\": []}}", "security.jwt must be an object", "but it is an array");
    }

    @Test
    void aSecretOfTheWrongTypeIsNamedWithoutItsValue() {
        assertRefused("{\"security\": {\"jwt\": {\"secret\": 123456789}}}", "security.jwt.secret must be a string");
        assertThatThrownBy(() -> KuzzlercConverter.convert(".kuzzlerc",
                "{\"security\": {\"jwt\": {\"secret\": 123456789}}}"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("123456789"));
    }

    @Test
    void legacyHostsAndDynamicOfTheWrongTypeAreRefused() {
        assertRefused("{\"services\": {\"db\": {\"client\": {\"hosts\": \"http://es:9200\"}}}}",
                "services.db.client.hosts must be an array");
        assertRefused("{\"services\": {\"db\": {\"client\": {\"host\": 9200}}}}",
                "services.db.client.host must be a string or an object");
        assertRefused("{\"services\": {\"storageEngine\": {\"commonMapping\": {\"dynamic\": 1}}}}",
                "services.storageEngine.commonMapping.dynamic must be");
    }

    @Test
    void wellTypedValuesStillConvert() {
        KuzzlercConverter.Result r = KuzzlercConverter.convert(".kuzzlerc", "{\"services\": {\"db\": {\"client\":"
                + " {\"host\": {\"host\": \"es\", \"port\": 9200}}, \"dynamic\": true}}, \"security\": {\"jwt\":"
                + " {\"secret\": \"s\"}}}");
        assertThat(r.changes()).contains("renamed services.db -> services.storageEngine");
    }
}
