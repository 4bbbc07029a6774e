package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.CheckpointChanges;
import io.upgradesdk.upgrade.internal.CheckpointFile;
import io.upgradesdk.upgrade.internal.CheckpointLog;
import io.upgradesdk.upgrade.internal.CheckpointSlots;
import io.upgradesdk.upgrade.internal.FileChannels;
import io.upgradesdk.upgrade.spi.LeaseRules;
import io.upgradesdk.upgrade.internal.StepJsonCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The embedded default store: all plans' checkpoints and leases in one file.
 *
 * <ul>
 *   <li>The file is a log in two areas of fixed size, each a base (the whole content, with a
 *       sequence number and a checksum) followed by one change record per save, each with the next
 *       sequence number and its own checksum. A save appends only what changed (the step records
 *       and plan fields that differ from the file's current content) at the end of the active
 *       area, in place, and forces only the data: one data-only sync, which does not wait for a
 *       file-system journal commit behind other programs' writes, and whose size follows the
 *       change, not the plan. A crash ({@code kill -9}, power loss) mid-write tears at most that
 *       record, whose checksum then fails: readers get the state before it. When the area is
 *       full, the whole content is written as a new base at the start of the other area; a crash
 *       during that write leaves the active area, and so the previous state, intact. A new file,
 *       or content whose base outgrows half an area, is written to a temporary file, forced,
 *       renamed over the file and the directory forced.</li>
 *   <li>Files written in the layouts of earlier versions (two fixed slots, or one JSON document)
 *       are read, and converted at the next change.</li>
 *   <li>The file is not JSON any more (an earlier layout was readable with {@code jq}); to print
 *       its current content as one JSON document, run
 *       {@code java -cp upgrade-api.jar:jackson-databind.jar:... io.upgradesdk.upgrade.FileCheckpointStore FILE | jq}.</li>
 *   <li>Processes sharing the file serialise their changes with an OS lock on
 *       {@code <file>.lock} and notice each other's changes by sequence number. The lease holder
 *       also keeps an OS lock for as long as it holds the lease, so when its process dies the
 *       lease is taken over at once instead of at expiry. The checkpoint records which lock file
 *       (device and inode) that lock is on: when {@code <file>.lock} is deleted or replaced while
 *       a run holds the lease, another run cannot tell whether the holder lives, so it waits for
 *       the lease to expire ({@link UpgradeErrorCode#LOCK_HELD}) instead of taking it over; the
 *       holder moves its locks to the new lock file at its next change.</li>
 *   <li>The store never follows a symbolic link at the checkpoint file, {@code <file>.lock} or
 *       {@code <file>.tmp} (in a shared directory, a link planted there would make a run write to
 *       another file): temporary files are created exclusively, every file is opened without
 *       following links, and a link found at one of these paths is refused with
 *       {@link UpgradeErrorCode#INVALID_CONFIGURATION}, naming it.</li>
 *   <li>A corrupted or foreign file fails with {@link UpgradeErrorCode#CHECKPOINT_UNREADABLE},
 *       naming the path and the fix; nothing is overwritten.</li>
 * </ul>
 */
public final class FileCheckpointStore implements CheckpointStore {

    static final long MUTEX_POSITION = 0;
    private static final int LIVENESS_SLOTS = 1 << 20;

    private final Path file;
    private final Path tempFile;
    private final Path lockFile;
    /** How long a read or write waits for another process's read or write to finish before giving up. */
    static final Duration MUTEX_WAIT = Duration.ofSeconds(30);

    private final Duration mutexWait;

    private final Clock clock;
    private final FileChannels channels;
    /** The lock file as opened; reopened when {@link #lockFile} was deleted or replaced. */
    private FileChannel lockChannel;
    /** The identity (device, inode) of the file {@link #lockChannel} is open on; null when unknown. */
    private String lockChannelId;
    private final Map<String, FileLock> livenessLocks = new HashMap<>();
    private final StepJsonCache stepJson = new StepJsonCache();
    /** The file's content as last read or written. */
    private CheckpointFile cached;
    /** Where {@link #cached} ends in the log; null: the file is missing or in an earlier layout. */
    private LogPosition position;

    /**
     * The file (identity), its areas' capacity, the sequence numbers at the start of each area
     * when last seen, the active area, its last sequence number and the offset of its tail.
     */
    private record LogPosition(Object fileKey, int capacity, long firstBaseSeq, long secondBaseSeq, int area,
            long lastSeq, int tail) {

        LogPosition appended(long seq, int newTail) {
            return new LogPosition(fileKey, capacity, firstBaseSeq, secondBaseSeq, area, seq, newTail);
        }

        LogPosition rebased(int newArea, long seq, int newTail) {
            return new LogPosition(fileKey, capacity, newArea == 0 ? seq : firstBaseSeq,
                    newArea == 1 ? seq : secondBaseSeq, newArea, seq, newTail);
        }

        long areaOffset() {
            return CheckpointLog.areaOffset(capacity, area);
        }
    }

    /** A store in {@code file} (created on first write; its directory must exist). */
    public FileCheckpointStore(Path file) {
        this(file, Clock.systemUTC());
    }

    /** A store whose lease expiry follows {@code clock}. */
    public FileCheckpointStore(Path file, Clock clock) {
        this(file, clock, FileChannels.SYSTEM);
    }

    /** A store reading and writing the checkpoint file through {@code channels} (tests: forces, torn writes). */
    FileCheckpointStore(Path file, Clock clock, FileChannels channels) {
        this(file, clock, channels, MUTEX_WAIT);
    }

    /** As above, giving up on a mutex held by another process after {@code mutexWait} (tests). */
    FileCheckpointStore(Path file, Clock clock, FileChannels channels, Duration mutexWait) {
        this.mutexWait = requireNonNull(mutexWait, "mutexWait");
        this.file = requireNonNull(file, "file").toAbsolutePath();
        this.tempFile = this.file.resolveSibling(this.file.getFileName() + ".tmp");
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        this.clock = requireNonNull(clock, "clock");
        this.channels = requireNonNull(channels, "channels");
        Path directory = this.file.getParent();
        if (!Files.isDirectory(directory)) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "the directory of checkpoint file "
                    + this.file + " does not exist; create " + directory + " or choose another path");
        }
        refuseLink(this.file);
        refuseLink(lockFile);
        refuseLink(tempFile);
        openLockFile();
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
            boolean holderDead = live && own == null && entry.livenessLocked() && liveness != null
                    && isCurrentLockFile(entry.lockFile());
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
            return content.with(planId, entry.withLease(acquired[0], liveness != null, lockChannelId));
        });
        return acquired[0];
    }

    @Override
    public synchronized Lease renewLease(Lease lease, Duration duration) {
        Lease[] renewed = new Lease[1];
        update(content -> {
            CheckpointFile.Entry entry = content.entry(lease.planId());
            renewed[0] = LeaseRules.renew(entry.lease(), lease, duration, clock.instant());
            boolean locked = livenessLocks.containsKey(lease.planId());
            return content.with(lease.planId(), entry.withLease(renewed[0], locked, lockChannelId));
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
            return content.with(lease.planId(), entry.withLease(null, false, null));
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
            return entry.lease() == null ? content : content.with(planId, entry.withLease(null, false, null));
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

    /**
     * Prints the current content of a checkpoint file as one JSON document (the single-document
     * layout, with {@code "format": "upgrade-sdk/checkpoint-file"}), for reading or {@code jq}.
     * Argument: the checkpoint file. It takes the file's lock while it reads.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp <upgrade-api and its dependencies> "
                    + FileCheckpointStore.class.getName() + " CHECKPOINT_FILE");
            System.exit(2);
        }
        try (FileCheckpointStore store = new FileCheckpointStore(Path.of(args[0]))) {
            PrintStream out = System.out;
            out.println(new String(store.locked(CheckpointFile::toBytes), StandardCharsets.UTF_8));
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
                write(before, after);
            }
        } finally {
            release(mutex);
        }
    }

    /**
     * Locks the mutex on the lock file, first moving to a new lock file when {@code <file>.lock}
     * was deleted or replaced since it was opened (a lock on a deleted file excludes nobody).
     */
    private FileLock lockMutex() {
        long deadline = System.nanoTime() + mutexWait.toNanos();
        while (true) {
            try {
                FileLock mutex = lockChannel.tryLock(MUTEX_POSITION, 1, false);
                if (mutex == null) {
                    // Another process holds it, normally for one read or write.
                    waitForMutex(deadline);
                    continue;
                }
                if (lockFileStillAtItsPath()) {
                    return mutex;
                }
                release(mutex);
                reopenLockFile();
            } catch (OverlappingFileLockException e) {
                // Another store instance in this JVM holds it: wait for it.
                waitForMutex(deadline);
            } catch (IOException e) {
                throw unavailable("lock", e);
            }
        }
    }

    /**
     * Waits a moment for the mutex, or gives up once {@link #MUTEX_WAIT} has passed: a process
     * stopped (SIGSTOP, a paused VM) while it held the mutex would otherwise hang every other run.
     */
    private void waitForMutex(long deadline) {
        if (System.nanoTime() - deadline > 0) {
            throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "the checkpoint file " + file
                    + " stayed locked by another process for " + mutexWait.toMillis() + " ms (a stopped or frozen"
                    + " process holds the lock on " + lockFile + "); find it (fuser " + lockFile + "), let it"
                    + " continue or end it, and run again");
        }
        sleepBriefly();
    }

    private void openLockFile() {
        try {
            lockChannel = channels.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            refuseLink(lockFile); // opening a link without following it fails with a plain IOException
            throw unavailable("open the lock file of", e);
        }
        lockChannelId = identityOf(lockFile);
    }

    private boolean lockFileStillAtItsPath() {
        return lockChannelId == null || lockChannelId.equals(identityOf(lockFile));
    }

    /** Opens the lock file now at its path and takes this store's liveness locks again on it. */
    private void reopenLockFile() {
        FileChannel stale = lockChannel;
        openLockFile();
        for (Map.Entry<String, FileLock> held : new ArrayList<>(livenessLocks.entrySet())) {
            release(held.getValue());
            FileLock moved = tryLiveness(held.getKey());
            if (moved != null) {
                livenessLocks.put(held.getKey(), moved);
            } else {
                livenessLocks.remove(held.getKey());
            }
        }
        try {
            stale.close();
        } catch (IOException e) {
            // It was on a deleted file: nothing else holds it.
        }
    }

    /** Whether a holder's liveness lock, recorded as held on {@code recorded}, is on the lock file this store has open. */
    private boolean isCurrentLockFile(String recorded) {
        return recorded == null || lockChannelId == null || recorded.equals(lockChannelId);
    }

    /** The identity (device and inode) of the file at {@code path}, not following links; null when missing or unknown. */
    private static String identityOf(Path path) {
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return key == null ? null : key.toString();
        } catch (IOException e) {
            return "missing";
        }
    }

    private static void refuseLink(Path path) {
        if (Files.isSymbolicLink(path)) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, path + " is a symbolic link; the"
                    + " checkpoint store never writes through a link (in a shared directory it could point at"
                    + " another user's file): remove the link, or put the checkpoint file in a directory only"
                    + " this user can write to");
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
        try (FileChannel in = channels.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            CheckpointFile appended = cached != null && position != null ? readAppended(in) : null;
            return appended != null ? appended : readWhole(in);
        } catch (NoSuchFileException e) {
            cached = null;
            position = null;
            return CheckpointFile.empty();
        } catch (IOException e) {
            refuseLink(file);
            throw unavailable("read", e);
        }
    }

    /**
     * The content after the change records appended since the last read or write (often none),
     * read from the tail on; null when the file was replaced or compacted since, so that it must
     * be read whole. Neither area's start moved: only appends can have happened.
     */
    private CheckpointFile readAppended(FileChannel in) throws IOException {
        LogPosition at = position;
        Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        if (!Objects.equals(fileKey, at.fileKey()) || in.size() != CheckpointLog.fileSize(at.capacity())
                || baseSeq(in, at.capacity(), 0) != at.firstBaseSeq()
                || baseSeq(in, at.capacity(), 1) != at.secondBaseSeq()) {
            return null;
        }
        List<byte[]> payloads = new ArrayList<>();
        long last = at.lastSeq();
        int tail = at.tail();
        while (true) {
            byte[] frame = readAt(in, at.areaOffset() + tail, CheckpointLog.FRAME_BYTES);
            int length = frame.length < CheckpointLog.FRAME_BYTES ? -1 : ByteBuffer.wrap(frame).getInt();
            if (length <= 0 || length > at.capacity() - tail - CheckpointLog.FRAME_BYTES) {
                break;
            }
            byte[] bytes = readAt(in, at.areaOffset() + tail, CheckpointLog.FRAME_BYTES + length);
            CheckpointLog.Record record = CheckpointLog.record(bytes, 0, false, last + 1);
            if (record == null) {
                break;
            }
            payloads.add(record.payload());
            last = record.seq();
            tail += record.size();
        }
        if (!payloads.isEmpty()) {
            cached = CheckpointChanges.apply(cached, payloads, file.toString());
            position = at.appended(last, tail);
        }
        return cached;
    }

    private static long baseSeq(FileChannel in, int capacity, int area) throws IOException {
        return CheckpointLog.seqAt(readAt(in, CheckpointLog.areaOffset(capacity, area), CheckpointLog.FRAME_BYTES));
    }

    private CheckpointFile readWhole(FileChannel in) throws IOException {
        Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        byte[] bytes = readAll(in);
        String source = file.toString();
        CheckpointFile content;
        LogPosition at = null;
        if (CheckpointLog.isLog(bytes)) {
            CheckpointLog.Chain chain = CheckpointLog.newest(bytes, source);
            List<byte[]> payloads = chain.changes().stream().map(CheckpointLog.Record::payload).toList();
            content = CheckpointChanges.apply(CheckpointFile.parse(chain.base().payload(), source), payloads, source);
            int capacity = CheckpointLog.capacity(bytes);
            at = new LogPosition(fileKey, capacity, seqAtArea(bytes, capacity, 0), seqAtArea(bytes, capacity, 1),
                    chain.area(), chain.lastSeq(), chain.tail());
        } else if (CheckpointSlots.isSlotted(bytes)) {
            content = CheckpointFile.parse(CheckpointSlots.newest(bytes, source).content(), source);
        } else {
            content = CheckpointFile.parse(bytes, source);
        }
        cached = content;
        position = at;
        return content;
    }

    private static long seqAtArea(byte[] file, int capacity, int area) {
        int start = (int) CheckpointLog.areaOffset(capacity, area);
        return CheckpointLog.seqAt(Arrays.copyOfRange(file, start, start + CheckpointLog.FRAME_BYTES));
    }

    /**
     * Writes {@code after} durably. Usually it appends one change record from {@code before} to
     * the active area in place and forces only the data; when the area is full it writes a new
     * base in the other area; the whole file is rewritten (temporary file, rename) only when it is
     * new, in an earlier layout, or when the base outgrows half an area.
     */
    private void write(CheckpointFile before, CheckpointFile after) {
        LogPosition at = position;
        cached = null; // until the write succeeded: a failed one leaves the file to be read again
        if (at == null) {
            rewrite(after, 1);
        } else {
            long seq = at.lastSeq() + 1;
            byte[] record = CheckpointLog.changeRecord(seq, CheckpointChanges.between(before, after));
            if (at.tail() + record.length <= at.capacity()) {
                writeInPlace(at.areaOffset() + at.tail(), record);
                position = at.appended(seq, at.tail() + record.length - CheckpointLog.FRAME_BYTES);
            } else {
                compact(after, at, seq);
            }
        }
        cached = after;
    }

    /** Writes the whole content as the base of the other area, which then becomes the active one. */
    private void compact(CheckpointFile content, LogPosition at, long seq) {
        byte[] snapshot = snapshot(content);
        if (!CheckpointLog.baseFits(snapshot.length, at.capacity())) {
            rewrite(content, seq, snapshot);
            return;
        }
        int target = 1 - at.area();
        byte[] record = CheckpointLog.baseRecord(seq, snapshot);
        writeInPlace(CheckpointLog.areaOffset(at.capacity(), target), record);
        position = at.rebased(target, seq, CheckpointLog.FRAME_BYTES + snapshot.length);
    }

    private void rewrite(CheckpointFile content, long seq) {
        rewrite(content, seq, snapshot(content));
    }

    private void rewrite(CheckpointFile content, long seq, byte[] snapshot) {
        int capacity = CheckpointLog.capacityFor(snapshot.length);
        byte[] whole = CheckpointLog.newFile(capacity, seq, snapshot);
        position = null;
        replaceFile(whole);
        try {
            Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            position = new LogPosition(fileKey, capacity, seq, 0, 0, seq, CheckpointLog.FRAME_BYTES + snapshot.length);
        } catch (IOException e) {
            position = null; // read whole next time
        }
    }

    private byte[] snapshot(CheckpointFile content) {
        byte[] snapshot = content.toSnapshotBytes(stepJson);
        stepJson.endWrite();
        return snapshot;
    }

    private void writeInPlace(long offset, byte[] bytes) {
        try (FileChannel out = channels.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long at = offset;
            while (buffer.hasRemaining()) {
                at += out.write(buffer, at);
            }
            out.force(false);
        } catch (IOException e) {
            refuseLink(file);
            throw unavailable("write", e);
        }
    }

    private void replaceFile(byte[] bytes) {
        removeStaleTempFile();
        try (FileChannel out = channels.open(tempFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (FileAlreadyExistsException e) {
            refuseLink(tempFile);
            throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, tempFile + " appeared while this run was"
                    + " about to create it; another program writes in " + file.getParent() + ": run again, or put"
                    + " the checkpoint file in a directory only this user can write to", e);
        } catch (IOException e) {
            refuseLink(tempFile);
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
     * Removes the temporary file a crashed run left behind; refuses a link there (never created by
     * this store). Removing a name never touches what a link points to.
     */
    private void removeStaleTempFile() {
        refuseLink(tempFile);
        try {
            Files.deleteIfExists(tempFile);
        } catch (IOException e) {
            throw unavailable("remove the temporary file of", e);
        }
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
        try (FileChannel directory = channels.open(file.getParent(), StandardOpenOption.READ)) {
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
