package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A run killed just after sending its snapshot or restore request can be resumed before
 * Elasticsearch has registered that request; the resumed run's own request is then refused as
 * "already exists". These are the real 7.17 and 8.19 refusals: a resumed run waits on the earlier
 * operation, a first run fails with the reason.
 */
@Tag("integration")
class ResumeRaceTest {

    @Test
    void aResumedRunTreatsAlreadyExistsAsTheCrashedRunsOperation() {
        ElasticsearchServer es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        ElasticsearchServer es8 = ElasticsearchServer.get(ElasticsearchServer.V8);
        String p = es7.newIndexPrefix("race");
        es7.request("PUT", "/" + p + "docs", "{\"settings\":{\"number_of_replicas\":0}}").ok();
        String location = ElasticsearchServer.newRepoDir("race").toString();
        String repo = "/_snapshot/" + p + "repo";
        es7.request("PUT", repo, "{\"type\":\"fs\",\"settings\":{\"location\":\"" + location + "\"}}").ok();
        es8.request("PUT", repo, "{\"type\":\"fs\",\"settings\":{\"location\":\"" + location + "\",\"readonly\":true}}").ok();
        try (EsClient c7 = EsClient.connect(ElasticsearchEndpoint.of(es7.url()));
                EsClient c8 = EsClient.connect(ElasticsearchEndpoint.of(es8.url()))) {
            ObjectNode snapshot = EsClient.json().createObjectNode().put("indices", p + "*");
            String create = repo + "/snap?wait_for_completion=true";
            assertThat(SnapshotRestoreSteps.sendBlocking(c7, "PUT", create, snapshot, false).path("snapshot")
                    .path("state").asText()).isEqualTo("SUCCESS");
            assertThat(SnapshotRestoreSteps.sendBlocking(c7, "PUT", create, snapshot, true)).isNull();
            assertThatThrownBy(() -> SnapshotRestoreSteps.sendBlocking(c7, "PUT", create, snapshot, false))
                    .isInstanceOf(UpgradeException.class).hasMessageContaining("already exists");

            ObjectNode restore = EsClient.json().createObjectNode().put("indices", p + "*");
            String restorePath = repo + "/snap/_restore?wait_for_completion=true";
            assertThat(SnapshotRestoreSteps.sendBlocking(c8, "POST", restorePath, restore, false).path("snapshot")
                    .path("shards").path("failed").asInt()).isZero();
            assertThat(SnapshotRestoreSteps.sendBlocking(c8, "POST", restorePath, restore, true)).isNull();
            assertThatThrownBy(() -> SnapshotRestoreSteps.sendBlocking(c8, "POST", restorePath, restore, false))
                    .isInstanceOf(UpgradeException.class).hasMessageContaining("already exists");
        }
    }
}
