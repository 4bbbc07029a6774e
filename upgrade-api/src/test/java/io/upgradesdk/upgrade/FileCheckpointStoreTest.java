package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the file store; the shared rules are in upgrade-testkit's contract suite. */
class FileCheckpointStoreTest {

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("upgrade.checkpoint.json");
    }

    private UpgradePlan plan() {
        return UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build()).build();
    }

    @Test
    void aCorruptedFileNamesThePathAndTheFixAndIsNotOverwritten() throws Exception {
        Files.writeString(file(), "{\"format\": \"upgrade-sdk/checkpoint-file\", \"plans\": {");
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThatThrownBy(() -> store.load("plan"))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE))
                    .hasMessageContaining(file().toString())
                    .hasMessageContaining("corrupted")
                    .hasMessageContaining("delete it to start the plan over");
            assertThatThrownBy(() -> store.acquireLease("plan", "host", Duration.ofSeconds(10)))
                    .isInstanceOf(UpgradeException.class);
        }
        assertThat(file()).hasContent("{\"format\": \"upgrade-sdk/checkpoint-file\", \"plans\": {");
    }

    @Test
    void aForeignJsonFileIsRefused() throws Exception {
        Files.writeString(file(), "{\"name\": \"my-app\", \"version\": \"1.0.0\"}");
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThatThrownBy(() -> store.load("plan"))
                    .hasMessageContaining("not an upgrade-sdk checkpoint file")
                    .hasMessageContaining(file().toString());
        }
    }

    @Test
    void aMissingDirectoryIsReportedAtConstruction() {
        assertThatThrownBy(() -> new FileCheckpointStore(directory.resolve("nope").resolve("c.json")))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("does not exist");
    }

    @Test
    void writesLeaveOnlyTheFileAndItsLockBehind() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            UpgradeRunner.builder().store(store).build().up(plan());
        }
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("upgrade.checkpoint.json", "upgrade.checkpoint.json.lock");
        }
        assertThat(Files.readString(file())).contains("\"format\":\"upgrade-sdk/checkpoint-file\"");
    }

    @Test
    void aLaterStoreInstanceSeesTheCompletedRun() {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            UpgradeRunner.builder().store(store).build().up(plan());
        }
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(UpgradeRunner.builder().store(reopened).build().status(plan()).isComplete()).isTrue();
        }
    }
}
