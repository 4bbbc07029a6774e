package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two store instances sharing one file: each sees the other's appends and compactions; closing and force-release. */
class FileCheckpointStoreSharingTest {

    private static final Duration LEASE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    private Checkpoint checkpoint(long revision, String cursor) {
        return new Checkpoint("plan", "v1:test", revision, clock.instant(), List.of(
                new StepRecord("copy", StepState.RUNNING, 1, cursor, clock.instant(), null, null)), List.of());
    }

    @Test
    void aReaderThatCachedTheFileSeesEverySaveOfAnotherStoreThroughAppendsAndCompactions() {
        Path file = dir.resolve("cp");
        try (FileCheckpointStore writer = new FileCheckpointStore(file, clock);
                FileCheckpointStore reader = new FileCheckpointStore(file, clock)) {
            Lease lease = writer.acquireLease("plan", "host-a", LEASE);
            assertThat(reader.currentLease("plan")).contains(lease);
            // 1,500-byte cursors: about forty saves fill an area, so this crosses several compactions.
            for (int i = 1; i <= 120; i++) {
                Checkpoint saved = checkpoint(i, "c".repeat(1500) + i);
                writer.save(saved, lease);
                assertThat(reader.load("plan")).as("save %s", i).contains(saved);
            }
        }
    }

    @Test
    void aReaderSeesSeveralSavesAppendedSinceItLastRead() {
        Path file = dir.resolve("cp");
        try (FileCheckpointStore writer = new FileCheckpointStore(file, clock);
                FileCheckpointStore reader = new FileCheckpointStore(file, clock)) {
            Lease lease = writer.acquireLease("plan", "host-a", LEASE);
            reader.load("plan");
            for (int i = 1; i <= 5; i++) {
                writer.save(checkpoint(i, "cursor-" + i), lease);
            }

            assertThat(reader.load("plan")).contains(checkpoint(5, "cursor-5"));
        }
    }

    @Test
    void aZeroOrNegativeLeaseDurationIsRefused() {
        try (FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp"), clock)) {
            assertThatThrownBy(() -> store.acquireLease("plan", "host-a", Duration.ZERO))
                    .isInstanceOf(UpgradeException.class);
            assertThatThrownBy(() -> store.acquireLease("plan", "host-a", Duration.ofSeconds(-1)))
                    .isInstanceOf(UpgradeException.class);
            assertThat(store.currentLease("plan")).isEmpty();
        }
    }

    @Test
    void aZeroLeaseDurationIsRefusedAsInvalidEvenWhileAnotherRunHoldsTheLease() {
        Path file = dir.resolve("cp");
        try (FileCheckpointStore holder = new FileCheckpointStore(file, clock);
                FileCheckpointStore other = new FileCheckpointStore(file, clock)) {
            holder.acquireLease("plan", "host-a", LEASE);

            assertThatThrownBy(() -> other.acquireLease("plan", "host-b", Duration.ZERO))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining("lease duration must be positive");
        }
    }

    @Test
    void aClosedStoreNoLongerReadsTheFile() {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp"), clock);
        store.close();

        assertThatThrownBy(() -> store.load("plan")).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE));
    }

    @Test
    void aForcedReleaseGivesUpTheLivenessLockSoTheNextHoldersDeathIsNoticed() {
        Path file = dir.resolve("cp");
        try (FileCheckpointStore first = new FileCheckpointStore(file, clock);
                FileCheckpointStore third = new FileCheckpointStore(file, clock)) {
            first.acquireLease("plan", "host-a", LEASE);
            first.forceReleaseLease("plan");

            FileCheckpointStore second = new FileCheckpointStore(file, clock);
            second.acquireLease("plan", "host-b", LEASE);
            second.close(); // its process is gone: its liveness lock with it

            assertThat(third.acquireLease("plan", "host-c", LEASE).owner()).isEqualTo("host-c");
        }
    }
}
