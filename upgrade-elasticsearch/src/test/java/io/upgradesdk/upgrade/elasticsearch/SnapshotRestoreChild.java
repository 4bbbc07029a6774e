package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the snapshot-restore plan in a separate JVM that the test kills (SIGKILL) once the restore
 * was requested: args = source-url target-url location index-prefix checkpoint-file.
 */
public final class SnapshotRestoreChild {

    private SnapshotRestoreChild() {
    }

    public static void main(String[] args) throws Exception {
        SnapshotRestoreSettings settings = SnapshotRestoreTest.settings(args[0], args[1], args[2], args[3]);
        UpgradeRunner runner = UpgradeRunner.builder().store(new FileCheckpointStore(Path.of(args[4])))
                .owner("child").leaseDuration(Duration.ofSeconds(3))
                .listener(e -> {
                    if (e instanceof UpgradeEvent.StepProgress p && p.stepId().equals("restore")
                            && p.message().startsWith("restore requested")) {
                        System.out.println("RESTORE_REQUESTED");
                        System.out.flush();
                        try {
                            Thread.sleep(600_000); // wait to be killed mid-restore
                        } catch (InterruptedException ignored) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).build();
        var report = runner.up(ElasticsearchUpgrade.builder().sleeper(d -> Thread.sleep(d.toMillis()))
                .pollInterval(Duration.ofMillis(200)).build()
                .snapshotRestorePlan(settings));
        System.out.println("FINISHED_WITHOUT_KILL " + report.toJson());
    }
}
