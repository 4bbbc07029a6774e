package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeEvent;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress with rate and ETA: one live line on a terminal, plain lines at a bounded rate otherwise. */
class ConsoleListenerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static UpgradeEvent.StepProgress progress(int second, long done) {
        return new UpgradeEvent.StepProgress(T0.plusSeconds(second), "plan", "copy", done, 100, "orders",
                second == 0 ? -1 : 2.0, second == 0 ? null : Duration.ofSeconds((100 - done) / 2));
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalRewritesOneLiveLineThenMovesPastIt() {
        ConsoleListener console = new ConsoleListener(out, true, 200);

        console.onEvent(progress(0, 0));
        console.onEvent(progress(5, 10));
        console.onEvent(new UpgradeEvent.StepSucceeded(T0.plusSeconds(6), "plan", "copy", 1, Duration.ofSeconds(6)));

        assertThat(printed()).isEqualTo("\r   [....................] 0/100 (0%) orders"
                + "\r   [##..................] 10/100 (10%), 2.0/s, ETA 45s orders"
                + System.lineSeparator() + "   done: copy (6000 ms)" + System.lineSeparator());
    }

    @Test
    void otherwisePrintsPlainLinesEveryTenSecondsAndAtTheTotal() {
        ConsoleListener console = new ConsoleListener(out, false);

        for (int second = 0; second <= 12; second++) {
            console.onEvent(progress(second, second * 2L));
        }
        console.onEvent(progress(50, 100));

        assertThat(printed().lines()).containsExactly(
                "   [....................] 0/100 (0%) orders",
                "   [####................] 20/100 (20%), 2.0/s, ETA 40s orders",
                "   [####################] 100/100 (100%), 2.0/s, ETA 0s orders");
    }

    private static final String SEP = System.lineSeparator();

    @Test
    void eventsItDoesNotPrintLeaveTheLiveLineInPlace() {
        ConsoleListener console = new ConsoleListener(out, true, 200);

        console.onEvent(progress(1, 2));
        console.onEvent(new UpgradeEvent.StepStillRunning(T0.plusSeconds(2), "plan", "copy", Duration.ofSeconds(2)));
        console.onEvent(new UpgradeEvent.PartitionClaimed(T0.plusSeconds(2), "plan", "copy", "p1", "me", 1, false));
        console.onEvent(new UpgradeEvent.PartitionDone(T0.plusSeconds(2), "plan", "copy", "p0", "me", 1,
                Duration.ofSeconds(1)));
        console.onEvent(progress(3, 6));
        console.onEvent(new UpgradeEvent.StepSucceeded(T0.plusSeconds(4), "plan", "copy", 1, Duration.ofSeconds(4)));

        assertThat(printed()).isEqualTo("\r   [....................] 2/100 (2%), 2.0/s, ETA 49s orders"
                + "\r   [#...................] 6/100 (6%), 2.0/s, ETA 47s orders" + SEP + "   done: copy (4000 ms)" + SEP);
    }

    @Test
    void theLiveLineIsRedrawnAtMostTenTimesASecondAndAtTheTotal() {
        ConsoleListener console = new ConsoleListener(out, true, 200);

        for (int ms : new int[] {0, 40, 99, 100, 150}) {
            console.onEvent(new UpgradeEvent.StepProgress(T0.plusMillis(ms), "plan", "copy", ms / 2, 100, "orders",
                    -1, null));
        }
        console.onEvent(new UpgradeEvent.StepProgress(T0.plusMillis(160), "plan", "copy", 100, 100, "orders", -1,
                null));

        assertThat(printed().split("\r", -1)).containsExactly("",
                "   [....................] 0/100 (0%) orders",
                "   [##########..........] 50/100 (50%) orders",
                "   [####################] 100/100 (100%) orders");
    }

