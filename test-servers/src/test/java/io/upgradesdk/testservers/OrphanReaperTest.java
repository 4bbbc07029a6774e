package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reaper with plain processes standing in for a test JVM ({@code sleep}) and its servers
 * ({@code tail -f <dir>/...}, whose command line names the directory as a server's does).
 */
class OrphanReaperTest {

    @TempDir
    Path base;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverythingThisTestStarted() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopsTheServersOfADeadOwnerAndDeletesItsDirectoryButLeavesEverythingElseAlone() throws Exception {
        Path orphan = Files.createDirectory(base.resolve("srv-1"));
        Process owner = start("sleep", "600");
        OrphanReaper.claim(orphan, owner.toHandle());
        Process server = tailIn(orphan);
        OrphanReaper.recordServer(orphan, server.pid());
        Path live = Files.createDirectory(base.resolve("srv-2"));
        OrphanReaper.claim(live);
        Process liveServer = tailIn(live);
        Path legacy = Files.createDirectory(base.resolve("srv-1x")); // no owner file; name extends srv-1
        Process legacyServer = tailIn(legacy);
        Process otherKind = tailIn(Files.createDirectory(base.resolve("other-1")));
        awaitCommandLinesWritten(server, liveServer, legacyServer, otherKind);

        owner.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        int reaped = OrphanReaper.reap(List.of(base), "srv-", Duration.ofSeconds(5));

        assertThat(reaped).isEqualTo(1);
        assertThat(server.waitFor(5, TimeUnit.SECONDS)).as("orphan's server stopped").isTrue();
        assertThat(orphan).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(legacy).isDirectory();
        assertThat(List.of(liveServer, legacyServer, otherKind)).allMatch(Process::isAlive);
    }

    @Test
    void aServerThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Path orphan = Files.createDirectory(base.resolve("srv-stubborn"));
        Process owner = start("sleep", "600");
        OrphanReaper.claim(orphan, owner.toHandle());
        Files.writeString(orphan.resolve("log"), "");
        Process stubborn = start("sh", "-c", "trap '' TERM; exec tail -f " + orphan.resolve("log"));
        awaitCommandLinesWritten(stubborn);
        owner.destroyForcibly().waitFor(5, TimeUnit.SECONDS);

        long t0 = System.nanoTime();
        int reaped = OrphanReaper.reap(List.of(base), "srv-", Duration.ofMillis(300));

        assertThat(reaped).isEqualTo(1);
        assertThat(stubborn.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(stubborn.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(orphan).doesNotExist();
    }

    @Test
    void aLiveOwnerKeepsItsDirectoryAndNothingIsSignalled() throws Exception {
        Path dir = Files.createDirectory(base.resolve("srv-mine"));
        OrphanReaper.claim(dir);
        Process server = tailIn(dir);
        awaitCommandLinesWritten(server);

        assertThat(OrphanReaper.reap(List.of(base), "srv-", Duration.ofMillis(100))).isZero();

        assertThat(dir).isDirectory();
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void anOrphanLockedByAnotherReaperIsSkippedUntilTheLockIsReleased() throws Exception {
        Path orphan = Files.createDirectory(base.resolve("srv-busy"));
        Process owner = start("sleep", "600");
        OrphanReaper.claim(orphan, owner.toHandle());
        Process server = tailIn(orphan);
        awaitCommandLinesWritten(server);
        owner.destroyForcibly().waitFor(5, TimeUnit.SECONDS);

        try (FileChannel channel = FileChannel.open(orphan.resolve(OrphanReaper.OWNER_FILE), StandardOpenOption.READ,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            assertThat(OrphanReaper.reap(List.of(base), "srv-", Duration.ofSeconds(5))).isZero();
            assertThat(server.isAlive()).isTrue();
        }

        assertThat(OrphanReaper.reap(List.of(base), "srv-", Duration.ofSeconds(5))).isEqualTo(1);
        assertThat(server.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aDeadOwnersDirectoryWithoutServersIsJustRemoved() throws Exception {
        Path orphan = Files.createDirectory(base.resolve("srv-empty"));
        Process owner = start("sleep", "600");
        OrphanReaper.claim(orphan, owner.toHandle());
        OrphanReaper.recordServer(orphan, 999_999_999L);
        Files.writeString(orphan.resolve("data"), "x");
        owner.destroyForcibly().waitFor(5, TimeUnit.SECONDS);

        assertThat(OrphanReaper.reap(List.of(base), "srv-", Duration.ofSeconds(5))).isEqualTo(1);

        assertThat(orphan).doesNotExist();
    }

    @Test
    void aReusedPidIsNotTakenForTheOwner() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(Instant::toEpochMilli).orElseThrow();

        assertThat(OrphanReaper.ownerAlive(self.pid(), start)).isTrue();
        assertThat(OrphanReaper.ownerAlive(self.pid(), start - 60_000)).isFalse();
        assertThat(OrphanReaper.ownerAlive(self.pid(), -1)).as("start time unknown: trust the pid").isTrue();
    }

    @Test
    void anUnreadableOwnerFileMeansHandsOff() {
        assertThat(OrphanReaper.parseOwner("owner 12 34\nserver 56\n")).containsExactly(12, 34);
        assertThat(OrphanReaper.parseOwner("owner 12")).isNull();
        assertThat(OrphanReaper.parseOwner("owner x 34")).isNull();
        assertThat(OrphanReaper.parseOwner("")).isNull();
    }

    @Test
    void aDirectoryIsNamedOnlyAsAWholePathOrPathPrefix() {
        var names = OrphanReaper.namesDirectory(Path.of("/tmp/pgts12"));

        assertThat(names.matcher("postgres -D /tmp/pgts12/data -p 5").find()).isTrue();
        assertThat(names.matcher("redis-server /tmp/pgts12").find()).isTrue();
        assertThat(names.matcher("java -Dx=/tmp/pgts12 Main").find()).isTrue();
        assertThat(names.matcher("postgres -D /tmp/pgts123/data").find()).isFalse();
        assertThat(names.matcher("postgres -D /tmp/pgts12x").find()).isFalse();
    }

    private Process tailIn(Path dir) throws IOException {
        Path log = Files.writeString(dir.resolve("server.log"), "");
        return start("tail", "-f", log.toString());
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    /** A forked child shows the parent's command line until it has exec'd {@code tail}. */
    private static void awaitCommandLinesWritten(Process... processes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process p : processes) {
            Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
            while (!Files.readString(cmdline).startsWith("tail") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
    }
}
