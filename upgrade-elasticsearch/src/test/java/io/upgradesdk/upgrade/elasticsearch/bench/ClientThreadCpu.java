package io.upgradesdk.upgrade.elasticsearch.bench;

import io.upgradesdk.testservers.ThreadCpu;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The copying JVM's CPU during one copy, per role of its threads: slice (partition) workers, bulk
 * writers, HTTP client I/O, GC, JIT compilers, the rest. A sampler thread reads every thread's CPU
 * every {@code interval} (threads such as a slice's bulk writers end before the copy does: their
 * CPU is what was last seen of them); what no sample saw (the last moments of ended threads) is
 * the process's CPU less the sum, shown as {@value #UNSEEN}. It also counts the times each role's
 * threads were scheduled in: waits and wake-ups (e.g. slices waiting for a page permit) show there.
 */
final class ClientThreadCpu implements AutoCloseable {

    /** Roles in the order printed. */
    static final List<String> ROLES = List.of("slice workers", "bulk writers", "HTTP I/O", "GC", "JIT", "bench",
            "other", ClientThreadCpu.UNSEEN);
    static final String UNSEEN = "unseen";

    private final ThreadCpu start;
    private final long processMsAtStart;
    private final Thread sampler;
    private volatile ThreadCpu seen;
    private volatile boolean running = true;

    private ClientThreadCpu(Duration interval) {
        this.start = ThreadCpu.now();
        this.seen = start;
        this.processMsAtStart = processMs();
        this.sampler = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                seen = seen.latest(seen.next());
            }
        }, "bench-threadcpu");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling now. */
    static ClientThreadCpu start(Duration interval) {
        return new ClientThreadCpu(interval);
    }

    /**
     * Per role of {@link #ROLES}: the CPU ms and the times its threads were scheduled in (woken from
     * a wait, or back after being preempted), from the start to the {@link #stop}.
     */
    record Usage(Map<String, Long> cpuMs, Map<String, Long> runs) {
    }

    /** Stops sampling and returns what each role used since the start. */
    Usage stop() throws InterruptedException {
        close();
        ThreadCpu end = seen.latest(seen.next());
        Map<String, Long> cpuMs = new LinkedHashMap<>();
        Map<String, Long> runs = new LinkedHashMap<>();
        ROLES.forEach(role -> {
            cpuMs.put(role, 0L);
            runs.put(role, 0L);
        });
        end.msByGroupSince(start, ClientThreadCpu::role).forEach(cpuMs::put);
        end.runsByGroupSince(start, ClientThreadCpu::role).forEach(runs::put);
        cpuMs.put(UNSEEN, Math.max(0, processMs() - processMsAtStart - end.totalSince(start)));
        return new Usage(cpuMs, runs);
    }

    /** The raw thread groups (names without numbers) since the start, to check {@link #role}. */
    String threadNames() {
        return seen.latest(seen.next()).since(start);
    }

    /** The threads alive at some time during the copy, per role (those that ended included). */
    Map<String, Integer> threadsByRole() {
        return seen.latest(seen.next()).threadsByGroup(ClientThreadCpu::role);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
    }

    /** The role of a thread by its kernel name (at most 15 characters). */
    static String role(String name) {
        if (name.startsWith("upgrade-partiti")) {
            return "slice workers";    // also the partition lease heartbeat ("upgrade-partition-lease")
        } else if (name.startsWith("es-bulk")) {
            return "bulk writers";
        } else if (name.startsWith("elasticsearch-r") || name.startsWith("I/O dispatcher")) {
            return "HTTP I/O";
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "GC";
        } else if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
            return "JIT";
        } else if (name.equals("main") || name.equals("bench-threadcpu") || name.equals("java")) {
            return "bench";
        }
        return "other";
    }

    private static long processMs() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis();
    }
}
