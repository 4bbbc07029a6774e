package io.upgradesdk.samples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --status} and {@code --dry-run} read a checkpoint where no lock file can be created. */
class ReadOnlyCheckpointTest {

    @TempDir
    Path dir;

    private final UpgradePlan plan = UpgradePlan.builder("plan")
            .step(UpgradeStep.builder("copy").execute(ctx -> ctx.saveCursor("page-7")).build()).build();

    @Test
    void theStatusOfACheckpointInAReadOnlyPlaceIsReadFromACopyAndCreatesNothingThere() throws Exception {
        Path file = dir.resolve("cp");
        try (FileCheckpointStore store = new FileCheckpointStore(file)) {
            UpgradeRunner.builder().store(store).build().up(plan);
            Lease held = store.acquireLease("plan", "batch@node-1", Duration.ofMinutes(5));
            assertThat(held.owner()).isEqualTo("batch@node-1");
        }
        Files.delete(dir.resolve("cp.lock"));

        String status;
        try (StoreOptions.Opened opened = StoreOptions.openFile(file, true, p -> false)) {
            status = UpgradeRunner.builder().store(opened.store()).build().status(plan).toString();
            assertThat(opened.description()).contains("read-only");
        }

        assertThat(status).contains("SUCCEEDED", "copy", "batch@node-1");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("cp"));
        }
    }

    @Test
    void theStatusOfACheckpointWithoutItsLockFileInAWritablePlaceCreatesNoLockFile() throws Exception {
        Path file = dir.resolve("cp");
        try (FileCheckpointStore store = new FileCheckpointStore(file)) {
            UpgradeRunner.builder().store(store).build().up(plan);
        }
        Files.delete(dir.resolve("cp.lock")); // a checkpoint restored from a backup, or copied from another host

        String status;
        try (StoreOptions.Opened opened = StoreOptions.openFile(file, true)) {
            status = UpgradeRunner.builder().store(opened.store()).build().status(plan).toString();
        }

        assertThat(status).contains("SUCCEEDED", "copy");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("cp"));
        }
    }

    @Test
    void aCheckpointNotYetWrittenIsReadAsEmptyWithoutCreatingIt() {
        try (StoreOptions.Opened opened = StoreOptions.openFile(dir.resolve("cp"), true, p -> true)) {
            assertThat(UpgradeRunner.builder().store(opened.store()).build().status(plan).step("copy").attempts())
                    .isZero();
        }
        assertThat(dir.resolve("cp")).doesNotExist();
        assertThat(dir.resolve("cp.lock")).doesNotExist();
    }
}
