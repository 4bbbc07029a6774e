package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Elasticsearch version order, the settings checks every settings record shares, and pre-flight decisions. */
class VersionAndSettingsRulesTest {

    @Test
    void versionsOrderByMajorThenMinorThenPatch() {
        EsVersion v = EsVersion.parse(" 7.17.29 ");

        assertThat(v).hasToString("7.17.29");
        assertThat(v.compareTo(EsVersion.parse("8.0.0"))).isNegative();
        assertThat(EsVersion.parse("8.0.0").compareTo(v)).isPositive();
        assertThat(v.compareTo(EsVersion.parse("7.18.0"))).isNegative();
        assertThat(v.compareTo(EsVersion.parse("7.16.99"))).isPositive();
        assertThat(v.compareTo(EsVersion.parse("7.17.30"))).isNegative();
        assertThat(v.compareTo(EsVersion.parse("7.17.28"))).isPositive();
        assertThat(v.compareTo(EsVersion.parse("7.17.29"))).isZero();
        assertThat(v.atLeast(EsVersion.parse("7.17.29"))).isTrue();
        assertThat(v.atLeast(EsVersion.parse("7.17.30"))).isFalse();
    }

    @Test
    void aMissingOrShortVersionIsRefusedNamingIt() {
        assertThatThrownBy(() -> EsVersion.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'null'");
        assertThatThrownBy(() -> EsVersion.parse("8.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'8.1'");
    }

    @Test
    void namesAreLowerCaseLettersDigitsDotsUnderscoresOrDashes() {
        assertThat(SettingsChecks.name("logs-2026.11_a", "index")).isEqualTo("logs-2026.11_a");
        assertInvalid(() -> SettingsChecks.name("Logs", "index"), "index name 'Logs'");
        assertInvalid(() -> SettingsChecks.name("-logs", "alias"), "alias name '-logs'");
        assertInvalid(() -> SettingsChecks.name(null, "repository"), "repository name 'null'");
    }

    @Test
    void versionsHaveOneToThreeNumbers() {
        assertThat(SettingsChecks.version("8", "target", "8.19")).isEqualTo("8");
        assertThat(SettingsChecks.version("8.19.2", "target", "8.19")).isEqualTo("8.19.2");
        assertInvalid(() -> SettingsChecks.version("8.19.2.1", "target", "8.19"), "target must look like 8.19");
        assertInvalid(() -> SettingsChecks.version(null, "target", "8.19"), "was 'null'");
    }

    @Test
    void durationsMustBePositive() {
        assertThat(SettingsChecks.positive(Duration.ofMillis(1), "timeout")).isEqualTo(Duration.ofMillis(1));
        assertInvalid(() -> SettingsChecks.positive(Duration.ZERO, "timeout"), "timeout must be positive");
        assertInvalid(() -> SettingsChecks.positive(Duration.ofSeconds(-1), "timeout"), "was PT-1S");
        assertInvalid(() -> SettingsChecks.positive(null, "timeout"), "was null");
    }

    @Test
    void requireFailsOnlyWhenTheConditionIsFalse() {
        SettingsChecks.require(true, "never shown");
        assertInvalid(() -> SettingsChecks.require(false, "shown"), "shown");
        assertThat(SettingsChecks.invalid("why").code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION);
    }

    @Test
    void deprecationEntriesWithoutALevelAreIgnoredAndNestedOnesNameTheirIndex() throws Exception {
        JsonNode answer = EsClient.json().readTree("{\"index_settings\":{\"logs\":[{\"message\":\"no level\"},"
                + "{\"level\":\"critical\",\"message\":\"old\"}]},\"x\":\"text\"}");
        List<String> critical = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        Preflight.collect(answer, "", critical, warnings);

        assertThat(critical).containsExactly("logs: old");
        assertThat(warnings).isEmpty();
    }

    @Test
    void indicesCreatedOnThePreviousMajorAreNotOldAndThoseWithoutAVersionAreSkipped() throws Exception {
        JsonNode settings = EsClient.json().readTree("{\"z\":{\"settings\":{\"index.version.created\":\"5061699\"}},"
                + "\"prev\":{\"settings\":{\"index.version.created\":\"7000099\"}},"
                + "\"none\":{\"settings\":{}},"
                + "\"a\":{\"settings\":{\"index.version.created\":\"6082399\"}}}");

        assertThat(Preflight.oldIndices(settings, 8)).containsExactly("a (created on 6.x)", "z (created on 5.x)");
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.INVALID_CONFIGURATION);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
