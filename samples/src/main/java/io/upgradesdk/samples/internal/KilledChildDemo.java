package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.UpgradePlan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The first half of the demo's story: runs the upgrade in a child JVM, kills it with SIGKILL
 * (kill -9) once it has saved its cursor after N files, and says what the crash left in the
 * checkpoint file. The child waits at that point, so the kill always lands mid-step.
 */
public final class KilledChildDemo {

    /** What the child prints when it has saved file N and waits to be killed. */
    public static final String HOLD_SIGNAL = "@@ HOLD ";

    private final PrintStream out;

    public KilledChildDemo(PrintStream out) {
        this.out = out;
    }

    /**
     * In the child: after the Nth file, tell the parent and wait until killed (or until the
     * parent is gone and stdin closes, then halt as a crash would).
     */
    public static ConfigFolderUpgrade.FileSaved holdAfter(int files) {
        return (done, name) -> {
            if (done == files) {
                System.out.println(HOLD_SIGNAL + name);
                System.out.flush();
                while (System.in.read() != -1) {
                    // wait for SIGKILL
                }
                Runtime.getRuntime().halt(137);
            }
        };
    }

    /**
     * Starts the child with {@code childArgs} (a {@code demo} command line), relays its output,
     * kills it at its hold signal. Returns the file it had saved last, or empty when it ended
     * before reaching the hold point.
     */
    public Optional<String> runAndKill(List<String> childArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "io.upgradesdk.samples.Main"));
        command.addAll(childArgs);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        out.printf("   (child JVM pid %d)%n", child.pid());
        String held = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith(HOLD_SIGNAL)) {
                    held = line.substring(HOLD_SIGNAL.length());
                    break;
                }
                out.println("   child | " + line);
            }
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child JVM " + child.pid() + " did not die");
            }
        }
        if (held != null) {
            out.printf("[2/3] Killed the child JVM (pid %d) with SIGKILL (kill -9) right after it saved %s;"
                    + " exit status %d.%n", child.pid(), held, child.exitValue());
        }
        return Optional.ofNullable(held);
    }

    /** Prints what the killed run left: the interrupted step's cursor and the lease it still holds. */
    public void describeWhatWasLeft(Path checkpointFile, UpgradePlan plan) {
        try (FileCheckpointStore store = new FileCheckpointStore(checkpointFile)) {
            Optional<Checkpoint> checkpoint = store.load(plan.id());
            for (StepRecord step : checkpoint.map(Checkpoint::steps).orElse(List.of())) {
                out.printf("      checkpoint: %-14s %s%s%n", step.stepId(), step.state(),
                        step.cursor() == null ? "" : ", cursor " + step.cursor());
            }
            Optional<Lease> lease = store.currentLease(plan.id());
            lease.ifPresent(l -> out.printf("      lease: still held by the dead run '%s' until %s%n", l.owner(),
                    l.expiresAt()));
        }
    }
}
