package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting {@code <checkpoint>.lock} while a run holds the lease: another run cannot tell whether
 * the holder lives, so it waits for the lease instead of taking it over; the holder moves to the
 * new lock file at its next change, after which its death is noticed at once again.
 */
class FileCheckpointStoreDeletedLockFileTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    Path directory;

    private Path checkpoint() {
        return directory.resolve("upgrade.checkpoint");
    }

    private Path lockFile() {
        return directory.resolve("upgrade.checkpoint.lock");
    }

    @Test
    void deletingTheLockFileMidRunDoesNotLetASecondRunPreemptTheLiveHolder() throws Exception {
        try (FileCheckpointStore holder = new FileCheckpointStore(checkpoint());
                FileCheckpointStore second = new FileCheckpointStore(checkpoint())) {
            Lease lease = holder.acquireLease("plan", "first-run", MINUTE);
            Files.delete(lockFile());

            try (FileCheckpointStore late = new FileCheckpointStore(checkpoint())) {
                assertThatThrownBy(() -> late.acquireLease("plan", "late-run", MINUTE))
                        .isInstanceOfSatisfying(UpgradeException.class,
                                e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD))
                        .hasMessageContaining("first-run");
            }
            assertThatThrownBy(() -> second.acquireLease("plan", "second-run", MINUTE))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));

            Lease renewed = holder.renewLease(lease, MINUTE);
            assertThat(renewed.sameAcquisition(lease)).isTrue();
            assertThat(lockFile()).exists();
            assertThatThrownBy(() -> second.acquireLease("plan", "second-run", MINUTE))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));
        }
    }

    @Test
    void afterMovingToTheNewLockFileTheHoldersDeathIsNoticedAtOnceAgain() throws Exception {
        FileCheckpointStore holder = new FileCheckpointStore(checkpoint());
        Lease lease = holder.acquireLease("plan", "first-run", MINUTE);
        Files.delete(lockFile());
        holder.renewLease(lease, MINUTE);
        holder.close(); // the process dies: its OS locks go, the lease stays in the file

        try (FileCheckpointStore next = new FileCheckpointStore(checkpoint())) {
            Lease taken = next.acquireLease("plan", "next-run", MINUTE);
            assertThat(taken.owner()).isEqualTo("next-run");
            assertThat(taken.token()).isGreaterThan(lease.token());
        }
    }

    @Test
    void aHolderThatDiesWithItsLockFileDeletedIsTakenOverAtTheLatestAtExpiry() throws Exception {
        TestClock clock = new TestClock();
        FileCheckpointStore holder = new FileCheckpointStore(checkpoint(), clock);
        holder.acquireLease("plan", "first-run", MINUTE);
        Files.delete(lockFile());
        holder.close(); // the file system may give the next lock file the freed inode: then at once

        try (FileCheckpointStore next = new FileCheckpointStore(checkpoint(), clock)) {
            clock.advance(MINUTE.plusSeconds(1));
            assertThat(next.acquireLease("plan", "next-run", MINUTE).owner()).isEqualTo("next-run");
        }
    }
    @Test
    void theHoldersMoveToTheNewLockFileIsRecordedSoItsDeathIsNoticedWhileTheOldFileIsStillOpen() throws Exception {
        // Another store keeps the deleted lock file open: its inode cannot be reused by the new one.
        try (FileCheckpointStore witness = new FileCheckpointStore(checkpoint())) {
            witness.load("plan");
            FileCheckpointStore holder = new FileCheckpointStore(checkpoint());
            Lease lease = holder.acquireLease("plan", "first-run", MINUTE);
            Files.delete(lockFile());
            holder.renewLease(lease, MINUTE);
            holder.close(); // the process dies

            try (FileCheckpointStore next = new FileCheckpointStore(checkpoint())) {
                assertThat(next.acquireLease("plan", "next-run", MINUTE).owner()).isEqualTo("next-run");
            }
        }
    }

    @Test
    void movingToTheNewLockFileClosesTheDeletedOne() throws Exception {
        Path descriptors = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(descriptors), "needs /proc");
        try (FileCheckpointStore holder = new FileCheckpointStore(checkpoint())) {
            Lease lease = holder.acquireLease("plan", "first-run", MINUTE);
            Files.delete(lockFile());
            holder.renewLease(lease, MINUTE);

            assertThat(openFilesIn(descriptors)).noneMatch(target -> target.startsWith(lockFile() + " (deleted)"));
        }
    }

    private static List<String> openFilesIn(Path descriptors) throws IOException {
        List<String> targets = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(descriptors)) {
            for (Path fd : fds) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile (the directory stream's own descriptor)
                }
            }
        }
        return targets;
    }

    @Test
    void aLinkPlantedAtTheLockFileWhileAStoreIsOpenIsRefusedAtItsNextOperation() throws Exception {
        Path elsewhere = Files.writeString(directory.resolve("someone-elses-file"), "theirs");
        try (FileCheckpointStore store = new FileCheckpointStore(checkpoint())) {
            store.acquireLease("plan", "first-run", MINUTE);
            Files.delete(lockFile());
            Files.createSymbolicLink(lockFile(), elsewhere);

            assertThatThrownBy(() -> store.load("plan"))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining(lockFile() + " is a symbolic link");
        }
        assertThat(Files.readString(elsewhere)).isEqualTo("theirs");
    }
}
