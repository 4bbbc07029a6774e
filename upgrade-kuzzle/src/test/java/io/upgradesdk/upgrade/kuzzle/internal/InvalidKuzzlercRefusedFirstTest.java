package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.Preview;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An invalid v1 {@code .kuzzlerc} stops the plan in its first step, and its dry run, before anything is copied. */
class InvalidKuzzlercRefusedFirstTest {

    @TempDir
    Path dir;

    private final UpgradeTestRunner runner = UpgradeTestKit.runner().owner("test").build();

    private UpgradePlan plan(String kuzzlerc, FakeEs source, FakeEs target) throws Exception {
        Path rc = dir.resolve(".kuzzlerc");
        Files.writeString(rc, kuzzlerc);
        KuzzleUpgradeSettings settings = KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9500"))
                .targetElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9700"))
                .kuzzlerc(rc).targetVersion("2.14.0").reportFile(dir.resolve("report.json")).build();
        return KuzzlePlanFactory.build(settings, new Connectors() {
            @Override
            public EsPort source() {
                return source;
            }

            @Override
            public EsPort target() {
                return target;
            }

            @Override
            public TokenCache cache() {
                return null;
            }
        });
    }

    @Test
    void theDryRunOfAPlanWithAWronglyTypedKuzzlercReportsThePathOfTheBadValue() throws Exception {
        FakeEs src = V1Dataset.standard(5, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);

        Preview preview = runner.preview(plan("{\"services\": \"a string\"}", src, dst));

        assertThat(preview.warnings()).anySatisfy(w -> assertThat(w).contains("inventory",
                "services must be an object"));
        assertThat(dst.writes).isEmpty();
    }

    @Test
    void theRunStopsInItsFirstStepOnAKuzzlercThatIsNotJson() throws Exception {
        FakeEs src = V1Dataset.standard(5, 0).loadInto(new FakeEs("es5", 5));
        FakeEs dst = new FakeEs("es7", 7);

        UpgradeReport report = runner.up(plan("{\"services\": {", src, dst));

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.FAILED);
        assertThat(report.steps().get(0).stepId()).isEqualTo(KuzzlePlanFactory.INVENTORY);
        assertThat(report.steps().get(0).error()).contains("is not valid JSON at line");
        assertThat(dst.writes).isEmpty();
        assertThat(dir.resolve(".kuzzlerc.v2")).doesNotExist();
    }
}
