package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.internal.FileChannels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another program planting a symbolic link (or a file) at one of the store's paths between the
 * store's checks and its opening of the path, as could happen in a shared directory: the store
 * never writes through the link, and says which path is a link.
 */
class FileCheckpointStoreLinkRaceTest {

    private static final Duration LEASE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    /** What the other program does just before the store opens a path. */
    @FunctionalInterface
    private interface Plant {
        FileChannel openAfterPlanting(Path path, OpenOption... options) throws IOException;
    }

    /** Channels that run {@code plant} at the first opening of {@code target} with {@code option}. */
    private static FileChannels plantingAt(Path target, OpenOption option, Plant plant) {
        boolean[] done = {false};
        return (path, options) -> {
            if (!done[0] && path.equals(target) && Arrays.asList(options).contains(option)) {
                done[0] = true;
                return plant.openAfterPlanting(path, options);
            }
            return FileChannel.open(path, options);
        };
    }

    private Path someoneElsesFile() {
        try {
            return Files.writeString(dir.resolve("someone-elses-file"), "theirs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replaceWithLink(Path path, Path target) throws IOException {
        Files.deleteIfExists(path);
        Files.createSymbolicLink(path, target);
    }

    private Checkpoint checkpoint() {
        return new Checkpoint("plan", "v1:test", 1, clock.instant(), List.of(
                new StepRecord("copy", StepState.RUNNING, 1, "cursor", clock.instant(), null, null)), List.of());
    }

    @Test
    void aLinkPlantedAtTheCheckpointFileBeforeAnInPlaceWriteIsRefusedAndNotWrittenThrough() {
        Path file = dir.resolve("cp");
        Path elsewhere = someoneElsesFile();
        FileChannels channels = plantingAt(file, StandardOpenOption.WRITE, (path, options) -> {
            replaceWithLink(path, elsewhere);
            return FileChannel.open(path, options);
        });
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock, channels)) {
            Lease lease = store.acquireLease("plan", "host-a", LEASE); // a new file: temporary file and rename

            assertThatThrownBy(() -> store.save(checkpoint(), lease))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining(file + " is a symbolic link");
        }
        assertThat(dir.resolve("someone-elses-file")).hasContent("theirs");
    }

    @Test
    void aLinkPlantedAtTheTemporaryFileJustBeforeItIsCreatedIsRefused() {
        Path file = dir.resolve("cp");
        Path temp = dir.resolve("cp.tmp");
        Path elsewhere = someoneElsesFile();
        FileChannels channels = plantingAt(temp, StandardOpenOption.CREATE_NEW, (path, options) -> {
            Files.createSymbolicLink(path, elsewhere);
            return FileChannel.open(path, options);
        });
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock, channels)) {
            assertThatThrownBy(() -> store.acquireLease("plan", "host-a", LEASE))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining(temp + " is a symbolic link");
        }
        assertThat(elsewhere).hasContent("theirs");
        assertThat(file).doesNotExist();
    }

    @Test
    void aFileCreatedAtTheTemporaryPathJustBeforeTheStoreIsATransientErrorNamingTheDirectory() {
        Path file = dir.resolve("cp");
        Path temp = dir.resolve("cp.tmp");
        FileChannels channels = plantingAt(temp, StandardOpenOption.CREATE_NEW, (path, options) -> {
            Files.writeString(path, "another program's");
            return FileChannel.open(path, options);
        });
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock, channels)) {
            assertThatThrownBy(() -> store.acquireLease("plan", "host-a", LEASE))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE))
                    .hasMessageContaining(temp + " appeared while this run was about to create it")
                    .hasMessageContaining("another program writes in " + dir);
        }
    }

    @Test
    void aTemporaryFileReplacedByALinkWhileItIsWrittenIsReportedAsTheLink() {
        Path file = dir.resolve("cp");
        Path temp = dir.resolve("cp.tmp");
        Path elsewhere = someoneElsesFile();
        FileChannels channels = plantingAt(temp, StandardOpenOption.CREATE_NEW, (path, options) -> {
            FileChannel created = FileChannel.open(path, options);
            replaceWithLink(path, elsewhere);
            created.close(); // the write into it fails
            return created;
        });
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock, channels)) {
            assertThatThrownBy(() -> store.acquireLease("plan", "host-a", LEASE))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining(temp + " is a symbolic link");
        }
        assertThat(elsewhere).hasContent("theirs");
    }
}