    @Test
    void aFailedOrTakenOverPartitionIsALineOfItsOwnBelowTheLiveLine() {
        ConsoleListener console = new ConsoleListener(out, true, 200);

        console.onEvent(progress(1, 2));
        console.onEvent(new UpgradeEvent.PartitionTakenOver(T0.plusSeconds(2), "plan", "copy", "p3", "host-b", true));
        console.onEvent(new UpgradeEvent.PartitionFailed(T0.plusSeconds(2), "plan", "copy", "p1", "host-a", 3,
                "REQUEST_FAILED: mapping conflict"));

        assertThat(printed()).isEqualTo("\r   [....................] 2/100 (2%), 2.0/s, ETA 49s orders" + SEP
                + "   partition p3 taken over from an expired or released claim, resuming from its cursor" + SEP
                + "   partition p1 FAILED after 3 attempt(s) on host-a: REQUEST_FAILED: mapping conflict" + SEP);
    }

    @Test
    void aHooksLineIsPrintedBelowTheLiveLineAndTheNextReportDrawsItAnew() {
        ConsoleListener console = new ConsoleListener(out, true, 200);

        console.onEvent(progress(1, 2));
        console.printLine(out, "pg_restore: processing data for table orders");
        console.onEvent(progress(5, 10));

        assertThat(printed()).isEqualTo("\r   [....................] 2/100 (2%), 2.0/s, ETA 49s orders" + SEP
                + "pg_restore: processing data for table orders" + SEP
                + "\r   [##..................] 10/100 (10%), 2.0/s, ETA 45s orders");
    }

    @Test
    void aHooksLineToAnotherStreamEndsTheLiveLineFirstAndWithoutOneIsJustALine() {
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        ConsoleListener console = new ConsoleListener(out, true, 200);

        console.printLine(err, "before any progress");
        console.onEvent(progress(1, 2));
        console.printLine(err, "ssh: connection refused");

        assertThat(printed()).isEqualTo("\r   [....................] 2/100 (2%), 2.0/s, ETA 49s orders" + SEP);
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("before any progress" + SEP + "ssh: connection refused" + SEP);
    }

    @Test
    void whileGuardedWhatOthersWriteOnStandardErrorStartsBelowTheLiveLineAndClosingPutsTheStreamBack() {
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream original = System.err;
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        System.setErr(err);
        try {
            ConsoleListener console = new ConsoleListener(out, true, 200);
            try (ConsoleListener.Restore guard = console.guardStandardError()) {
                console.onEvent(progress(1, 2));
                System.err.println("[main] WARN io.upgradesdk - lease renewal failed, retrying");
                console.onEvent(progress(5, 10));
                System.err.println("[main] WARN io.upgradesdk - again");
            }
            assertThat(System.err).isSameAs(err);
        } finally {
            System.setErr(original);
        }

        assertThat(printed()).isEqualTo("\r   [....................] 2/100 (2%), 2.0/s, ETA 49s orders" + SEP
                + "\r   [##..................] 10/100 (10%), 2.0/s, ETA 45s orders" + SEP);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("[main] WARN io.upgradesdk - lease renewal"
                + " failed, retrying" + SEP + "[main] WARN io.upgradesdk - again" + SEP);
    }

    @Test
    void withoutALiveLineStandardErrorIsLeftAsItIs() {
        PrintStream before = System.err;

        try (ConsoleListener.Restore guard = new ConsoleListener(out, false, 200).guardStandardError()) {
            assertThat(System.err).isSameAs(before);
        }
    }

    @Test
    void theLiveLineIsCutToTheTerminalWidthSoThatItNeverWraps() {
        ConsoleListener console = new ConsoleListener(out, true, 40);

        console.onEvent(progress(1, 2));
        console.onEvent(progress(2, 4));

        String[] rewrites = printed().split("\r", -1);
        assertThat(rewrites).hasSize(3);
        assertThat(rewrites[1]).isEqualTo("   [....................] 2/100 (2%)...").hasSize(39);
        assertThat(rewrites[2]).isEqualTo("   [....................] 4/100 (4%)...");
    }

