package io.upgradesdk.consumercheck;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The SDK as a host sees it, resolved through upgrade-bom from what a deploy publishes. */
class ConsumerCheckTest {

    private final List<Integer> target = new ArrayList<>();
    private final List<String> finished = new ArrayList<>();
    private final UpgradePlan plan = ConsumerCheck.ordersPlan(target, finished);

    @Test
    void aPlanRunsUpThenFinishOnTheInMemoryStore() {
        List<UpgradeReport> reports = ConsumerCheck.upThenFinish(ConsumerCheck.inMemoryRunner(), plan);

        assertThat(reports).allSatisfy(report -> assertThat(report).succeeded());
        assertThat(target).containsExactlyElementsOf(IntStream.rangeClosed(1, ConsumerCheck.ROWS).boxed().toList());
        assertThat(finished).containsExactly("drop-v1");
    }

    @Test
    void theTestkitResumesTheCopyAfterACrashWithoutCopyingARowTwice() {
        UpgradeTestRunner t = UpgradeTestKit.runner().confirming().build();

        t.crashAt(CrashPoint.afterCursorSave("copy-orders", 2)).up(plan);
        assertThat(target).hasSize(2 * ConsumerCheck.PAGE);
        assertThat(t.letLeaseExpire(plan).up(plan)).succeeded();

        assertThat(target).doesNotHaveDuplicates().hasSize(ConsumerCheck.ROWS);
        assertThat(t.cursorsSaved("copy-orders")).hasSize(3);
    }

    @Test
    void everyPublishedModuleIsUsableWithItsDependencies() {
        Map<String, String> seen = ConsumerCheck.touchEveryModule();

        assertThat(seen).containsOnlyKeys("upgrade-elasticsearch", "upgrade-kuzzle", "upgrade-kong",
                "upgrade-store-jdbc", "upgrade-store-redis", "upgrade-micrometer");
        assertThat(seen.get("upgrade-micrometer")).isEqualTo("1.0 items");
        assertThat(seen.get("upgrade-elasticsearch")).contains("127.0.0.1:9200");
        assertThat(seen.get("upgrade-store-jdbc")).isEqualTo("upgrade_checkpoints");
        assertThat(seen.values()).allSatisfy(value -> assertThat(value).isNotBlank());
    }

    @Test
    void theSdkModulesAreNamedModulesOnTheModulePath() {
        Module self = ConsumerCheck.class.getModule();

        assertThat(self.getName()).isEqualTo("io.upgradesdk.consumercheck");
        assertThat(UpgradePlan.class.getModule().getName()).isEqualTo("io.upgradesdk.upgrade");
        assertThat(self.getDescriptor().requires()).extracting(r -> r.name())
                .contains("io.upgradesdk.upgrade.elasticsearch", "io.upgradesdk.upgrade.kong");
    }
}
