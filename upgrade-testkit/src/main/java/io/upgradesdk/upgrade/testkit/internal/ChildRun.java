package io.upgradesdk.upgrade.testkit.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One {@link KilledHost} JVM as the harness sees it: its signals, its log, SIGKILL. */
public final class ChildRun {

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
    private volatile int savesSeen;

    private ChildRun(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readSignals, "kill-harness-child-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a child on this JVM's class path. */
    public static ChildRun start(String planClass, Path work, String operation, boolean takeover, Path log)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), KilledHost.class.getName(), planClass,
                work.toString(), operation, Boolean.toString(takeover));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ChildRun(process, log);
    }

    private void readSignals() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("@@ SAVED ")) {
                    savesSeen = Integer.parseInt(line.substring(9));
                }
                if (line.startsWith("@@ ")) {
                    signals.add(line.substring(3));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        signals.add("EOF");
    }

    /** The next signal (STARTED, SAVED n, DONE ..., or EOF), waiting up to {@code timeout}. */
    public String next(Duration timeout) throws InterruptedException {
        String signal = signals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (signal == null) {
            throw new IllegalStateException("the child JVM said nothing for " + timeout + "; its log " + log + ":\n"
                    + logText());
        }
        return signal;
    }

    /** How many landed writes the child had reported when asked. */
    public int savesSeen() {
        return savesSeen;
    }

    /** SIGKILL; true when the process was still alive to receive it. */
    public boolean kill() throws InterruptedException {
        boolean alive = process.isAlive();
        process.destroyForcibly();
        process.waitFor();
        return alive;
    }

    /** Waits for the child to end by itself; its exit status. */
    public int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the child JVM did not finish within " + timeout + "; its log " + log
                    + ":\n" + logText());
        }
        return process.exitValue();
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
