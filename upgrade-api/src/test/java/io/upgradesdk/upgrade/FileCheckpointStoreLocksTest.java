package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's OS locks seen from several store instances in one JVM, and what it tells about itself. */
class FileCheckpointStoreLocksTest {

    private static final Duration LEASE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    @Test
    void itNamesItsFileAsAnAbsolutePath() {
        try (FileCheckpointStore store = new FileCheckpointStore(Path.of(dir.toString(), "cp"), clock)) {
            assertThat(store.file()).isEqualTo(dir.resolve("cp").toAbsolutePath());
            assertThat(store.toString()).isEqualTo("FileCheckpointStore[" + store.file() + "]");
        }
    }

    @Test
    void aThreadInterruptedWhileWaitingForTheFileLockStopsWithInterruptedAndKeepsItsInterruptFlag()
            throws Exception {
        Path file = dir.resolve("cp");
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean block = new AtomicBoolean(false);
        // The first store blocks inside a read, while it holds the file's mutex.
        FileCheckpointStore slow = new FileCheckpointStore(file, clock, (path, options) -> {
            if (block.get()) {
                holding.countDown();
                try {
                    letGo.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FileChannel.open(path, options);
        });
        FileCheckpointStore waiting = new FileCheckpointStore(file, clock);
        try {
            block.set(true);
            Thread holder = new Thread(() -> slow.load("plan"));
            holder.start();
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();

            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean flagKept = new AtomicBoolean();
            Thread waiter = new Thread(() -> {
                try {
                    waiting.load("plan");
                } catch (Throwable t) {
                    thrown.set(t);
                    flagKept.set(Thread.currentThread().isInterrupted());
                }
            });
            waiter.start();
            waiter.interrupt();
            waiter.join(30_000);

            assertThat(thrown.get()).isInstanceOfSatisfying(UpgradeException.class,
                    e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INTERRUPTED));
            assertThat(flagKept).isTrue();
            letGo.countDown();
            holder.join(30_000);
        } finally {
            letGo.countDown();
            slow.close();
            waiting.close();
        }
    }

    /**
     * "Aa" and "BB" share a hash code and so a liveness slot: a lease taken while the other plan's
     * holder has the slot carries no liveness lock, and a refused acquisition of it must give back the
     * slot it tried, or the next holder of "Aa" would take its lease without one.
     */
    @Test
    void aRefusedAcquisitionGivesBackTheLivenessLockItTook() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        Path file = dir.resolve("cp");
        try (FileCheckpointStore first = new FileCheckpointStore(file, clock);
                FileCheckpointStore second = new FileCheckpointStore(file, clock);
                FileCheckpointStore third = new FileCheckpointStore(file, clock)) {
            Lease aa = first.acquireLease("Aa", "host-a", LEASE);
            second.acquireLease("BB", "host-b", LEASE); // slot held by first: no liveness lock
            first.releaseLease(aa);

            assertThatThrownBy(() -> first.acquireLease("BB", "host-a", LEASE))
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));

            // The slot is free again: the third store's lease of "Aa" is tied to its liveness lock,
            // so once that store is gone, its lease is taken over before it expires.
            third.acquireLease("Aa", "host-c", LEASE);
            third.close();
            Lease taken = second.acquireLease("Aa", "host-b", LEASE);
            assertThat(taken.owner()).isEqualTo("host-b");
        }
    }
}
