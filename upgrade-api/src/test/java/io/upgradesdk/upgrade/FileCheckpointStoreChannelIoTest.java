package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the file store uses its channels: a channel may read or write fewer bytes than asked (the
 * store continues where the call stopped), and a store that has read the file reads only what was
 * appended since, not the whole file, at its next operation.
 */
class FileCheckpointStoreChannelIoTest {

    private static final Duration LEASE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    private Checkpoint checkpoint(long revision, String cursor) {
        return new Checkpoint("plan", "v1:test", revision, clock.instant(), List.of(
                new StepRecord("copy", StepState.RUNNING, 1, cursor, clock.instant(), null, null)), List.of());
    }

    private static long bytesRead(RecordingChannels channels) {
        return channels.reads().stream().mapToLong(r -> Long.parseLong(r.split(" ")[2])).sum();
    }

    @Test
    void readsAndWritesCutShortByTheChannelAreContinuedWhereTheyStopped() {
        Path file = dir.resolve("cp");
        RecordingChannels dribbling = new RecordingChannels();
        dribbling.limitEachCallTo(1000);
        Checkpoint last = null;
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock, dribbling)) {
            Lease lease = store.acquireLease("plan", "host-a", LEASE);
            // 8,000-byte cursors: a new file, appends in place and compactions (an area holds about
            // eight) all go through short calls.
            for (int i = 1; i <= 20; i++) {
                last = checkpoint(i, "c".repeat(8000) + i);
                store.save(last, lease);
            }
        }

        RecordingChannels alsoDribbling = new RecordingChannels();
        alsoDribbling.limitEachCallTo(333);
        try (FileCheckpointStore fresh = new FileCheckpointStore(file, clock, alsoDribbling);
                FileCheckpointStore plain = new FileCheckpointStore(file, clock)) {
            assertThat(fresh.load("plan")).contains(last);
            assertThat(plain.load("plan")).contains(last);
        }
    }

    @Test
    void aStoreThatReadTheFileReadsOnlyTheFewBytesThatShowNothingChanged() throws Exception {
        Path file = dir.resolve("cp");
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore store = new FileCheckpointStore(file, clock, channels)) {
            Lease lease = store.acquireLease("plan", "host-a", LEASE);
            store.save(checkpoint(1, "x".repeat(2000)), lease);
            channels.clearReads();

            assertThat(store.load("plan")).contains(checkpoint(1, "x".repeat(2000)));

            assertThat(Files.size(file)).isGreaterThan(4000);
            assertThat(bytesRead(channels)).as("reads %s", channels.reads()).isLessThan(100);
        }
    }

    @Test
    void aStoreReadsOnlyTheRecordsAnotherStoreAppendedSinceItsLastRead() {
        Path file = dir.resolve("cp");
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore writer = new FileCheckpointStore(file, clock);
                FileCheckpointStore reader = new FileCheckpointStore(file, clock, channels)) {
            Lease lease = writer.acquireLease("plan", "host-a", LEASE);
            writer.save(checkpoint(1, "x".repeat(3000)), lease);
            assertThat(reader.load("plan")).contains(checkpoint(1, "x".repeat(3000)));
            writer.save(checkpoint(2, "short"), lease);
            channels.clearReads();

            assertThat(reader.load("plan")).contains(checkpoint(2, "short"));

            assertThat(bytesRead(channels)).as("reads %s", channels.reads()).isLessThan(1000);
        }
    }

    @Test
    void aStoreReadsTheWholeFileAgainAfterAnotherStoreCompactedIt() {
        Path file = dir.resolve("cp");
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore writer = new FileCheckpointStore(file, clock);
                FileCheckpointStore reader = new FileCheckpointStore(file, clock, channels)) {
            Lease lease = writer.acquireLease("plan", "host-a", LEASE);
            reader.load("plan");
            Checkpoint last = null;
            for (int i = 1; i <= 20; i++) {   // crosses compactions (an area holds about eight)
                last = checkpoint(i, "c".repeat(8000) + i);
                writer.save(last, lease);
            }
            channels.clearReads();

            assertThat(reader.load("plan")).contains(last);
            assertThat(channels.reads()).anyMatch(r -> r.startsWith("read cp " + fileSize(file) + " at 0"));
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
