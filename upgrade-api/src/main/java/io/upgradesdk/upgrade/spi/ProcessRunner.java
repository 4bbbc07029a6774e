package io.upgradesdk.upgrade.spi;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.ErrorCode;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.internal.LineSplitter;
import io.upgradesdk.upgrade.internal.Redactor;
import io.upgradesdk.upgrade.internal.StreamTail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an external command (a node restart over {@code ssh}, {@code pg_dump}, the {@code kong}
 * CLI) the one way the SDK runs processes, so that a hung or chatty command can never stall an
 * upgrade:
 * <ul>
 *   <li>stdout and stderr are drained concurrently, each keeping only its last
 *       {@link Builder#outputLimit(int) N bytes} (64 KiB by default) and counting the rest;</li>
 *   <li>the timeout is enforced: the process and all its descendants are sent a termination
 *       signal, then killed forcibly after a {@link Builder#killGrace short grace}, and the run
 *       fails with an {@link UpgradeException} naming the command, the timeout and the fix. Where
 *       there is a {@code /proc} (Linux), the processes that left the tree (double-forked,
 *       {@code setsid}, re-parented to init) are killed with it too: each run marks its processes
 *       with the environment variable {@value #RUN_VARIABLE} (a random id they inherit), and every
 *       process of this user that carries the run's mark belongs to the run;</li>
 *   <li>secrets go only through the environment: {@link #run()} refuses a command whose arguments
 *       contain a secret's value ({@code SECRET_EXPOSED}), and secret values are masked in the
 *       output it returns and in its messages, also a secret's end left at the start of an output
 *       tail that the limit cut inside the secret;</li>
 *   <li>an hour-long command need not be silent until it ends: with
 *       {@link Builder#onOutputLine(Consumer)} each line of its output is handed over as it is read
 *       (secret values masked), to be printed or logged live.</li>
 * </ul>
 *
 * <pre>{@code
 * ProcessRunner.Result r = ProcessRunner.builder(List.of("pg_dump", "-f", dir, db), Duration.ofHours(2))
 *         .secretEnvironment("PGPASSWORD", password)
 *         .failureCode(MyErrorCode.BACKUP_FAILED)
 *         .onTimeout("check the database host, or raise the backup timeout")
 *         .build().run();
 * if (r.exitCode() != 0) throw ... r.stderr().text() ...
 * }</pre>
 *
 * <p>It lives in this SPI package because every product module (Elasticsearch node commands, Kong
 * backups and CLI) and every step library needs it while none of them may use another module's
 * internals: the SPI is the public place for what those who write step libraries share. Output a
 * command leaves to a background child that outlives it is read only until the timeout, or for
 * half a second after the command's end when that is later (what the command wrote is in the
 * pipes when it ends, so a command ending just before its timeout keeps its output); a command
 * that succeeded may leave a daemon running: it is not killed. A timed-out run ends within its
 * timeout, the kill grace and a second and a half (the forcible kill's delivery, then the output's
 * last reads), its process tree gone; this bound holds even when a child that escaped the tree and
 * its mark (it cleared its environment, or there is no {@code /proc}: it is then not killed) keeps
 * the output open. A timeout too long to count in nanoseconds (some 292 years, e.g.
 * {@code ChronoUnit.FOREVER.getDuration()}) means no practical limit.
 */
public final class ProcessRunner {

    /**
     * The environment variable marking the processes of one run (its value is a random id per
     * {@link #run()}), by which those that left the process tree are found at a timeout.
     */
    public static final String RUN_VARIABLE = "UPGRADESDK_PROCESS_RUN";

    /** The longest line handed to an {@link Builder#onOutputLine output listener}; a longer one is cut (8 KiB). */
    public static final int MAX_LINE_BYTES = 8 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);

    private static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024;
    private static final long KILL_POLL_MILLIS = 20;
    /**
     * How long the output of a killed tree is read: what it wrote is in the pipes already; only a
     * child that escaped the tree (double-forked, re-parented) can keep them open longer.
     */
    private static final Duration DRAIN_AFTER_KILL = Duration.ofMillis(500);
    /**
     * The least time the output of a command that ended is read, even past its timeout: what it
     * wrote is in the pipes already, and reading it takes no longer than this.
     */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofMillis(500);
    private static final Path PROC = Path.of("/proc");
    /** How often a command with a {@link Builder#stopWhen stop condition} checks it. */
    private static final Duration STOP_POLL = Duration.ofMillis(100);
    /** How long a forcibly killed tree is waited for (the signal is delivered asynchronously). */
    private static final Duration FORCED_KILL_WAIT = Duration.ofSeconds(1);

    private final List<String> command;
    private final Duration timeout;
    private final Map<String, String> environment;
    private final Map<String, Secret> secretEnvironment;
    private final Path directory;
    private final int outputLimit;
    private final Duration killGrace;
    private final ErrorCode failureCode;
    private final String description;
    private final String timeoutFix;
    private final String startFix;
    private final BooleanSupplier stopWhen;
    private final Consumer<OutputLine> outputListener;
    private final Redactor redactor;
    /** The lines of the secret values: a multi-line secret (a PEM key) reaches the output line by line. */
    private final List<String> secretLines;
    private final Redactor lineRedactor;

    private ProcessRunner(Builder b) {
        this.command = List.copyOf(b.command);
        this.timeout = b.timeout;
        this.environment = Map.copyOf(b.environment);
        this.secretEnvironment = Map.copyOf(b.secretEnvironment);
        this.directory = b.directory;
        this.outputLimit = b.outputLimit;
        this.killGrace = b.killGrace;
        this.failureCode = b.failureCode;
        this.timeoutFix = b.timeoutFix;
        this.startFix = b.startFix;
        this.stopWhen = b.stopWhen;
        this.outputListener = b.outputListener;
        this.redactor = new Redactor(secretEnvironment.values());
        this.secretLines = secretEnvironment.values().stream()
                .flatMap(secret -> secret.reveal().lines().filter(line -> !line.isEmpty())).distinct().toList();
        this.lineRedactor = new Redactor(secretLines.stream().map(line -> Secret.of("line", line)).toList());
        this.description = b.description != null ? b.description : String.join(" ", command);
    }

    /**
     * A runner of {@code command} (program and arguments, no shell unless you give one) that stops
     * it after {@code timeout}.
     */
    public static Builder builder(List<String> command, Duration timeout) {
        return new Builder(command, timeout);
    }

    /**
     * Runs the command to its end or its timeout.
     *
     * @return its exit code, duration and the tails of its output (secret values masked)
     * @throws UpgradeException the failure code when the command cannot start or exceeds its
     *                          timeout, {@code STOPPED} when {@link Builder#stopWhen stopped} (it is
     *                          then killed with its child processes)
     * @throws InterruptedException when the calling thread is interrupted (the process tree is
     *                              killed first)
     */
    public Result run() throws InterruptedException {
        long started = System.nanoTime();
        long timeoutNanos = nanos(timeout);
        String mark = UUID.randomUUID().toString();
        Process process = start(mark);
        LineDelivery lines = outputListener == null ? null : new LineDelivery();
        try {
            StreamTail out = StreamTail.drain(process.getInputStream(), outputLimit, "process-stdout",
                    lines == null ? null : lines.splitter(Channel.STDOUT));
            StreamTail err = StreamTail.drain(process.getErrorStream(), outputLimit, "process-stderr",
                    lines == null ? null : lines.splitter(Channel.STDERR));
            Ending ending;
            try {
                ending = awaitEnd(process, started, timeoutNanos);
            } catch (InterruptedException e) {
                killTree(process, mark);
                throw e;
            }
            if (ending != Ending.EXITED) {
                killTree(process, mark);
                awaitBoth(out, err, DRAIN_AFTER_KILL.toNanos());
                throw ending == Ending.TIMED_OUT ? timedOut(err) : stopped(err);
            }
            long left = timeoutNanos - (System.nanoTime() - started);
            awaitBoth(out, err, Math.max(left, DRAIN_AFTER_EXIT.toNanos()));
            return new Result(process.exitValue(), Duration.ofNanos(System.nanoTime() - started), output(out),
                    output(err));
        } finally {
            if (lines != null) {
                lines.close();
            }
        }
    }

    /** The command as shown in messages (the description given, or the program and arguments). */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "ProcessRunner[" + description + ", timeout " + timeout + ", env " + environment.keySet()
                + ", secret env " + secretEnvironment.keySet() + "]";
    }

    // --- sub-steps -------------------------------------------------------------------------------

    private enum Ending { EXITED, TIMED_OUT, STOPPED }

    /** Waits for the command's end, its timeout, or (polled) the stop condition, whichever comes first. */
    private Ending awaitEnd(Process process, long started, long timeoutNanos) throws InterruptedException {
        if (stopWhen == null) {
            return process.waitFor(timeoutNanos, TimeUnit.NANOSECONDS) ? Ending.EXITED : Ending.TIMED_OUT;
        }
        while (true) {
            long left = timeoutNanos - (System.nanoTime() - started);
            if (left <= 0) {
                return Ending.TIMED_OUT;
            }
            if (process.waitFor(Math.min(left, STOP_POLL.toNanos()), TimeUnit.NANOSECONDS)) {
                return Ending.EXITED;
            }
            if (stopWhen.getAsBoolean()) {
                return Ending.STOPPED;
            }
        }
    }

    private Process start(String mark) {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        secretEnvironment.forEach((name, secret) -> builder.environment().put(name, secret.reveal()));
        builder.environment().put(RUN_VARIABLE, mark);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            return process;
        } catch (IOException e) {
            throw new UpgradeException(failureCode, "cannot run '" + description + "': "
                    + redactor.redact(e.getMessage()) + "; " + startFix);
        }
    }

    /**
     * Waits for the end of both output streams for at most {@code budgetNanos} in all: a child
     * that outlived the command and keeps the pipes open holds the run for the budget once, not
     * once per stream.
     */
    private static void awaitBoth(StreamTail out, StreamTail err, long budgetNanos) throws InterruptedException {
        long begin = System.nanoTime();
        out.awaitEnd(TimeUnit.NANOSECONDS.toMillis(budgetNanos));
        err.awaitEnd(TimeUnit.NANOSECONDS.toMillis(budgetNanos - (System.nanoTime() - begin)));
    }

    /** The duration in nanoseconds, or {@link Long#MAX_VALUE} (some 292 years) when it is longer. */
    private static long nanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Terminates the process, its descendants and the processes carrying the run's {@code mark},
     * then kills forcibly whatever outlives the grace period.
     */
    private void killTree(Process process, String mark) {
        List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
        addMarked(descendants, process, mark);
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        boolean interrupted = !awaitGone(process, descendants, killGrace);
        // children started during the grace (their parent already gone from the tree) end too
        List.copyOf(descendants).forEach(d -> d.descendants().filter(h -> !descendants.contains(h))
                .forEach(descendants::add));
        addMarked(descendants, process, mark);
        descendants.stream().filter(ProcessRunner::isRunning).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        if (!interrupted) {
            // a forcible kill is delivered asynchronously: return once the tree is gone, not merely signalled
            interrupted = !awaitGone(process, descendants, FORCED_KILL_WAIT);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Adds to {@code processes} those of this user, other than {@code process} and those listed,
     * whose environment carries the run's {@code mark}: the processes of the run that left its
     * tree. Reads {@code /proc/PID/environ} (the environment a process started with); finds none
     * where there is no {@code /proc}.
     */
    private static void addMarked(List<ProcessHandle> processes, Process process, String mark) {
        if (!Files.isDirectory(PROC)) {
            return;
        }
        byte[] entry = (RUN_VARIABLE + "=" + mark).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses()
                .filter(h -> h.pid() != self && h.pid() != process.pid() && !processes.contains(h))
                .filter(h -> carries(h.pid(), entry))
                .forEach(processes::add);
    }

    /** Whether the environment of process {@code pid} has {@code entry} ("NAME=value"); false if unreadable. */
    private static boolean carries(long pid, byte[] entry) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return false;       // gone, or another user's
        }
        for (int at = 0; at + entry.length <= environ.length; at++) {
            boolean entryStart = at == 0 || environ[at - 1] == 0;
            boolean entryEnd = at + entry.length == environ.length || environ[at + entry.length] == 0;
            if (entryStart && entryEnd && Arrays.equals(environ, at, at + entry.length, entry, 0, entry.length)) {
                return true;
            }
        }
        return false;
    }

    /** Waits up to {@code wait} for the process and its listed descendants to end; false if interrupted. */
    private static boolean awaitGone(Process process, List<ProcessHandle> descendants, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (anyAlive(process, descendants) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(KILL_POLL_MILLIS);
            } catch (InterruptedException e) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyAlive(Process process, List<ProcessHandle> descendants) {
        return process.isAlive() || descendants.stream().anyMatch(ProcessRunner::isRunning);
    }

    /**
     * Alive and not a zombie: a killed grandchild whose parent died first stays a zombie until
     * init reaps it, which {@link ProcessHandle#isAlive()} counts as alive (read from
     * {@code /proc} where there is one).
     */
    private static boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return handle.isAlive();
        }
    }

    private UpgradeException stopped(StreamTail err) {
        String stderr = text(err).strip();
        return new UpgradeException(UpgradeErrorCode.STOPPED, "the command '" + description + "' was stopped with"
                + " its child processes: the run was asked to stop; run again to start it over"
                + (stderr.isEmpty() ? "" : ". Its last error output: " + last(stderr, 500)));
    }

    private UpgradeException timedOut(StreamTail err) {
        String stderr = text(err).strip();
        return new UpgradeException(failureCode, "the command '" + description + "' did not finish within "
                + human(timeout) + " and was stopped with its child processes; " + timeoutFix
                + (stderr.isEmpty() ? "" : ". Its last error output: " + last(stderr, 500)));
    }

    private Output output(StreamTail tail) {
        return new Output(text(tail), tail.totalBytes(), tail.totalBytes() > outputLimit);
    }

    /** The kept tail of a stream, secret values masked, also a secret's end where the limit cut the tail. */
    private String text(StreamTail tail) {
        String text = tail.text();
        return redactor.redact(tail.totalBytes() > outputLimit ? maskCutSecret(text) : text);
    }

    /**
     * Masks the start of a cut tail when it is the end of a secret value (the limit cut inside the
     * secret, so that the whole value is not there to be masked), after the replacement characters
     * of a character the cut split. The longest such end is masked, even a single character.
     */
    private String maskCutSecret(String text) {
        int skip = 0;
        while (skip < Math.min(3, text.length()) && text.charAt(skip) == '\uFFFD') {
            skip++;
        }
        int end = -1;
        for (Secret secret : secretEnvironment.values()) {
            String value = secret.reveal();
            for (int k = Math.min(value.length() - 1, text.length() - skip); k > 0 && skip + k > end; k--) {
                if (text.startsWith(value.substring(value.length() - k), skip)) {
                    end = skip + k;
                    break;
                }
            }
        }
        return end < 0 ? text : Redactor.MASK + text.substring(end);
    }

    /**
     * Hands the output's lines to the {@link Builder#onOutputLine listener}, one at a time (the two
     * streams' readers take turns), secret values masked, until the run returns or the listener
     * fails: a failing listener is logged once and handed no further line, the command goes on.
     */
    private final class LineDelivery {
        /** How long the end of a run waits for a line being handed over: a listener that blocks must not hang the run. */
        private static final long CLOSE_WAIT_MILLIS = 1000;

        private final ReentrantLock handing = new ReentrantLock();
        private volatile boolean closed;

        LineSplitter splitter(Channel channel) {
            return new LineSplitter(MAX_LINE_BYTES, (text, cut) -> deliver(channel, text, cut));
        }

        private void deliver(Channel channel, String text, boolean cut) {
            handing.lock();
            try {
                if (closed) {
                    return;
                }
                String masked = lineRedactor.redact(text);
                outputListener.accept(new OutputLine(channel, cut ? maskCutEnd(masked) : masked, cut));
            } catch (RuntimeException e) {
                closed = true;
                LOG.warn("the output listener of '{}' failed ({}); its further lines go to the output tail only",
                        description, lineRedactor.redact(redactor.describe(e)));
            } finally {
                handing.unlock();
            }
        }

        /**
         * The run returns, once a line being handed over is done (waiting at most a second for a
         * listener that blocks): lines still read (a child that outlived the command) are not
         * handed over.
         */
        void close() {
            closed = true;
            try {
                if (handing.tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    handing.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Masks the end of a cut line when it is the start of a secret line (the cut fell inside the
     * secret, so that the whole value is not there to be masked). The longest such start is
     * masked, even a single character.
     */
    private String maskCutEnd(String text) {
        int start = text.length();
        for (String value : secretLines) {
            for (int k = Math.min(value.length() - 1, text.length()); k > 0 && text.length() - k < start; k--) {
                if (text.endsWith(value.substring(0, k))) {
                    start = text.length() - k;
                    break;
                }
            }
        }
        return start == text.length() ? text : text.substring(0, start) + Redactor.MASK;
    }

    private static String last(String text, int chars) {
        return text.length() <= chars ? text : "…" + text.substring(text.length() - chars);
    }

    /** A timeout as an operator reads it: "2 h", "90 min", "45 s", "500 ms" (the largest whole unit). */
    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long seconds = d.toSeconds();
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        return seconds >= 60 && seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /**
     * What a finished command left.
     *
     * @param exitCode its exit code
     * @param duration how long it ran
     * @param stdout   the tail of its standard output
     * @param stderr   the tail of its error output
     */
    public record Result(int exitCode, Duration duration, Output stdout, Output stderr) {

        /** Exit code 0. */
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** The last {@code chars} characters of the error output (or of stdout when stderr is empty), for messages. */
        public String diagnostics(int chars) {
            String text = stderr.text().isBlank() ? stdout.text() : stderr.text();
            return last(text.strip(), chars);
        }
    }

    /**
     * The tail of one output stream.
     *
     * @param text  its last bytes (at most the output limit) as UTF-8, secret values masked
     * @param bytes how many bytes the process wrote in all
     * @param truncated true when the beginning of the output was dropped to keep memory bounded
     */
    public record Output(String text, long bytes, boolean truncated) {
    }

    /** Which of a command's output streams a line comes from. */
    public enum Channel {
        /** Its standard output. */
        STDOUT,
        /** Its error output. */
        STDERR
    }

    /**
     * One line of a command's output, as it was read.
     *
     * @param channel the stream it comes from
     * @param text    the line without its line end, decoded as UTF-8, secret values masked
     * @param cut     true when the line was longer than {@value #MAX_LINE_BYTES} bytes: {@code text}
     *                is its start, the rest was dropped (it is still in the output tail)
     */
    public record OutputLine(Channel channel, String text, boolean cut) {

        /** What {@link #shown()} adds to a cut line. */
        public static final String CUT_MARK = " [line cut at " + MAX_LINE_BYTES / 1024 + " KiB]";

        /** The line as printed or logged: its text, followed by {@value #CUT_MARK} when it was cut. */
        public String shown() {
            return cut ? text + CUT_MARK : text;
        }
    }

    /** Validating builder of {@link ProcessRunner}. */
    public static final class Builder {
        private final List<String> command;
        private final Duration timeout;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, Secret> secretEnvironment = new LinkedHashMap<>();
        private Path directory;
        private int outputLimit = DEFAULT_OUTPUT_LIMIT;
        private Duration killGrace = Duration.ofSeconds(2);
        private ErrorCode failureCode = UpgradeErrorCode.STEP_FAILED;
        private String description;
        private String timeoutFix = "check why it hangs, or raise its timeout";
        private String startFix = "check that the program is installed and on the PATH";
        private BooleanSupplier stopWhen;
        private Consumer<OutputLine> outputListener;

        /** Refusals name the program only: the arguments may hold what should not be printed. */
        private Builder(List<String> command, Duration timeout) {
            Check.argument(command != null && !command.isEmpty() && command.get(0) != null,
                    "the command must have a program and no null argument, was %s",
                    command == null ? "null" : command.isEmpty() ? "empty" : "without its program");
            int nullArgument = -1;
            for (int i = command.size() - 1; i > 0; i--) {
                nullArgument = command.get(i) == null ? i : nullArgument;
            }
            Check.argument(nullArgument < 0, "the command '%s' must have no null argument: argument %s is null",
                    command.get(0), nullArgument);
            Check.argument(timeout != null && !timeout.isNegative() && !timeout.isZero(),
                    "the timeout of '%s' must be positive, was %s", command.get(0), timeout);
            this.command = new ArrayList<>(command);
            this.timeout = timeout;
        }

        /** An environment variable for the command. */
        public Builder environment(String name, String value) {
            environment.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        /** A secret environment variable (e.g. {@code PGPASSWORD}): the only way a secret reaches the command. */
        public Builder secretEnvironment(String name, Secret value) {
            secretEnvironment.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        /** The working directory (default: this process's). */
        public Builder directory(Path directory) {
            this.directory = requireNonNull(directory, "directory");
            return this;
        }

        /** How many bytes of each output stream are kept, the last ones (default 64 KiB). */
        public Builder outputLimit(int bytes) {
            Check.argument(bytes >= 0, "the output limit must not be negative, was %s", bytes);
            this.outputLimit = bytes;
            return this;
        }

        /** How long a timed-out process tree has to end after the termination signal before it is killed (default 2 s). */
        public Builder killGrace(Duration grace) {
            Check.argument(grace != null && !grace.isNegative(), "the kill grace must not be negative, was %s", grace);
            this.killGrace = grace;
            return this;
        }

        /** The error code of the failures {@link #run()} throws (default {@code STEP_FAILED}). */
        public Builder failureCode(ErrorCode code) {
            this.failureCode = requireNonNull(code, "code");
            return this;
        }

        /** How messages name the command (default: the program and its arguments). */
        public Builder description(String description) {
            this.description = requireNonNull(description, "description");
            return this;
        }

        /** What the operator should do when the command exceeds its timeout. */
        public Builder onTimeout(String fix) {
            this.timeoutFix = requireNonNull(fix, "fix");
            return this;
        }

        /** What the operator should do when the command cannot be started. */
        public Builder onStartFailure(String fix) {
            this.startFix = requireNonNull(fix, "fix");
            return this;
        }

        /**
         * Stops the command with its child processes, as at its timeout, once {@code stop} says so
         * (checked every 100 ms), e.g. {@code stopSignal::isStopRequested}: a run asked to stop
         * (SIGTERM) leaves no command of its own running. {@link #run()} then throws
         * {@code STOPPED}, which a step may let through: the runner stops the run there.
         */
        public Builder stopWhen(BooleanSupplier stop) {
            this.stopWhen = requireNonNull(stop, "stop");
            return this;
        }

        /**
         * Hands each line of the command's output to {@code listener} as soon as it is read, e.g.
         * {@code line -> System.err.println("[restore] " + line.text())}, so that an operator sees
         * what an hour-long command does while it runs; {@link Result} still holds the tails. The
         * listener is called on the threads reading the output, one line at a time (it need not be
         * thread-safe), not once {@link #run()} returned: {@code run()} waits for a line being
         * handed over (up to a second: a listener that blocks does not hang the run), and lines
         * read later (a child left running) are not handed over. It should return quickly: while
         * it runs, the command's output waits. A listener that throws is handed no further line,
         * and the command goes on.
         */
        public Builder onOutputLine(Consumer<OutputLine> listener) {
            this.outputListener = requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The runner.
         *
         * @throws UpgradeException {@code SECRET_EXPOSED} when an argument or the description
         *                          contains the value of a secret environment variable
         */
        public ProcessRunner build() {
            for (Secret secret : secretEnvironment.values()) {
                String value = secret.reveal();
                boolean exposed = !value.isEmpty() && (command.stream().anyMatch(a -> a.contains(value))
                        || (description != null && description.contains(value)));
                if (exposed) {
                    throw new UpgradeException(UpgradeErrorCode.SECRET_EXPOSED, "the command '" + command.get(0)
                            + "' has the value of secret '" + secret.name() + "' in its arguments; pass it only"
                            + " through the environment (secretEnvironment) and let the command read it there");
                }
            }
            return new ProcessRunner(this);
        }
    }
}
