package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kuzzle plan with the public storage copied in slices (2 slices, 2 workers) on real
 * Elasticsearch 5.6 → 7.17, its run killed in the middle of one slice (right after that slice's
 * third saved page): the rerun takes the slice over at its saved cursor, not from the start of the
 * slice, and the migrated data is exact. About a minute with both nodes shared: {@code -Plong}.
 */
@Tag("integration")
@Tag("long")
class KuzzlePartitionResumeEsTest {

    private static final int PAGE = 50;
    private static final int PAGES_BEFORE_THE_CRASH = 3;

    @TempDir
    Path work;

    private SlicedPublicCopy copy;

    @AfterEach
    void cleanUp() {
        if (copy != null) {
            copy.close();
        }
    }

    @Test
    void a_run_killed_mid_slice_resumes_that_slice_at_its_cursor_and_migrates_exactly() throws Exception {
        copy = SlicedPublicCopy.loaded(work);
        UpgradePlan plan = copy.plan(settings -> settings.pageSize(PAGE).writeConcurrency(1));
        String killed = copy.partition(0, SlicedPublicCopy.YELLOW_TAXI);
        UpgradeTestRunner t = UpgradeTestKit.runner().owner("it").build();

        t.crashAt(CrashPoint.afterPartitionCursorSave(plan.id(), KuzzlePlanFactory.PUBLIC, killed,
                PAGES_BEFORE_THE_CRASH)).up(plan);
        PartitionStatus atCrash = t.partitions(plan, KuzzlePlanFactory.PUBLIC).stream()
                .filter(p -> p.partitionId().equals(killed)).findFirst().orElseThrow();
        assertThat(atCrash.state()).isEqualTo(PartitionState.RUNNING);
        assertThat(atCrash.cursor()).contains("\"read\":" + PAGES_BEFORE_THE_CRASH * PAGE + ",");
        t.clearRecordings();
        UpgradeReport resumed = t.letLeaseExpire(plan).up(plan);

        assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(t.partitions(plan, KuzzlePlanFactory.PUBLIC)).hasSize(4)
                .allMatch(p -> p.state() == PartitionState.DONE);
        assertThat(t.events().ofType(UpgradeEvent.PartitionClaimed.class))
                .filteredOn(c -> c.partitionId().equals(killed)).singleElement()
                .satisfies(c -> assertThat(c.resumesFromCursor()).as("resumes at its cursor").isTrue());
        copy.assertMigratedExactly();
        // had the slice started over, every document it had written before the crash would be written
        // again; at a resume only the pages in flight past each partition's cursor are (concurrency 1)
        long writtenAtCrash = Json.MAPPER.readTree(atCrash.cursor()).path("written").asLong();
        long rewritten = writtenTwice(copy.target, copy.targetIndex(SlicedPublicCopy.YELLOW_TAXI))
                + writtenTwice(copy.target, copy.targetIndex(SlicedPublicCopy.GREEN_TAXI));
        System.out.printf("Kuzzle partition resume: cursor at the crash %s; %d documents written twice%n",
                atCrash.cursor(), rewritten);
        assertThat(writtenAtCrash).isPositive();
        assertThat(rewritten).as("documents written twice").isLessThan(writtenAtCrash)
                .isLessThanOrEqualTo(2L * PAGE);
    }

    private static long writtenTwice(String url, String index) {
        JsonNode hits = EsFixtures.get(url, "/" + RestEsPort.enc(index)
                + "/_search?size=10000&version=true&filter_path=hits.hits._version").path("hits").path("hits");
        long twice = 0;
        for (JsonNode hit : hits) {
            twice += hit.path("_version").asLong() > 1 ? 1 : 0;
        }
        return twice;
    }
}
