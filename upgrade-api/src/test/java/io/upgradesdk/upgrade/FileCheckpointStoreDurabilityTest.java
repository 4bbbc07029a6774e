package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the file store puts on disk, and in what order, seen through its channels: every write is
 * forced before the operation returns, and a write torn at any byte leaves a readable file with
 * the state before it (or, once the record is whole, the state after it).
 */
class FileCheckpointStoreDurabilityTest {

    private static final Duration LEASE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    private Checkpoint checkpoint(long revision, String cursor) {
        return new Checkpoint("plan", "v1:test", revision, clock.instant(), List.of(
                new StepRecord("copy", StepState.RUNNING, 1, cursor, clock.instant(), null, null)), List.of());
    }

    private Optional<Checkpoint> loadFresh(Path file) {
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock)) {
            return store.load("plan");
        }
    }

    @Test
    void aNewFileIsWrittenToATemporaryFileForcedRenamedAndItsDirectoryForced() {
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp"), clock, channels)) {
            store.acquireLease("plan", "host-a", LEASE);
        }

        List<String> log = channels.log();
        assertThat(log).hasSize(3);
        assertThat(log.get(0)).startsWith("write cp.tmp ");
        assertThat(log.subList(1, 3)).containsExactly("force cp.tmp", "force " + dir.getFileName());
        assertThat(dir.resolve("cp.tmp")).doesNotExist();
        assertThat(dir.resolve("cp")).exists();
    }

    @Test
    void aSaveAppendsOneRecordInPlaceAndForcesItBeforeItReturns() {
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp"), clock, channels)) {
            Lease lease = store.acquireLease("plan", "host-a", LEASE);
            for (int i = 1; i <= 3; i++) {
                channels.clearLog();
                store.save(checkpoint(i, "cursor-" + i), lease);

                List<String> log = channels.log();
                assertThat(log).as("save %s", i).hasSize(2);
                assertThat(log.get(0)).startsWith("write cp ");
                assertThat(log.get(1)).isEqualTo("force cp");
            }
        }
    }

    @Test
    void aSaveTornAtAnyByteLeavesTheCheckpointBeforeItOrOnceWholeTheOneAfterIt() throws IOException {
        Path original = dir.resolve("original");
        Checkpoint before = checkpoint(1, "before");
        Checkpoint after = checkpoint(2, "after-" + "x".repeat(40));
        Lease lease;
        try (FileCheckpointStore store = new FileCheckpointStore(original, clock)) {
            lease = store.acquireLease("plan", "host-a", LEASE);
            store.save(before, lease);
        }
        int recordBytes = bytesOfTheSave(original, after, lease);

        // Every byte of the frame and of the record's end, and every 13th in between (a full sweep is slow).
        for (int torn = 0; torn < recordBytes; torn += torn < 24 || torn > recordBytes - 40 ? 1 : 13) {
            Path copy = Files.createDirectory(dir.resolve("torn-" + torn)).resolve("cp");
            Files.copy(original, copy);
            RecordingChannels channels = new RecordingChannels();
            try (FileCheckpointStore store = new FileCheckpointStore(copy, clock, channels)) {
                store.load("plan");
                channels.crashAfter(torn);
                assertThatThrownBy(() -> store.save(after, lease)).isInstanceOf(UpgradeException.class)
                        .satisfies(e -> assertThat(((UpgradeException) e).code())
                                .isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE));
            }

            Checkpoint survived = loadFresh(copy).orElseThrow();
            if (torn < recordBytes - 17) {
                assertThat(survived).as("torn after %s of %s bytes", torn, recordBytes).isEqualTo(before);
            } else {
                assertThat(survived).as("torn after %s of %s bytes", torn, recordBytes).isIn(before, after);
            }
        }
    }

    @Test
    void aNewFileTornAtAnyPointLeavesNoFileOrTheOldOne() throws IOException {
        RecordingChannels channels = new RecordingChannels();
        Path file = dir.resolve("cp");
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock, channels)) {
            channels.crashAfter(4096 + 100);
            assertThatThrownBy(() -> store.acquireLease("plan", "host-a", LEASE))
                    .isInstanceOf(UpgradeException.class);
        }

        assertThat(file).doesNotExist();
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock)) {
            assertThat(store.currentLease("plan")).isEmpty();
            assertThat(store.acquireLease("plan", "host-a", LEASE).token()).isEqualTo(1);
        }
    }

    @Test
    void aCompactionTornAtAnyPointLeavesThePreviousCheckpoint() throws IOException {
        Path original = dir.resolve("original");
        Lease lease;
        int saves = 0;
        RecordingChannels probe = new RecordingChannels();
        try (FileCheckpointStore store = new FileCheckpointStore(original, clock, probe)) {
            lease = store.acquireLease("plan", "host-a", LEASE);
            // Fill the first area until the next save would be written as a new base in the second one.
            while (true) {
                Path copy = dir.resolve("probe-" + saves);
                Files.copy(original, copy);
                probe.clearLog();
                store.save(checkpoint(saves + 1, "c".repeat(1500) + saves), lease);
                boolean compacted = probe.log().stream().anyMatch(l -> l.startsWith("write original")
                        && l.endsWith(" at " + (4096 + 65536)));
                if (compacted) {
                    Files.move(copy, dir.resolve("before-compaction"));
                    break;
                }
                Files.delete(copy);
                saves++;
            }
        }
        Checkpoint before = checkpoint(saves, "c".repeat(1500) + (saves - 1));
        Checkpoint after = checkpoint(saves + 1, "c".repeat(1500) + saves);
        assertThat(loadFresh(dir.resolve("before-compaction"))).contains(before);
        assertThat(loadFresh(original)).contains(after);

        for (int torn : new int[] {0, 1, 16, 17, 18, 200, 1000, 1500}) {
            Path copy = Files.createDirectory(dir.resolve("torn-" + torn)).resolve("cp");
            Files.copy(dir.resolve("before-compaction"), copy);
            RecordingChannels channels = new RecordingChannels();
            try (FileCheckpointStore store = new FileCheckpointStore(copy, clock, channels)) {
                store.load("plan");
                channels.crashAfter(torn);
                assertThatThrownBy(() -> store.save(after, lease)).isInstanceOf(UpgradeException.class);
            }
            assertThat(loadFresh(copy)).as("compaction torn after %s bytes", torn).contains(before);
        }
    }

    /** How many bytes saving {@code checkpoint} writes to (a copy of) {@code file}. */
    private int bytesOfTheSave(Path file, Checkpoint checkpoint, Lease lease) throws IOException {
        Path copy = Files.createDirectory(dir.resolve("measure")).resolve("cp");
        Files.copy(file, copy);
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore store = new FileCheckpointStore(copy, clock, channels)) {
            store.load("plan");
            channels.clearLog();
            store.save(checkpoint, lease);
        }
        List<String> writes = channels.log().stream().filter(l -> l.startsWith("write ")).toList();
        assertThat(writes).hasSize(1);
        return Integer.parseInt(writes.get(0).split(" ")[2]);
    }
}
