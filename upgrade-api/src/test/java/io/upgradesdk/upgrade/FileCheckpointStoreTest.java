package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.internal.CheckpointSlots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
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

    @Test
    void changesOverwriteASlotInPlaceKeepingTheFilesInodeAndSize() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            Lease lease = store.acquireLease("plan", "host", Duration.ofSeconds(10));
            Object inode = Files.readAttributes(file(), BasicFileAttributes.class).fileKey();
            long size = Files.size(file());
            for (int i = 0; i < 5; i++) {
                lease = store.renewLease(lease, Duration.ofSeconds(10 + i));
                assertThat(Files.readAttributes(file(), BasicFileAttributes.class).fileKey()).isEqualTo(inode);
                assertThat(Files.size(file())).isEqualTo(size);
            }
            assertThat(store.currentLease("plan")).contains(lease);
        }
        assertThat(Files.readString(file())).startsWith("{\"format\":\"upgrade-sdk/checkpoint-slots\"")
                .contains("\"format\":\"upgrade-sdk/checkpoint-file\"");
    }

    @Test
    void anotherInstanceSeesAnInPlaceChangeEvenWhenTheFileTimeDidNotMove() throws Exception {
        FileTime coarse = FileTime.fromMillis(1_700_000_000_000L);
        try (FileCheckpointStore writer = new FileCheckpointStore(file());
                FileCheckpointStore reader = new FileCheckpointStore(file())) {
            Lease lease = writer.acquireLease("plan", "host", Duration.ofSeconds(10));
            Files.setLastModifiedTime(file(), coarse);
            assertThat(reader.currentLease("plan")).contains(lease);

            writer.releaseLease(lease);
            Files.setLastModifiedTime(file(), coarse);
            assertThat(reader.currentLease("plan")).isEmpty();
        }
    }

    @Test
    void aTornWriteOfTheNewestSlotFallsBackToThePreviousState() throws Exception {
        Lease lease;
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            lease = store.acquireLease("plan", "host", Duration.ofSeconds(10));
            store.renewLease(lease, Duration.ofSeconds(30));
        }
        damageSlot(CheckpointSlots.newest(Files.readAllBytes(file()), "test").slot());
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThat(store.currentLease("plan")).contains(lease);
            store.forceReleaseLease("plan");
            assertThat(store.currentLease("plan")).isEmpty();
        }
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(reopened.currentLease("plan")).isEmpty();
        }
    }

    @Test
    void aFileWithBothSlotsDamagedIsUnreadableAndNotOverwritten() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            store.acquireLease("plan", "host", Duration.ofSeconds(10));
        }
        damageSlot(0);
        damageSlot(1);
        byte[] damaged = Files.readAllBytes(file());
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThatThrownBy(() -> store.load("plan"))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE))
                    .hasMessageContaining(file().toString())
                    .hasMessageContaining("neither of its two copies")
                    .hasMessageContaining("delete it to start the plan over");
            assertThatThrownBy(() -> store.acquireLease("plan", "host", Duration.ofSeconds(10)))
                    .isInstanceOf(UpgradeException.class);
        }
        assertThat(Files.readAllBytes(file())).isEqualTo(damaged);
    }

    @Test
    void contentThatOutgrowsItsSlotIsRewrittenIntoLargerSlots() throws Exception {
        UpgradePlan.Builder big = UpgradePlan.builder("big");
        for (int i = 0; i < 200; i++) {
            big.step(UpgradeStep.builder("step-with-a-long-enough-name-" + i).execute(ctx -> ctx.saveCursor("x".repeat(40)))
                    .build());
        }
        UpgradePlan plan = big.build();
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            store.acquireLease("other", "host", Duration.ofSeconds(10));
            long before = Files.size(file());
            assertThat(UpgradeRunner.builder().store(store).build().up(plan).isSuccess()).isTrue();
            assertThat(Files.size(file())).isGreaterThan(before);
        }
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(UpgradeRunner.builder().store(reopened).build().status(plan).isComplete()).isTrue();
            assertThat(reopened.currentLease("other")).isPresent();
        }
    }

    @Test
    void aFileInTheEarlierSingleDocumentLayoutIsReadAndConvertedAtTheNextChange() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            UpgradeRunner.builder().store(store).build().up(plan());
        }
        byte[] newest = CheckpointSlots.newest(Files.readAllBytes(file()), "test").content();
        Files.write(file(), newest); // what an earlier version wrote: the document alone
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThat(UpgradeRunner.builder().store(store).build().status(plan()).isComplete()).isTrue();
            store.acquireLease("plan", "host", Duration.ofSeconds(10));
        }
        assertThat(CheckpointSlots.isSlotted(Files.readAllBytes(file()))).isTrue();
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(UpgradeRunner.builder().store(reopened).build().status(plan()).isComplete()).isTrue();
        }
    }

    /** Overwrites bytes in the middle of a slot's content, as a write torn by a power loss would. */
    private void damageSlot(int slot) throws Exception {
        byte[] bytes = Files.readAllBytes(file());
        int at = (int) CheckpointSlots.offset(CheckpointSlots.capacity(bytes), slot) + CheckpointSlots.PREFIX_BYTES + 40;
        for (int i = 0; i < 16; i++) {
            bytes[at + i] = (byte) '#';
        }
        Files.write(file(), bytes);
    }
}
