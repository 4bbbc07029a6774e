package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;

import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A worker killed mid-partition, in a few lines of the test kit. */
class PartitionedStepCrashTest {

    private final List<String> copied = new CopyOnWriteArrayList<>();

    /** Three slices of three documents each; a slice resumes after its saved cursor. */
    private final UpgradePlan plan = UpgradePlan.builder("plan")
            .step(UpgradeStep.partitioned("copy").workers(1)
                    .partitions(ctx -> List.of("slice-0", "slice-1", "slice-2"))
                    .execute(part -> {
                        int from = part.cursor().map(Integer::parseInt).orElse(0);
                        for (int doc = from + 1; doc <= 3; doc++) {
                            copied.add(part.partitionId() + "/" + doc);
                            part.saveCursor(Integer.toString(doc));
                        }
                    }).build())
            .build();

    @Test
    void aWorkerKilledMidPartitionLeavesItRunningAtItsCursorAndTheNextWorkerResumesThere() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();

        t.crashAt(CrashPoint.afterPartitionCursorSave("plan", "copy", "slice-1", 2)).up(plan);

        assertThat(t.partitions(plan, "copy")).extracting(PartitionStatus::state)
                .containsExactly(PartitionState.DONE, PartitionState.RUNNING, PartitionState.PENDING);
        assertThat(t.partitions(plan, "copy").get(1).cursor()).isEqualTo("2");
        assertThat(t.partitions(plan, "copy").get(1).owner()).isPresent();   // the dead worker's claim

        copied.clear();
        t.letLeaseExpire(plan);
        assertThat(t.up(plan)).succeeded();

        assertThat(copied).containsExactly("slice-1/3", "slice-2/1", "slice-2/2", "slice-2/3");
        assertThat(t.partitions(plan, "copy")).extracting(PartitionStatus::state).containsOnly(PartitionState.DONE);
    }

    @Test
    void aRunWorksTheFreePartitionsThenWaitsForTheDeadWorkersClaimToExpire() {
        UpgradeTestRunner t = UpgradeTestKit.runner().build();
        t.crashAt(CrashPoint.afterPartitionCursorSave("plan", "copy", "slice-0", 1)).up(plan);
        t.runner().forceReleaseLock(plan, io.upgradesdk.upgrade.OperatorNote.by("ops", "host died"));
        t.clearRecordings();

        assertThat(t.up(plan)).succeeded();

        assertThat(t.waits()).as("the worker polled until the claim expired").isNotEmpty();
        assertThat(copied).as("the free slices first, then the dead worker's from its cursor").containsExactly(
                "slice-0/1", "slice-1/1", "slice-1/2", "slice-1/3", "slice-2/1", "slice-2/2", "slice-2/3",
                "slice-0/2", "slice-0/3");
    }
}
