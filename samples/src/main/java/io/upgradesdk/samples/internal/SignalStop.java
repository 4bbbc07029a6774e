package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.StopSignal;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM and SIGINT into a {@link StopSignal} for the duration of one command, through a JVM
 * shutdown hook: the hook raises the signal, waits up to the grace period for the run to reach a
 * safe point (cursor saved, lock released) and then ends the process with the command's exit code
 * ({@link ExitCode#STOPPED} unless the run had finished anyway). A JVM in shutdown cannot
 * {@code System.exit} with a code of its own, so the hook halts with it once the command is done.
 */
public final class SignalStop implements AutoCloseable {

    private final StopSignal signal = new StopSignal();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Duration grace;
    private final PrintStream messages;
    private final Thread hook;
    private volatile int exitCode = ExitCode.STOPPED.code();

    private SignalStop(Duration grace, PrintStream messages) {
        this.grace = grace;
        this.messages = messages;
        this.hook = new Thread(this::stopAndWait, "upgrade-signal-stop");
    }

    /** Installs the hook until {@link #close()}; {@code grace} bounds the wait for a safe point. */
    public static SignalStop install(Duration grace, PrintStream messages) {
        SignalStop stop = new SignalStop(grace, messages);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /** The signal to hand to the runner. */
    public StopSignal signal() {
        return signal;
    }

    /** Records the command's exit code (the one a stopped JVM exits with) and returns it. */
    public int complete(int code) {
        exitCode = code;
        done.countDown();
        return code;
    }

    /** Removes the hook, unless the JVM is already shutting down (the hook then exits with the code). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it waits for done, then halts with exitCode
        }
        done.countDown();
    }

    private void stopAndWait() {
        signal.requestStop("the process received SIGTERM or SIGINT");
        messages.printf("Stop requested (SIGTERM/SIGINT): stopping at the next safe point, saving the cursor and"
                + " releasing the lock (up to %d s)%n", grace.toSeconds());
        messages.flush();
        boolean finished;
        try {
            finished = done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            messages.printf("No safe point reached within %d s: exiting now; the lock expires on its own and the next"
                    + " run resumes from the last saved cursor%n", grace.toSeconds());
        }
        System.out.flush();
        messages.flush();
        Runtime.getRuntime().halt(finished ? exitCode : ExitCode.STOPPED.code());
    }
}
