package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    /** Keeps a core busy for about {@code ms} of wall time. */
    private static void spin(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    @Test
    void countsABusyThreadInItsGroupAndKeepsItsCpuAfterItEndsWhenMergedIntoASampler() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        ThreadCpu before = ThreadCpu.now();
        ThreadCpu[] seenWhileRunning = new ThreadCpu[1];
        Thread spinner = new Thread(() -> {
            spin(300);
            seenWhileRunning[0] = ThreadCpu.now();
        }, "spin-test-7");
        spinner.start();
        spinner.join();

        ThreadCpu sampled = before.latest(seenWhileRunning[0]).latest(ThreadCpu.now());
        long spinnerMs = sampled.msByGroupSince(before, name -> name.startsWith("spin-test") ? "spin" : "other")
                .getOrDefault("spin", 0L);
        assertThat(spinnerMs).as("the ended thread's CPU, kept by the merge").isBetween(100L, 2_000L);
        assertThat(ThreadCpu.now().msByGroupSince(before, name -> name).keySet()).doesNotContain("spin-test-7");
        assertThat(sampled.totalSince(before)).isGreaterThanOrEqualTo(spinnerMs);
        assertThat(sampled.since(before)).contains("spin-test ");
    }

    @Test
    void countsTheWakeUpsOfAThreadThatSleeps() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/task/" + ProcessHandle.current().pid() + "/schedstat")),
                "needs schedstat");
        ThreadCpu before = ThreadCpu.now();
        Thread sleeper = new Thread(() -> {
            for (int i = 0; i < 20; i++) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sleep-test-1");
        ThreadCpu sampled = before;
        sleeper.start();
        while (sleeper.isAlive()) {
            sampled = sampled.latest(sampled.next());   // keeps the thread's last figures after it ends
        }
        assertThat(sampled.runsByGroupSince(before, ThreadCpu::withoutNumber).get("sleep-test"))
                .as("times scheduled in, one per sleep at least").isGreaterThanOrEqualTo(15L);
    }

    @Test
    void groupsThreadNamesWithoutTheirNumbers() {
        assertThat(ThreadCpu.withoutNumber("GC Thread#3")).isEqualTo("GC_Thread");
        assertThat(ThreadCpu.withoutNumber("es-bulk-12")).isEqualTo("es-bulk");
        assertThat(ThreadCpu.withoutNumber("pool-3-thread-1")).isEqualTo("pool-N-thread");
    }
}
