package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the integration tests of the public storage copied in slices share, on real Elasticsearch
 * 5.6 → 7.17: a fresh scenario whose public index ({@value #DOCS} documents per collection, four
 * shards) is loaded on the source, its Kuzzle plan copying that storage in two slices with two
 * workers, the ids of the four partitions, the check that the data arrived exactly, and the
 * clean-up of both clusters ({@link #close()}, from the test's {@code @AfterEach}).
 */
final class SlicedPublicCopy implements AutoCloseable {

    /** Documents of the green-taxi collection; the yellow-taxi one holds a tenth fewer. */
    static final int DOCS = 1_000;
    static final String YELLOW_TAXI = "yellowtaxi";
    static final String GREEN_TAXI = "green-taxi";
    private static final int SLICES = 2;

    final String source = ElasticsearchServer.get(ElasticsearchServer.V5).url();
    final String target = ElasticsearchServer.get(ElasticsearchServer.V7).url();
    final ItScenario scenario = ItScenario.fresh();
    private final Path work;
    private final KuzzleUpgrade kuzzle = KuzzleUpgrade.create();

    private SlicedPublicCopy(Path work) {
        this.work = work;
    }

    /** A fresh scenario with its v1 data on the source cluster, its reports under {@code work}. */
    static SlicedPublicCopy loaded(Path work) {
        SlicedPublicCopy copy = new SlicedPublicCopy(work);
        try {
            EsFixtures.load(copy.source, copy.scenario.dataset(DOCS, 0).withShards(copy.scenario.nyc(), 4));
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
        return copy;
    }

    /** The plan copying the public storage in two slices with two workers. */
    UpgradePlan plan() {
        return plan(UnaryOperator.identity());
    }

    /** As {@link #plan()}, with the test's own settings on top (page size, write concurrency, ...). */
    UpgradePlan plan(UnaryOperator<KuzzleUpgradeSettings.Builder> tuning) {
        return kuzzle.upgradePlan(tuning.apply(scenario.settings(source, target, work).slices(SLICES).workers(2))
                .build());
    }

    /** The id of slice {@code slice} of {@code collection}'s copy. */
    String partition(int slice, String collection) {
        return slice + "of" + SLICES + ":@26" + scenario.nyc() + "." + collection;
    }

    /** The four partitions of the public copy, in the order the plan lists them. */
    List<String> partitionIds() {
        return List.of(partition(0, YELLOW_TAXI), partition(1, YELLOW_TAXI), partition(0, GREEN_TAXI),
                partition(1, GREEN_TAXI));
    }

    /** The Kuzzle 2 index of a public collection on the target. */
    String targetIndex(String collection) {
        return "&" + scenario.nyc() + "." + collection;
    }

    /** Everything migrated, and each public collection on the target holds exactly its source's documents. */
    void assertMigratedExactly() {
        KuzzleUpgradeEsTest.assertMigrated(source, target, scenario);
        assertThat(EsFixtures.count(target, targetIndex(GREEN_TAXI))).isEqualTo(DOCS);
        assertThat(EsFixtures.count(target, targetIndex(YELLOW_TAXI))).isEqualTo(DOCS - DOCS / 10);
    }

    /** The verify step's JSON report. */
    JsonNode verifyReport() throws IOException {
        return Json.MAPPER.readTree(work.resolve("report-" + scenario.id() + ".json").toFile());
    }

    /** Deletes the scenario's indices on both clusters and closes the upgrade's connections. */
    @Override
    public void close() {
        try {
            EsFixtures.deleteAll(source, scenario.id());
            EsFixtures.deleteAll(target, scenario.id());
        } finally {
            kuzzle.close();
        }
    }
}
