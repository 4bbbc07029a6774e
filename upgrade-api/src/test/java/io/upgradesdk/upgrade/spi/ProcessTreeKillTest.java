package io.upgradesdk.upgrade.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a timed-out or interrupted command's process tree ends, with real processes: every process
 * gets the termination signal first (it may clean up), whatever outlives the grace is killed
 * forcibly, and a tree that ends on the signal is not made to wait for the grace.
 */
class ProcessTreeKillTest {

    @TempDir
    Path dir;

    /** Processes a test started through its script, killed here should the runner have left them. */
    private final List<Path> pidFiles = new java.util.ArrayList<>();

    @AfterEach
    void killWhatThisTestStartedAndTheRunnerLeft() throws IOException {
        for (Path pidFile : pidFiles) {
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private Path pidFile(String name) {
        Path file = dir.resolve(name);
        pidFiles.add(file);
        return file;
    }

    private static ProcessRunner.Builder shell(String script, Duration timeout) {
        return ProcessRunner.builder(List.of("/bin/sh", "-c", script), timeout);
    }

    private static Duration timed(Runnable action) {
        long begin = System.nanoTime();
        action.run();
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    private static void runExpectingTimeout(ProcessRunner runner) {
        assertThatThrownBy(runner::run).isInstanceOf(UpgradeException.class).hasMessageContaining("did not finish");
    }

    /** Running (not gone, not a zombie waiting to be reaped), from /proc. */
    private static boolean running(Path pidFile) throws IOException {
        Path stat = Path.of("/proc", Files.readString(pidFile).strip(), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String text = Files.readString(stat);
        return !text.substring(text.lastIndexOf(')') + 1).strip().startsWith("Z");
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(file).exists();
    }

    @Test
    void aChildIgnoringTheTerminationSignalIsKilledForciblyOnceTheGraceIsOver() throws Exception {
        Path child = pidFile("child.pid");
        ProcessRunner runner = shell("sh -c 'trap \"\" TERM; for i in $(seq 300); do sleep 0.1; done' & echo $! > " + child
                + "; sleep 30", Duration.ofMillis(500)).killGrace(Duration.ofMillis(700)).build();

        Duration took = timed(() -> runExpectingTimeout(runner));

        assertThat(running(child)).as("the child that ignored the termination signal").isFalse();
        assertThat(took).as("the timeout, then the whole grace: the child was alive through it")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void childrenGetTheTerminationSignalBeforeAnyForcibleKillSoTheyCanCleanUp() throws Exception {
        Path marker = dir.resolve("cleaned");
        ProcessRunner runner = shell("sh -c 'trap \"echo cleaned > " + marker + "; exit 0\" TERM;"
                + " for i in $(seq 300); do sleep 0.1; done' & sleep 30", Duration.ofMillis(500))
                .killGrace(Duration.ofSeconds(5)).build();

        Duration took = timed(() -> runExpectingTimeout(runner));

        assertThat(marker).as("written by the child's TERM handler").exists();
        assertThat(took).as("everything ended on the signal: no wait for the rest of the grace")
                .isLessThan(Duration.ofMillis(4500));
    }

    @Test
    void aCommandThatEndsOnTheTerminationSignalIsNotMadeToWaitForTheGrace() {
        // The shell's loop survives its children's deaths: only the signal sent to it ends it.
        ProcessRunner runner = shell("for i in $(seq 300); do sleep 0.1; done", Duration.ofMillis(300))
                .killGrace(Duration.ofSeconds(20)).build();

        Duration took = timed(() -> runExpectingTimeout(runner));

        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anInterruptedRunKillsTheProcessTreeAndRethrowsTheInterrupt() throws Exception {
        Path child = pidFile("child.pid");
        Path started = dir.resolve("started");
        ProcessRunner runner = shell("sleep 30 & echo $! > " + child + "; touch " + started + "; sleep 30",
                Duration.ofSeconds(60)).killGrace(Duration.ofMillis(500)).build();
        CompletableFuture<Optional<Throwable>> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                runner.run();
                outcome.complete(Optional.empty());
            } catch (Throwable e) {
                outcome.complete(Optional.of(e));
            }
        });
        caller.start();
        try {
            awaitFile(started);
            caller.interrupt();

            Optional<Throwable> thrown = outcome.get(10, TimeUnit.SECONDS);

            assertThat(thrown).containsInstanceOf(InterruptedException.class);
            assertThat(running(child)).as("the command's child").isFalse();
        } finally {
            caller.interrupt();
            caller.join(10_000);
        }
    }

    @Test
    void aBackgroundChildHoldingTheOutputOfAHungCommandIsKilledWithItAndTheRunEndsSoonAfterItsTimeout()
            throws Exception {
        Path child = pidFile("child.pid");
        ProcessRunner runner = shell("sleep 30 & echo $! > " + child + "; sleep 60", Duration.ofSeconds(1))
                .killGrace(Duration.ofSeconds(10)).build();

        Duration took = timed(() -> runExpectingTimeout(runner));

        assertThat(took).as("the 1 s timeout, then the kill: the drain does not wait for the 10 s grace").isLessThan(
                Duration.ofSeconds(6));
        assertThat(running(child)).as("the background child that held stdout").isFalse();
    }

    @Test
    void aChildThatLeftTheProcessTreeAndHoldsTheOutputCannotHoldTheTimedOutRunForLong() throws Exception {
        Path escaped = pidFile("escaped.pid");
        // the subshell exits at once: its background sleep belongs to nobody in the tree, but keeps stdout open
        ProcessRunner runner = shell("(sleep 30 & echo $! > " + escaped + "); sleep 60", Duration.ofSeconds(1))
                .killGrace(Duration.ofSeconds(10)).build();

        Duration took = timed(() -> runExpectingTimeout(runner));

        assertThat(took).as("the 1 s timeout and a short drain, not the 10 s grace once per stream")
                .isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void childrenThatLeftTheTreeByADoubleForkOrANewSessionAreKilledWithItAtTheTimeout() throws Exception {
        Path forked = pidFile("forked.pid");
        Path session = pidFile("session.pid");
        // each subshell exits at once: init adopts its child, which is then no descendant of the command
        ProcessRunner runner = shell("(sh -c 'echo $$ > " + forked + "; exec sleep 30' &);"
                + " (setsid sh -c 'echo $$ > " + session + "; exec sleep 30' &); sleep 60", Duration.ofSeconds(1))
                .killGrace(Duration.ofMillis(500)).build();

        Duration took = timed(() -> runExpectingTimeout(runner));

        awaitFile(forked);
        awaitFile(session);
        assertThat(running(forked)).as("the double-forked child").isFalse();
        assertThat(running(session)).as("the child in its own session").isFalse();
        assertThat(took).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void anEscapedChildIgnoringTheTerminationSignalIsKilledForciblyAfterTheGrace() throws Exception {
        Path forked = pidFile("forked.pid");
        ProcessRunner runner = shell("(sh -c 'echo $$ > " + forked + "; trap \"\" TERM;"
                + " for i in $(seq 300); do sleep 0.1; done' &); sleep 60", Duration.ofSeconds(1))
                .killGrace(Duration.ofMillis(500)).build();

        runExpectingTimeout(runner);

        awaitFile(forked);
        assertThat(running(forked)).as("the escaped child that ignored the termination signal").isFalse();
    }

    @Test
    void aCommandThatExitsLeavingABackgroundChildOnItsOutputReturnsByItsTimeoutAndLeavesTheChild()
            throws Exception {
        Path child = pidFile("child.pid");
        ProcessRunner runner = shell("sleep 30 & echo $! > " + child + "; echo started", Duration.ofSeconds(2))
                .build();

        long begin = System.nanoTime();
        ProcessRunner.Result result = runner.run();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().text()).contains("started");
        assertThat(took).as("output read until the 2 s timeout, once for both streams (not 2 s per stream)")
                .isLessThan(Duration.ofMillis(3900));
        assertThat(running(child)).as("a command that succeeded may leave a daemon running").isTrue();
    }
}
