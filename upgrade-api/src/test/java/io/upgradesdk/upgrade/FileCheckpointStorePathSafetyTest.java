package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store in a directory others can write to: a symbolic link planted at the checkpoint
 * file, its lock file or its temporary file never makes it write to the file the link points at.
 */
class FileCheckpointStorePathSafetyTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path shared;
    @TempDir
    Path elsewhere;

    private Path checkpoint() {
        return shared.resolve("upgrade.checkpoint");
    }

    private Path victim() throws Exception {
        Path victim = elsewhere.resolve("victim.conf");
        if (!Files.exists(victim)) {
            Files.writeString(victim, "root-owned content");
        }
        return victim;
    }

    @Test
    void aLinkPlantedAtTheTemporaryFileIsRefusedAndItsTargetStaysUntouched() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(checkpoint())) {
            Files.createSymbolicLink(shared.resolve("upgrade.checkpoint.tmp"), victim());

            assertThatThrownBy(() -> store.acquireLease("plan", "host", TEN_SECONDS))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining("upgrade.checkpoint.tmp is a symbolic link")
                    .hasMessageContaining("remove the link");
        }
        assertThat(victim()).hasContent("root-owned content");
        assertThat(checkpoint()).doesNotExist();
    }

    @Test
    void aLinkAtTheTemporaryFileIsRefusedWhenTheStoreOpens() throws Exception {
        Files.createSymbolicLink(shared.resolve("upgrade.checkpoint.tmp"), victim());

        assertThatThrownBy(() -> new FileCheckpointStore(checkpoint()))
                .isInstanceOf(UpgradeException.class).hasMessageContaining("is a symbolic link");
        assertThat(victim()).hasContent("root-owned content");
    }

    @Test
    void aLinkAtTheCheckpointFileIsRefusedWhenTheStoreOpens() throws Exception {
        Files.createSymbolicLink(checkpoint(), victim());

        assertThatThrownBy(() -> new FileCheckpointStore(checkpoint()))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining(checkpoint() + " is a symbolic link");
        assertThat(victim()).hasContent("root-owned content");
    }

    @Test
    void aLinkSwappedInForTheCheckpointFileMidRunIsNeitherReadNorWrittenThrough() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(checkpoint())) {
            Lease lease = store.acquireLease("plan", "host", TEN_SECONDS);
            Files.delete(checkpoint());
            Files.createSymbolicLink(checkpoint(), victim());

            assertThatThrownBy(() -> store.renewLease(lease, TEN_SECONDS))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining("is a symbolic link");
        }
        assertThat(victim()).hasContent("root-owned content");
    }

    @Test
    void aLinkAtTheLockFileIsRefusedAndItsTargetIsNotCreated() throws Exception {
        Path target = elsewhere.resolve("created-by-nobody");
        Files.createSymbolicLink(shared.resolve("upgrade.checkpoint.lock"), target);

        assertThatThrownBy(() -> new FileCheckpointStore(checkpoint()))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("upgrade.checkpoint.lock is a symbolic link");
        assertThat(target).doesNotExist();
    }

    @Test
    void aTemporaryFileACrashedRunLeftBehindIsReplaced() throws Exception {
        Files.writeString(shared.resolve("upgrade.checkpoint.tmp"), "half a file");
        try (FileCheckpointStore store = new FileCheckpointStore(checkpoint())) {
            store.acquireLease("plan", "host", TEN_SECONDS);
            assertThat(store.currentLease("plan")).isPresent();
        }
        assertThat(shared.resolve("upgrade.checkpoint.tmp")).doesNotExist();
    }
}
