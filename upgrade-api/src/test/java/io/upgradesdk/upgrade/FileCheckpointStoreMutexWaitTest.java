package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.internal.FileChannels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process stopped while it held the checkpoint file's mutex must not hang every other run. */
class FileCheckpointStoreMutexWaitTest {

    @TempDir
    Path dir;

    @Test
    void aMutexHeldPastTheWaitEndsInATransientErrorNamingTheLockFileInsteadOfAHang() throws Exception {
        Path file = dir.resolve("checkpoint.json");
        try (FileCheckpointStore store = new FileCheckpointStore(file, Clock.systemUTC(), FileChannels.SYSTEM,
                Duration.ofMillis(300));
                FileChannel other = FileChannel.open(dir.resolve("checkpoint.json.lock"), StandardOpenOption.WRITE);
                FileLock frozenHolder = other.lock(FileCheckpointStore.MUTEX_POSITION, 1, false)) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> store.load("p"))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE);
                        assertThat(e.isTransient()).isTrue();
                    })
                    .hasMessageContaining("stayed locked by another process for 300 ms")
                    .hasMessageContaining("checkpoint.json.lock");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aMutexReleasedWithinTheWaitIsTaken() throws Exception {
        Path file = dir.resolve("checkpoint.json");
        try (FileCheckpointStore store = new FileCheckpointStore(file, Clock.systemUTC(), FileChannels.SYSTEM,
                Duration.ofSeconds(10));
                FileChannel other = FileChannel.open(dir.resolve("checkpoint.json.lock"), StandardOpenOption.WRITE)) {
            FileLock briefHolder = other.lock(FileCheckpointStore.MUTEX_POSITION, 1, false);
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(200);
                    briefHolder.release();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();

            assertThat(store.load("p")).isEmpty();
            release.join();
        }
    }
    @Test
    void aMutexAnotherProcessHoldsIsWaitedForUntilItIsFree() {
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore store = new FileCheckpointStore(dir.resolve("checkpoint.json"), Clock.systemUTC(),
                channels, Duration.ofSeconds(10))) {
            channels.mutexHeldByAnotherProcessFor(5);

            assertThat(store.load("p")).isEmpty();
        }
    }

    @Test
    void aMutexAnotherProcessHoldsPastTheWaitEndsInATransientErrorNamingTheLockFile() {
        RecordingChannels channels = new RecordingChannels();
        try (FileCheckpointStore store = new FileCheckpointStore(dir.resolve("checkpoint.json"), Clock.systemUTC(),
                channels, Duration.ofMillis(200))) {
            channels.mutexHeldByAnotherProcessFor(Integer.MAX_VALUE);

            assertThatThrownBy(() -> store.load("p"))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE))
                    .hasMessageContaining("stayed locked by another process for 200 ms")
                    .hasMessageContaining("fuser " + dir.resolve("checkpoint.json.lock").toAbsolutePath());
        }
    }
}
