package io.upgradesdk.upgrade.kuzzle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU of this JVM's threads, grouped by what they do (JIT compilers, GC, HTTP I/O, copy
 * workers, ...), read from {@code /proc/self/task}: where a benchmark's own CPU goes. Threads that
 * ended between two snapshots are not listed; the caller shows them as the rest of the process CPU.
 */
final class ThreadCpu {
    private static final long MS_PER_TICK = 10; // USER_HZ is 100 on Linux

    private final Map<String, Long> msByThread;

    private ThreadCpu(Map<String, Long> msByThread) {
        this.msByThread = msByThread;
    }

    /** The CPU used so far by every live thread, keyed "tid name"; empty where /proc is missing. */
    static ThreadCpu now() {
        Map<String, Long> ms = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] rest = stat.substring(close + 2).split(" ");
                    // after "pid (comm) ": state is field 3, utime 14 and stime 15 of the whole line
                    long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
                    ms.put(task.getFileName() + " " + stat.substring(open + 1, close), ticks * MS_PER_TICK);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while being read
                }
            });
        } catch (IOException e) {
            return new ThreadCpu(Map.of());
        }
        return new ThreadCpu(ms);
    }

    /** CPU ms per group of threads since {@code before}, largest first, as "group ms, ..." . */
    String since(ThreadCpu before) {
        Map<String, Long> byGroup = new TreeMap<>();
        msByThread.forEach((thread, ms) -> {
            long delta = ms - before.msByThread.getOrDefault(thread, 0L);
            if (delta > 0) {
                byGroup.merge(group(thread.substring(thread.indexOf(' ') + 1)), delta, Long::sum);
            }
        });
        StringBuilder out = new StringBuilder();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return out.toString();
    }

    /** The sum of the live threads' CPU ms since {@code before}. */
    long totalSince(ThreadCpu before) {
        return msByThread.entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue() - before.msByThread.getOrDefault(e.getKey(), 0L))).sum();
    }

    /** A thread name without its number: "C2 CompilerThre", "GC Thread", "I/O dispatcher", ... */
    private static String group(String name) {
        String g = name.replaceAll("[#-]?\\d+$", "").replaceAll("-\\d+-", "-N-").trim();
        return g.isEmpty() ? name : g.replace(' ', '_');
    }
}
