package io.upgradesdk.upgrade.testkit.twohost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The test's handle on one {@link RaceHost} JVM: sends commands, reads replies, freezes and thaws it. */
final class HostProcess implements AutoCloseable {

    /** A host's answer to RUN. */
    record Result(String owner, String outcome, String code, List<String> steps, String message) {
        boolean succeeded() {
            return outcome.equals("SUCCEEDED");
        }
    }

    private final String owner;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Path log;

    private HostProcess(String owner, Process process, Path log) {
        this.owner = owner;
        this.process = process;
        this.log = log;
        this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("@@ ")) {
                        replies.add(line.substring(3));
                    }
                }
            } catch (IOException e) {
                // process gone
            }
            replies.add("EOF");
        }, "race-host-" + owner);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a host JVM on this JVM's class path and waits until it is ready (store open, warmed up). */
    static HostProcess start(Class<? extends HostStoreFactory> factory, String owner, Map<String, String> settings,
            Path logDir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), RaceHost.class.getName(),
                factory.getName(), owner));
        settings.forEach((k, v) -> cmd.add(k + "=" + v));
        Files.createDirectories(logDir);
        Path log = logDir.resolve("host-" + owner + ".log");
        Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HostProcess host = new HostProcess(owner, process, log);
        String ready = host.await(Duration.ofSeconds(60));
        if (!ready.startsWith("READY")) {
            host.close();
            throw new IllegalStateException("host " + owner + " did not start: " + ready + "; see " + log + ":\n"
                    + Files.readString(log));
        }
        return host;
    }

    String owner() {
        return owner;
    }

    long pid() {
        return process.pid();
    }

    /** Tells the host to run {@code up} on the plan; returns at once (see {@link #result}). */
    void run(String planId, long startAtEpochMs, Duration lease, Duration lockWait, int steps, int units,
            long unitSleepMs, Path effects) {
        send("RUN plan=" + planId + " startAt=" + startAtEpochMs + " leaseMs=" + lease.toMillis() + " lockWaitMs="
                + lockWait.toMillis() + " steps=" + steps + " units=" + units + " unitSleepMs=" + unitSleepMs
                + " effects=" + effects);
    }

    /** The host's answer to the last RUN. */
    Result result(Duration timeout) throws Exception {
        String line = await(timeout);
        if (!line.startsWith("DONE ")) {
            throw new IllegalStateException("host " + owner + " answered '" + line + "'; its log " + log + ":\n"
                    + Files.readString(log));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : line.substring(5).split(" ")) {
            int eq = part.indexOf('=');
            fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
        String message = fields.get("message").equals("-") ? null
                : new String(Base64.getDecoder().decode(fields.get("message")), StandardCharsets.UTF_8);
        List<String> steps = fields.get("steps").equals("-") ? List.of() : List.of(fields.get("steps").split(","));
        return new Result(owner, fields.get("outcome"), fields.get("code"), steps, message);
    }

    /** SIGSTOP: the whole JVM (runner, heartbeat, connections) stops, as a paused VM or a long GC would. */
    void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT. */
    void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    private void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("host " + owner + " is gone", e);
        }
    }

    private String await(Duration timeout) throws InterruptedException {
        String line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return line == null ? "no answer within " + timeout : line;
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            thaw();
            try {
                send("EXIT");
            } catch (UncheckedIOException e) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
