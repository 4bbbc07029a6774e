package io.upgradesdk.testservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The CPU used by this JVM's threads, for benchmarks that show where their own CPU goes: JIT
 * compilers, GC, HTTP I/O, copy workers, ... Read from {@code /proc/self/task/<tid>}: the time on
 * CPU in nanoseconds and the times the thread was scheduled in ({@code schedstat}) where the kernel
 * has them, else user + system time in clock ticks of 10 ms ({@code stat}; a short-lived thread then
 * shows 0, and no schedule count). A snapshot lists the threads alive when it was taken;
 * {@link #latest} merges a newer one into it so that a sampler keeps the last figures seen of
 * threads that have ended since. Thread names are the kernel's ({@code comm}): at most 15
 * characters. Empty where {@code /proc} is missing.
 */
public final class ThreadCpu {
    private static final long NS_PER_TICK = 10_000_000; // USER_HZ is 100 on Linux
    /** The name a new thread has until the JVM names it (the launcher's). */
    private static final String UNNAMED = "java";

    /** A thread as seen in one snapshot: its kernel name, CPU ns and times scheduled in so far. */
    private record Seen(String name, long ns, long runs) {
    }

    private final Map<Long, Seen> byTid;

    private ThreadCpu(Map<Long, Seen> byTid) {
        this.byTid = byTid;
    }

    /** The figures so far of every live thread of this JVM. */
    public static ThreadCpu now() {
        return new ThreadCpu(Map.of()).next();
    }

    /**
     * A new snapshot of the live threads, reading again only the names of threads this one does not
     * know yet (or knew before the JVM named them): half the reads for a sampler.
     */
    public ThreadCpu next() {
        Map<Long, Seen> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    long tid = Long.parseLong(task.getFileName().toString());
                    Seen known = byTid.get(tid);
                    String name = known != null && !known.name().equals(UNNAMED) ? known.name()
                            : Files.readString(task.resolve("comm")).strip();
                    threads.put(tid, read(task, name));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while being read
                }
            });
        } catch (IOException e) {
            return new ThreadCpu(Map.of());
        }
        return new ThreadCpu(threads);
    }

    /** A thread's figures: {@code schedstat}'s time on CPU and run count, else {@code stat}'s utime + stime. */
    private static Seen read(Path task, String name) throws IOException {
        Path schedstat = task.resolve("schedstat");
        if (Files.exists(schedstat)) {
            String[] fields = Files.readString(schedstat).trim().split(" ");
            return new Seen(name, Long.parseLong(fields[0]), Long.parseLong(fields[2]));
        }
        String stat = Files.readString(task.resolve("stat"));
        // after "tid (comm) ": state is field 3 of the line, utime 14 and stime 15
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new Seen(name, (Long.parseLong(rest[11]) + Long.parseLong(rest[12])) * NS_PER_TICK, 0);
    }

    /** This snapshot updated with {@code newer}: the threads of both, each with its newest figures. */
    public ThreadCpu latest(ThreadCpu newer) {
        Map<Long, Seen> merged = new HashMap<>(byTid);
        merged.putAll(newer.byTid);
        return new ThreadCpu(merged);
    }

    /**
     * CPU ms per group since {@code before} (threads not in it count from 0), grouping thread
     * names with {@code group}; groups that used nothing are left out.
     */
    public Map<String, Long> msByGroupSince(ThreadCpu before, Function<String, String> group) {
        Map<String, Long> byGroup = sumByGroupSince(before, group, Seen::ns);
        byGroup.replaceAll((name, ns) -> Math.round(ns / 1e6));
        byGroup.values().removeIf(ms -> ms == 0);
        return byGroup;
    }

    /**
     * The times the threads of each group were scheduled in since {@code before} (each wake-up from a
     * wait or sleep counts one, and so does each return after being preempted); empty without
     * {@code schedstat}.
     */
    public Map<String, Long> runsByGroupSince(ThreadCpu before, Function<String, String> group) {
        return sumByGroupSince(before, group, Seen::runs);
    }

    private Map<String, Long> sumByGroupSince(ThreadCpu before, Function<String, String> group, ToLongFunction<Seen> figure) {
        Map<String, Long> byGroup = new TreeMap<>();
        byTid.forEach((tid, seen) -> {
            Seen earlier = before.byTid.get(tid);
            boolean same = earlier != null && earlier.name().equals(seen.name());
            long delta = figure.applyAsLong(seen) - (same ? figure.applyAsLong(earlier) : 0);
            if (delta > 0) {
                byGroup.merge(group.apply(seen.name()), delta, Long::sum);
            }
        });
        return byGroup;
    }

    /** The number of threads of this snapshot (with those a sampler saw end) per group of their names. */
    public Map<String, Integer> threadsByGroup(Function<String, String> group) {
        Map<String, Integer> counts = new TreeMap<>();
        byTid.values().forEach(seen -> counts.merge(group.apply(seen.name()), 1, Integer::sum));
        return counts;
    }

    /** CPU ms per group of thread names without their numbers since {@code before}, largest first, as "group ms, ...". */
    public String since(ThreadCpu before) {
        StringBuilder out = new StringBuilder();
        msByGroupSince(before, ThreadCpu::withoutNumber).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return out.toString();
    }

    /** The sum of the CPU ms of this snapshot's threads since {@code before}. */
    public long totalSince(ThreadCpu before) {
        return msByGroupSince(before, name -> "").values().stream().mapToLong(Long::longValue).sum();
    }

    /** A thread name without its number: "C2 CompilerThre", "GC Thread", "I/O dispatcher", ... */
    public static String withoutNumber(String name) {
        String g = name.replaceAll("[#-]?\\d+$", "").replaceAll("-\\d+-", "-N-").trim();
        return g.isEmpty() ? name : g.replace(' ', '_');
    }
}
