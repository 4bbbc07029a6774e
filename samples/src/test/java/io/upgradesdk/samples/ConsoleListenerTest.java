package io.upgradesdk.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

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
        ConsoleListener console = new ConsoleListener(out, true);

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
}
