package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.CheckpointFile;
import io.upgradesdk.upgrade.internal.CheckpointSlots;
import io.upgradesdk.upgrade.spi.LeaseRules;
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
 *   <li>The file holds two copies of its content in fixed-size slots, each with a sequence number
 *       and a checksum. A change overwrites the older slot in place and forces it to disk: one
 *       data-only sync, which does not wait for a file-system journal commit behind other
 *       programs' writes. A crash ({@code kill -9}, power loss) mid-write damages at most that
 *       slot, and the other still holds the previous state: a reader gets the old or the new
 *       content, never a mix. A new file, or content that outgrows its slot, is written to a
 *       temporary file, forced, renamed over the file and the directory forced. Files written in
 *       the single-document layout of earlier versions are read, and converted at the next
 *       change. {@code jq '.slots | max_by(.seq).content' FILE} shows the current content.</li>
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
    /** Where the newest content of the file is, as last read or written; null: not in the slotted layout. */
    private SlotState slots;

    /** The newest slot's sequence number and index, and the slots' capacity. */
    private record SlotState(long seq, int slot, int capacity) {
    }

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
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Object key = version(in);
            if (cached != null && key.equals(cachedKey)) {
                return cached;
            }
            byte[] bytes = readAll(in);
            CheckpointFile content;
            if (CheckpointSlots.isSlotted(bytes)) {
                CheckpointSlots.Newest newest = CheckpointSlots.newest(bytes, file.toString());
                content = CheckpointFile.parse(newest.content(), file.toString());
                slots = new SlotState(newest.seq(), newest.slot(), newest.capacity());
            } else {
                content = CheckpointFile.parse(bytes, file.toString());
                slots = null;
            }
            cached = content;
            cachedKey = key;
            return content;
        } catch (NoSuchFileException e) {
            slots = null;
            return CheckpointFile.empty();
        } catch (IOException e) {
            throw unavailable("read", e);
        }
    }

    /**
     * Writes {@code content} durably. Usually it overwrites the older slot in place and forces only
     * the data; the whole file is rewritten (temporary file, rename) only when it is new, in the
     * single-document layout of earlier versions, or when the content outgrows a slot.
     */
    private void write(CheckpointFile content) {
        byte[] bytes = content.toBytes(stepJson);
        stepJson.endWrite();
        SlotState next = slots == null ? null : overwriteOlderSlot(bytes, slots);
        if (next == null) {
            long seq = slots == null ? 1 : slots.seq() + 1;
            byte[] whole = CheckpointSlots.wholeFile(seq, bytes);
            replaceFile(whole);
            next = new SlotState(seq, 0, CheckpointSlots.capacity(whole));
        }
        slots = next;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            cachedKey = version(in);
            cached = content;
        } catch (IOException e) {
            cached = null;
        }
    }

    /** The new slot state, or null when the content does not fit a slot. */
    private SlotState overwriteOlderSlot(byte[] content, SlotState current) {
        long seq = current.seq() + 1;
        byte[] slot = CheckpointSlots.slot(seq, content, current.capacity());
        if (slot == null) {
            return null;
        }
        int target = 1 - current.slot();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(slot);
            long at = CheckpointSlots.offset(current.capacity(), target);
            while (buffer.hasRemaining()) {
                at += out.write(buffer, at);
            }
            out.force(false);
        } catch (IOException e) {
            throw unavailable("write", e);
        }
        return new SlotState(seq, target, current.capacity());
    }

    private void replaceFile(byte[] bytes) {
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
    }

    /**
     * Identifies the file's current content without reading it all: the slots' sequence numbers
     * (every write raises one), or for a file in the older single-document layout its inode, time
     * and size (each of its writes renamed a new file over it).
     */
    private Object version(FileChannel in) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        byte[] head = readAt(in, 0, 128);
        int capacity = CheckpointSlots.isSlotted(head) ? CheckpointSlots.capacity(head) : -1;
        if (capacity < 0) {
            return Arrays.asList(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        }
        return Arrays.asList(attributes.fileKey(), attributes.size(),
                CheckpointSlots.seq(readAt(in, CheckpointSlots.offset(capacity, 0), CheckpointSlots.PREFIX_BYTES)),
                CheckpointSlots.seq(readAt(in, CheckpointSlots.offset(capacity, 1), CheckpointSlots.PREFIX_BYTES)));
    }

    private static byte[] readAt(FileChannel in, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        long at = position;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static byte[] readAll(FileChannel in) throws IOException {
        long size = in.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("the file is larger than 2 GB");
        }
        return readAt(in, 0, (int) size);
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
