package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and removes the servers of test JVMs that died without running their shutdown hooks
 * (SIGKILL, surefire or PIT timeouts).
 *
 * <p>Every server directory gets an owner file ({@value #OWNER_FILE}) naming the JVM that owns it
 * (pid and start time, so a reused pid is not taken for the owner) and the server pids started in
 * it. {@link #reap} finds directories of one kind whose owner is gone, stops the processes whose
 * command line names that directory (SIGTERM, SIGKILL after a grace), and deletes the directories.
 * Directories without an owner file (made by older code, or being created right now) are left
 * alone, and a process is only ever signalled when its command line names the orphan directory.
 * A reaper holds a lock on the owner file while it works, so two JVMs never reap the same one.
 */
final class OrphanReaper {

    static final String OWNER_FILE = ".test-servers-owner";
    /** How long stopped servers get to exit on SIGTERM before SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(OrphanReaper.class);
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    private OrphanReaper() {
    }

    /** Records the current JVM as the owner of {@code dir}: call it right after creating the directory. */
    static void claim(Path dir) {
        claim(dir, ProcessHandle.current());
    }

    /** Records {@code owner} as the owner of {@code dir} (tests use a stand-in process). */
    static void claim(Path dir, ProcessHandle owner) {
        long start = owner.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        write(dir, "owner " + owner.pid() + " " + start + "\n");
    }

    /** Adds a server pid to {@code dir}'s owner file (best effort; the reaper also scans all processes). */
    static synchronized void recordServer(Path dir, long pid) {
        Path file = dir.resolve(OWNER_FILE);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            write(dir, text + "server " + pid + "\n");
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not record server pid {} in {}: {}", pid, file, e.toString());
        }
    }

    /**
     * Reaps the directories directly under {@code parents} whose names start with {@code prefix}
     * and whose owner JVM is no longer alive; returns how many were removed. Never throws: a
     * failure is logged and the directory left for a later run.
     */
    static int reap(List<Path> parents, String prefix, Duration grace) {
        List<Orphan> orphans = new ArrayList<>();
        try {
            for (Path parent : new LinkedHashSet<>(parents)) {
                orphans.addAll(findOrphans(parent, prefix));
            }
            if (orphans.isEmpty()) {
                return 0;
            }
            List<ProcessInfo> processes = ProcessInfo.all();
            for (Orphan orphan : orphans) {
                orphan.selectProcesses(processes);
            }
            stopAll(orphans, grace);
            int removed = 0;
            for (Orphan orphan : orphans) {
                removed += orphan.removeIfStopped() ? 1 : 0;
            }
            return removed;
        } catch (RuntimeException e) {
            LOG.warn("could not reap orphaned {}* test servers: {}", prefix, e.toString());
            return 0;
        } finally {
            orphans.forEach(Orphan::release);
        }
    }

    private static List<Orphan> findOrphans(Path parent, String prefix) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        List<Path> candidates;
        try (Stream<Path> entries = Files.list(parent)) {
            candidates = entries.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> Files.exists(p.resolve(OWNER_FILE), LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", parent, e.toString());
            return List.of();
        }
        List<Orphan> orphans = new ArrayList<>();
        for (Path dir : candidates) {
            Orphan.lockIfOrphaned(dir).ifPresent(orphans::add);
        }
        return orphans;
    }

    private static void stopAll(List<Orphan> orphans, Duration grace) {
        List<ProcessHandle> targets = orphans.stream().flatMap(o -> o.processes.stream()).distinct().toList();
        targets.forEach(ProcessHandle::destroy);
        List<ProcessHandle> left = awaitExit(targets, grace);
        if (!left.isEmpty()) {
            LOG.warn("orphaned test servers {} ignored SIGTERM for {} ms: SIGKILL", left.stream()
                    .map(ProcessHandle::pid).toList(), grace.toMillis());
            left.forEach(ProcessHandle::destroyForcibly);
            awaitExit(left, AFTER_KILL);
        }
    }

    private static List<ProcessHandle> awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> left = new ArrayList<>(processes);
        while (true) {
            left.removeIf(p -> !p.isAlive());
            if (left.isEmpty() || System.nanoTime() >= deadline) {
                return left;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left;
            }
        }
    }

    private static void write(Path dir, String text) {
        Path tmp = dir.resolve(OWNER_FILE + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the owner file of " + dir, e);
        }
    }

    /** A directory whose owner is gone, locked by this reaper until {@link #release()}. */
    private static final class Orphan {
        private final Path dir;
        private final FileChannel channel;
        private final FileLock lock;
        private final long ownerPid;
        private final Set<Long> recordedServers;
        private final List<ProcessHandle> processes = new ArrayList<>();

        private Orphan(Path dir, FileChannel channel, FileLock lock, long ownerPid, Set<Long> recordedServers) {
            this.dir = dir;
            this.channel = channel;
            this.lock = lock;
            this.ownerPid = ownerPid;
            this.recordedServers = recordedServers;
        }

        static Optional<Orphan> lockIfOrphaned(Path dir) {
            FileChannel channel;
            try {
                channel = FileChannel.open(dir.resolve(OWNER_FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException | SecurityException e) {
                return Optional.empty(); // gone meanwhile, or another user's directory
            }
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                    return Optional.empty(); // another JVM reaps it right now
                }
                String text = readAll(channel);
                long[] owner = parseOwner(text);
                if (owner == null || ownerAlive(owner[0], owner[1])) {
                    lock.release();
                    channel.close();
                    return Optional.empty();
                }
                return Optional.of(new Orphan(dir, channel, lock, owner[0], parseServers(text)));
            } catch (IOException | OverlappingFileLockException e) {
                closeQuietly(channel);
                return Optional.empty();
            }
        }

        void selectProcesses(List<ProcessInfo> all) {
            Pattern names = namesDirectory(dir);
            Set<Long> selfAndAncestors = selfAndAncestors();
            for (ProcessInfo p : all) {
                if (!selfAndAncestors.contains(p.pid()) && names.matcher(p.commandLine()).find()) {
                    ProcessHandle.of(p.pid()).ifPresent(processes::add);
                }
            }
        }

        boolean removeIfStopped() {
            List<Long> alive = processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
            List<Long> stopped = processes.stream().map(ProcessHandle::pid).toList();
            if (!alive.isEmpty()) {
                LOG.warn("orphaned test server dir {} (owner JVM {} gone) kept: pids {} still run", dir, ownerPid, alive);
                return false;
            }
            try {
                deleteTree(dir);
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("could not delete orphaned test server dir {}: {}", dir, e.toString());
                return false;
            }
            LOG.info("reaped orphaned test server dir {} (owner JVM {} gone; recorded servers {}, stopped pids {})",
                    dir, ownerPid, recordedServers, stopped);
            return true;
        }

        void release() {
            try {
                lock.release();
            } catch (IOException | RuntimeException ignored) {
                // the channel is closed next, which releases it anyway
            }
            closeQuietly(channel);
        }
    }

    /** This JVM and the processes that (transitively) started it: never signalled, whatever their command line. */
    private static Set<Long> selfAndAncestors() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
            if (!pids.add(p.get().pid())) {
                break;
            }
        }
        return pids;
    }

    /** Matches {@code dir} in a command line as a whole path or a path prefix ({@code dir/...}). */
    static Pattern namesDirectory(Path dir) {
        return Pattern.compile(Pattern.quote(dir.toString()) + "(?=$|[/\\s\"'=:,])");
    }

    /** Whether {@code pid} runs and (when known) started at {@code startMillis}: not a reused pid. */
    static boolean ownerAlive(long pid, long startMillis) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return false;
        }
        Optional<Instant> started = handle.get().info().startInstant();
        if (startMillis < 0 || started.isEmpty()) {
            return true;
        }
        return Math.abs(started.get().toEpochMilli() - startMillis) <= START_TOLERANCE.toMillis();
    }

    /** {@code {pid, startMillis}} from the owner line, or null when the file is unreadable. */
    static long[] parseOwner(String text) {
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[0].equals("owner")) {
                try {
                    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Set<Long> parseServers(String text) {
        Set<Long> pids = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals("server")) {
                try {
                    pids.add(Long.parseLong(parts[1]));
                } catch (NumberFormatException ignored) {
                    // a torn line: the process scan finds the server anyway
                }
            }
        }
        return pids;
    }

    private static String readAll(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 64 * 1024));
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A process and its command line ({@code /proc/<pid>/cmdline}, else what the JDK reports). */
    record ProcessInfo(long pid, String commandLine) {

        static List<ProcessInfo> all() {
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                return all.map(h -> new ProcessInfo(h.pid(), commandLineOf(h))).filter(p -> !p.commandLine().isEmpty())
                        .toList();
            }
        }

        private static String commandLineOf(ProcessHandle handle) {
            try {
                byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(handle.pid()), "cmdline"));
                return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            } catch (IOException | RuntimeException e) {
                return handle.info().commandLine().orElse("");
            }
        }
    }
}
