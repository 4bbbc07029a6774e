package io.upgradesdk.upgrade.kuzzle.internal;

import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/** Names of one integration scenario on shared clusters: every index carries the scenario id. */
record ItScenario(String id) {

    static ItScenario fresh() {
        return new ItScenario(UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT));
    }

    String internal() {
        return "%kzl" + id;
    }

    String v2Internal() {
        return "kzl" + id;
    }

    String plugin() {
        return "auth-" + id;
    }

    String nyc() {
        return "nyc-" + id;
    }

    V1Dataset dataset(int publicDocs, int largeDocs) {
        return V1Dataset.standard(internal(), plugin(), nyc(), publicDocs, largeDocs);
    }

    KuzzleUpgradeSettings.Builder settings(String sourceUrl, String targetUrl, Path work) {
        KuzzleUpgradeSettings.Builder b = KuzzleUpgradeSettings.builder()
                .planId("kuzzle-" + id)
                .sourceElasticsearch(ElasticsearchEndpoint.of(sourceUrl))
                .v1InternalIndex(internal()).v2InternalIndexName(v2Internal())
                .selection(DataSelection.indices(nyc()))
                .targetVersion("2.14.0").targetShape(1, 0)
                .reportFile(work.resolve("report-" + id + ".json"));
        if (targetUrl != null) {
            b.targetElasticsearch(ElasticsearchEndpoint.of(targetUrl));
        }
        return b;
    }

    static RedisURI redis(String uri) {
        return RedisURI.create(uri);
    }
}