    @Test
    void aNoticeIsItsOwnLineWithoutACountOnATerminalAndInAPipe() {
        UpgradeEvent.StepProgress notice = new UpgradeEvent.StepProgress(T0.plusSeconds(2), "plan", "preflight", 0, -1,
                "deprecation warnings on old: [index.foo]", 0.0, null);
        ConsoleListener live = new ConsoleListener(out, true, 200);

        live.onEvent(progress(1, 2));
        live.onEvent(notice);
        live.onEvent(progress(3, 6));

        assertThat(printed()).isEqualTo("\r   [....................] 2/100 (2%), 2.0/s, ETA 49s orders" + SEP
                + "   deprecation warnings on old: [index.foo]" + SEP
                + "\r   [#...................] 6/100 (6%), 2.0/s, ETA 47s orders");

        bytes.reset();
        ConsoleListener plain = new ConsoleListener(out, false);
        plain.onEvent(progress(1, 2));
        plain.onEvent(notice);
        plain.onEvent(notice);
        plain.onEvent(progress(3, 6));

        assertThat(printed().lines()).containsExactly(
                "   [....................] 2/100 (2%), 2.0/s, ETA 49s orders",
                "   deprecation warnings on old: [index.foo]",
                "   deprecation warnings on old: [index.foo]");
    }

    @Test
    void inAPipeReportsPastTheirTotalAreNotEachALine() {
        ConsoleListener console = new ConsoleListener(out, false);

        console.onEvent(progress(0, 90));
        for (int second = 1; second <= 4; second++) {
            console.onEvent(progress(second, 100 + second));
        }

        assertThat(printed().lines()).extracting(line -> line.substring(line.indexOf(']') + 2, line.indexOf(" (")))
                .containsExactly("90/100", "101/100");
    }

    @Test
    void aLongResumeCursorIsShownByItsStartAndItsLength() {
        String scroll = "FGluY2x1ZGVfY29udGV4dF91dWlk".repeat(40);
        String cursor = "{\"i\":0,\"scroll\":\"" + scroll + "\"}";
        ConsoleListener console = new ConsoleListener(out, false);

        console.onEvent(new UpgradeEvent.StepStarted(T0, "plan", "copy", io.upgradesdk.upgrade.Phase.UP, 2, cursor));
        console.onEvent(new UpgradeEvent.StepStarted(T0, "plan", "convert", io.upgradesdk.upgrade.Phase.UP, 2, "f-7"));

        assertThat(printed().lines()).containsExactly(
                "-> copy (resuming after " + cursor.substring(0, 160) + "... (" + cursor.length() + " characters))",
                "-> convert (resuming after f-7)");
    }

    /**
     * As in {@code --json} (progress on stderr) with stdout on a terminal and stderr redirected to a
     * file: the file gets plain lines, the terminal a live line.
     */
    @Test
    void isLiveOnlyWhenTheStreamItWritesIsATerminal(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script (util-linux) makes a terminal");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String probe = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                + ConsoleListenerTerminalProbe.class.getName();
        Path log = dir.resolve("progress.log");
        Path terminal = dir.resolve("terminal.txt");

        runOnATerminal(probe + " err 2> '" + log + "'", terminal);
        assertThat(Files.readString(log)).as("stderr redirected to a file").doesNotContain("\r").contains(
                "   [######..............] 1/3 (33%), 1.0/s, ETA 2s docs\n",
                "   [####################] 3/3 (100%), 1.0/s, ETA 0s docs\n");

        runOnATerminal(probe + " out", terminal);
        assertThat(Files.readString(terminal)).as("stdout on the terminal").contains(
                "\r   [#############.......] 2/3 (66%), 1.0/s, ETA 1s docs\r   [####################] 3/3");
    }

    private static void runOnATerminal(String command, Path transcript) throws Exception {
        Process script = new ProcessBuilder(List.of("/usr/bin/script", "-qec", command, "/dev/null"))
                .redirectInput(new File("/dev/null")).redirectOutput(transcript.toFile())
                .redirectErrorStream(true).start();
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).as("the probe under script ended").isTrue();
        assertThat(script.exitValue()).as(Files.readString(transcript)).isZero();
    }
}
