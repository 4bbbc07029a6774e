package io.upgradesdk.samples;

import io.upgradesdk.upgrade.UpgradeEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * Run by {@link ConsoleListenerTest} in a child JVM under {@code script} (a pseudo-terminal): a
 * listener made with {@link ConsoleListener#ConsoleListener(java.io.PrintStream)} on the stream
 * named by the argument ({@code out} or {@code err}) prints three reports and a step's end.
 */
final class ConsoleListenerTerminalProbe {

    private ConsoleListenerTerminalProbe() {
    }

    public static void main(String[] args) {
        ConsoleListener console = new ConsoleListener("err".equals(args[0]) ? System.err : System.out);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 1; i <= 3; i++) {
            console.onEvent(new UpgradeEvent.StepProgress(t0.plusSeconds(i), "plan", "copy", i, 3, "docs", 1.0,
                    Duration.ofSeconds(3 - i)));
        }
        console.onEvent(new UpgradeEvent.StepSucceeded(t0.plusSeconds(4), "plan", "copy", 1, Duration.ofSeconds(4)));
    }
}
