package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.CheckpointFile;
import io.upgradesdk.upgrade.internal.LeaseRules;
import io.upgradesdk.upgrade.internal.StepJsonCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The embedded default store: all plans' checkpoints and leases in one JSON file.
 *
 * <ul>
 *   <li>Every change is written to a temporary file, forced to disk, atomically renamed over the
 *       file and the directory forced, so a crash ({@code kill -9}, power loss) leaves either the
 *       old or the new content, never a mix.</li>
 *   <li>Processes sharing the file serialise their changes with an OS lock on
 *       {@code <file>.lock}. The lease holder also keeps an OS lock for as long as it holds the
 *       lease, so when its process dies the lease is taken over at once instead of at expiry.</li>
 *   <li>A corrupted or foreign file fails with {@link UpgradeErrorCode#CHECKPOINT_UNREADABLE},
 *       naming the path and the fix; nothing is overwritten.</li>
 * </ul>
 */
public final class FileCheckpointStore implements CheckpointStore {

    private static final long MUTEX_POSITION = 0;
    private static final int LIVENESS_SLOTS = 1 << 20;

    private final Path file;
    private final Path tempFile;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final Map<String, FileLock> livenessLocks = new HashMap<>();
    private final StepJsonCache stepJson = new StepJsonCache();
    private CheckpointFile cached;
    private Object cachedKey;

    /** A store in {@code file} (created on first write; its directory must exist). */
    public FileCheckpointStore(Path file) {
        this(file, Clock.systemUTC());
    }

    /** A store whose lease expiry follows {@code clock}. */
    public FileCheckpointStore(Path file, Clock clock) {
        this.file = requireNonNull(file, "file").toAbsolutePath();
        this.tempFile = this.file.resolveSibling(this.file.getFileName() + ".tmp");
        this.clock = requireNonNull(clock, "clock");
        Path directory = this.file.getParent();
        if (!Files.isDirectory(directory)) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "the directory of checkpoint file "
                    + this.file + " does not exist; create " + directory + " or choose another path");
        }
        try {
            this.lockChannel = FileChannel.open(this.file.resolveSibling(this.file.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw unavailable("open the lock file of", e);
        }
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<Checkpoint> load(String planId) {
        return Optional.ofNullable(locked(content -> content.entry(planId).checkpoint()));
    }

    @Override
    public synchronized void save(Checkpoint checkpoint, Lease lease) {
        update(content -> {
            CheckpointFile.Entry entry = content.entry(checkpoint.planId());
            LeaseRules.checkWritable(entry.lease(), lease, clock.instant());
            return content.with(checkpoint.planId(), entry.withCheckpoint(checkpoint));
        });
    }

    @Override
    public synchronized Lease acquireLease(String planId, String owner, Duration duration) {
        LeaseRules.checkDuration(duration);
        Lease[] acquired = new Lease[1];
        update(content -> {
            CheckpointFile.Entry entry = content.entry(planId);
            Instant now = clock.instant();
            Lease current = entry.lease();
            FileLock own = livenessLocks.get(planId);
            FileLock liveness = own != null ? own : tryLiveness(planId);
            boolean live = current != null && !current.isExpiredAt(now);
            boolean holderDead = live && own == null && entry.livenessLocked() && liveness != null;
            if (live && !holderDead) {
                if (liveness != own) {
                    release(liveness);
                }
                throw LeaseRules.lockHeld(current, now);
            }
            acquired[0] = LeaseRules.acquire(null, entry.lastToken(), planId, owner, duration, now);
            if (liveness != null) {
                livenessLocks.put(planId, liveness);
            }
            return content.with(planId, entry.withLease(acquired[0], liveness != null));
        });
        return acquired[0];
    }

    @Override
    public synchronized Lease renewLease(Lease lease, Duration duration) {
        Lease[] renewed = new Lease[1];
        update(content -> {
            CheckpointFile.Entry entry = content.entry(lease.planId());
            renewed[0] = LeaseRules.renew(entry.lease(), lease, duration, clock.instant());
            return content.with(lease.planId(), entry.withLease(renewed[0], entry.livenessLocked()));
        });
        return renewed[0];
    }

    @Override
    public synchronized void releaseLease(Lease lease) {
        update(content -> {
            CheckpointFile.Entry entry = content.entry(lease.planId());
            if (entry.lease() == null || !entry.lease().sameAcquisition(lease)) {
                return content;
            }
            release(livenessLocks.remove(lease.planId()));
            return content.with(lease.planId(), entry.withLease(null, false));
        });
    }

    @Override
    public synchronized Optional<Lease> currentLease(String planId) {
        return Optional.ofNullable(locked(content -> content.entry(planId).lease()));
    }

    @Override
    public synchronized void forceReleaseLease(String planId) {
        update(content -> {
            CheckpointFile.Entry entry = content.entry(planId);
            release(livenessLocks.remove(planId));
            return entry.lease() == null ? content : content.with(planId, entry.withLease(null, false));
        });
    }

    @Override
    public synchronized void close() {
        livenessLocks.values().forEach(FileCheckpointStore::release);
        livenessLocks.clear();
        try {
            lockChannel.close();
        } catch (IOException e) {
            throw unavailable("close the lock file of", e);
        }
    }

    @Override
    public String toString() {
        return "FileCheckpointStore[" + file + "]";
    }

    // --- file access under the OS mutex ------------------------------------------------------------

    private <T> T locked(Function<CheckpointFile, T> reader) {
        FileLock mutex = lockMutex();
        try {
            return reader.apply(read());
        } finally {
            release(mutex);
        }
    }

    private void update(Function<CheckpointFile, CheckpointFile> change) {
        FileLock mutex = lockMutex();
        try {
            CheckpointFile before = read();
            CheckpointFile after = change.apply(before);
            if (after != before) {
                write(after);
            }
        } finally {
            release(mutex);
        }
    }

    private FileLock lockMutex() {
        while (true) {
            try {
                return lockChannel.lock(MUTEX_POSITION, 1, false);
            } catch (OverlappingFileLockException e) {
                // Another store instance in this JVM holds it: wait for it.
                Thread.onSpinWait();
                sleepBriefly();
            } catch (IOException e) {
                throw unavailable("lock", e);
            }
        }
    }

    private FileLock tryLiveness(String planId) {
        long slot = 1 + Math.floorMod(planId.hashCode(), LIVENESS_SLOTS);
        try {
            return lockChannel.tryLock(slot, 1, false);
        } catch (OverlappingFileLockException e) {
            return null; // held in this JVM by another store instance: that holder is alive
        } catch (IOException e) {
            throw unavailable("lock", e);
        }
    }

    private CheckpointFile read() {
        try {
            Object key = fileVersion();
            if (cached != null && key.equals(cachedKey)) {
                return cached;
            }
            CheckpointFile content = CheckpointFile.parse(Files.readAllBytes(file), file.toString());
            cached = content;
            cachedKey = key;
            return content;
        } catch (NoSuchFileException e) {
            return CheckpointFile.empty();
        } catch (IOException e) {
            throw unavailable("read", e);
        }
    }

    private void write(CheckpointFile content) {
        byte[] bytes = content.toBytes(stepJson);
        stepJson.endWrite();
        try (FileChannel out = FileChannel.open(tempFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            throw unavailable("write", e);
        }
        try {
            Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "the file system of " + file
                    + " cannot rename atomically; put the checkpoint file on a local file system");
        } catch (IOException e) {
            throw unavailable("replace", e);
        }
        forceDirectory();
        try {
            cachedKey = fileVersion();
            cached = content;
        } catch (IOException e) {
            cached = null;
        }
    }

    /** Identifies the file's current content: each write renames a new file (new inode) over it. */
    private Object fileVersion() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return Arrays.asList(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
    }

    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for sync; the rename is still atomic.
        }
    }

    private UpgradeException unavailable(String action, IOException e) {
        return new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "cannot " + action + " checkpoint file "
                + file + " (" + e + "); check that the path is writable and the disk not full", e);
    }

    private static void release(FileLock lock) {
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException | RuntimeException e) {
                // The channel is closed or the lock already gone: nothing is held any more.
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED, "interrupted while waiting for the checkpoint"
                    + " file lock; run again");
        }
    }
}
