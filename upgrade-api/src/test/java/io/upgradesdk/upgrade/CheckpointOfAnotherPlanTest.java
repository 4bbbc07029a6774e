package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.internal.CheckpointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint stored under one plan's id but written by another plan (a copied or edited file). */
class CheckpointOfAnotherPlanTest {

    @TempDir
    Path directory;

    private final List<String> executed = new ArrayList<>();

    private UpgradePlan plan(String id) {
        return UpgradePlan.builder(id).step(UpgradeStep.builder("a").execute(ctx -> executed.add("a")).build()).build();
    }

    @Test
    void aCheckpointWhosePlanIdDiffersFromThePlanIsRefusedAndNothingRuns() throws Exception {
        Checkpoint ofOther;
        try (FileCheckpointStore original = new FileCheckpointStore(directory.resolve("other.checkpoint"))) {
            UpgradeRunner.builder().store(original).build().up(plan("other"));
            ofOther = original.load("other").orElseThrow();
        }
        Path copied = directory.resolve("copied.checkpoint");
        Files.write(copied, CheckpointFile.empty()
                .with("orders", new CheckpointFile.Entry(ofOther, null, 0, false, null)).toBytes());
        executed.clear();

        try (FileCheckpointStore store = new FileCheckpointStore(copied)) {
            UpgradeRunner runner = UpgradeRunner.builder().store(store).build();
            assertThatThrownBy(() -> runner.up(plan("orders")))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE))
                    .hasMessageContaining("stored for plan 'orders'")
                    .hasMessageContaining("belongs to plan 'other'")
                    .hasMessageContaining("nothing was run");
            assertThat(store.currentLease("orders")).isEmpty();
        }
        assertThat(executed).isEmpty();
    }
}
