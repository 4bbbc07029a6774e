package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.spi.Check;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Partition store keys: one key per (plan, step, partition), although ids may contain ':' and '@'. */
class PartitionKeysTest {

    @Test
    void idsThatContainColonsDoNotShareAPartitionKey() {
        assertThat(PartitionClaims.partitionKey("a:b", "c", "d"))
                .isNotEqualTo(PartitionClaims.partitionKey("a", "b:c", "d"))
                .isNotEqualTo(PartitionClaims.partitionKey("a", "b", "c:d"));
        assertThat(PartitionClaims.partitionKey("a", "b:c", "d")).isNotEqualTo(PartitionClaims.partitionKey("a", "b", "c:d"));
    }

    @Test
    void idsThatContainColonsDoNotShareAListKey() {
        assertThat(PartitionClaims.listKey("a:b", "c")).isNotEqualTo(PartitionClaims.listKey("a", "b:c"));
    }

    @Test
    void everyCombinationOfTrickyIdsGetsItsOwnKeyAndEachKeyIsAValidStoreKey() {
        List<String> ids = List.of("a", "b", "a:b", "b:a", "a@c", "a@cb", "a@ab", "a:@c", "h", "a:", "a::b", "a@");
        Set<String> partitionKeys = new HashSet<>();
        Set<String> listKeys = new HashSet<>();
        int triples = 0;
        for (String plan : ids) {
            for (String step : ids) {
                listKeys.add(Check.planId(PartitionClaims.listKey(plan, step)));
                for (String partition : ids) {
                    partitionKeys.add(Check.planId(PartitionClaims.partitionKey(plan, step, partition)));
                    triples++;
                }
            }
        }
        assertThat(partitionKeys).hasSize(triples);
        assertThat(listKeys).hasSize(ids.size() * ids.size()).doesNotContainAnyElementsOf(partitionKeys);
    }

    @Test
    void idsWithoutColonOrAtSignKeepTheirReadableKey() {
        assertThat(PartitionClaims.partitionKey("plan", "copy", "slice-1")).isEqualTo("partition:plan:copy:slice-1");
        assertThat(PartitionClaims.listKey("plan", "copy")).isEqualTo("partitions:plan:copy");
    }

    @Test
    void longIdsAreHashedAndStillDistinct() {
        String longPlan = "p".repeat(190);
        String first = PartitionClaims.partitionKey(longPlan + ":x", "copy", "s");
        String second = PartitionClaims.partitionKey(longPlan, "x:copy", "s");
        assertThat(first).startsWith("partition:@h:").hasSizeLessThanOrEqualTo(200).isNotEqualTo(second);
        assertThat(Check.planId(first)).isEqualTo(first);
    }

    @Test
    void aPlanIdThatCouldShareKeysWithPartitionsIsRefused() {
        UpgradeStep step = UpgradeStep.builder("s").execute(ctx -> { }).build();
        for (String id : List.of("partition:a:b:c", "partitions:a:b")) {
            assertThatThrownBy(() -> UpgradePlan.builder(id).step(step).build())
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_PLAN))
                    .hasMessageContaining("kept for the store keys of partitioned steps");
        }
    }
}
