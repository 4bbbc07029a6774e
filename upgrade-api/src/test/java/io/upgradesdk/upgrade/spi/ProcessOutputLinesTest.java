package io.upgradesdk.upgrade.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.spi.ProcessRunner.Channel;
import io.upgradesdk.upgrade.spi.ProcessRunner.OutputLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Real processes: a command's output lines are handed over while it runs, secrets masked. */
class ProcessOutputLinesTest {

    private static ProcessRunner.Builder shell(String script, Duration timeout) {
        return ProcessRunner.builder(List.of("/bin/sh", "-c", script), timeout);
    }

    @Test
    void eachLineIsHandedOverWhileTheCommandStillRuns() throws Exception {
        CountDownLatch firstLine = new CountDownLatch(1);
        List<OutputLine> lines = new CopyOnWriteArrayList<>();
        ProcessRunner runner = shell("echo 'restoring table 1 of 2'; sleep 2; echo 'restoring table 2 of 2'",
                Duration.ofSeconds(30)).onOutputLine(line -> {
                    lines.add(line);
                    firstLine.countDown();
                }).build();
        Thread run = new Thread(() -> {
            try {
                runner.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long begin = System.nanoTime();
        run.start();

        assertThat(firstLine.await(1500, TimeUnit.MILLISECONDS)).as("the first line, before the command's end")
                .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMillis(1500));
        assertThat(lines).containsExactly(new OutputLine(Channel.STDOUT, "restoring table 1 of 2", false));
        run.join(10_000);
        assertThat(lines).extracting(OutputLine::text)
                .containsExactly("restoring table 1 of 2", "restoring table 2 of 2");
    }

    @Test
    void linesOfBothStreamsAreHandedOverWithTheirStreamAndTheResultStillHasTheTails() throws Exception {
        List<OutputLine> lines = Collections.synchronizedList(new ArrayList<>());
        ProcessRunner.Result result = shell("echo out; sleep 0.2; echo err >&2; sleep 0.2; printf 'last without end'",
                Duration.ofSeconds(30)).onOutputLine(lines::add).build().run();

        assertThat(lines).containsExactly(new OutputLine(Channel.STDOUT, "out", false),
                new OutputLine(Channel.STDERR, "err", false),
                new OutputLine(Channel.STDOUT, "last without end", false));
        assertThat(result.stdout().text()).isEqualTo("out\nlast without end");
        assertThat(result.stderr().text()).isEqualTo("err\n");
    }

    @Test
    void secretValuesAreMaskedInEveryLineAlsoEachLineOfAMultiLineSecret() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        shell("echo \"password is $PGPASSWORD\"; printf '%s\\n' \"$KEY\"", Duration.ofSeconds(30))
                .secretEnvironment("PGPASSWORD", Secret.of("pg", "s3cr3t-pw"))
                .secretEnvironment("KEY", Secret.of("key", "-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----"))
                .onOutputLine(line -> lines.add(line.text())).build().run();

        assertThat(lines).containsExactly("password is ****", "****", "****", "****");
        assertThat(String.join("\n", lines)).doesNotContain("s3cr3t", "MIIEvQ");
    }

    @Test
    void aLineLongerThanTheLimitIsCutAndASecretCutWithItLeavesNoPartOfIt() throws Exception {
        int before = ProcessRunner.MAX_LINE_BYTES - 4;   // the cut falls after the secret's first 4 characters
        List<OutputLine> lines = new CopyOnWriteArrayList<>();
        shell("head -c " + before + " /dev/zero | tr '\\0' x; echo \"$TOKEN and more\"; echo next", Duration.ofSeconds(30))
                .secretEnvironment("TOKEN", Secret.of("token", "tok-123456789"))
                .onOutputLine(lines::add).build().run();

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).cut()).isTrue();
        assertThat(lines.get(0).text()).startsWith("xxxx").endsWith("x****").doesNotContain("tok-");
        assertThat(lines.get(0).shown()).endsWith("x**** [line cut at 8 KiB]");
        assertThat(lines.get(1).shown()).isEqualTo("next");
        assertThat(lines.get(1)).isEqualTo(new OutputLine(Channel.STDOUT, "next", false));
    }

    @Test
    void aListenerThatThrowsIsHandedNoFurtherLineAndTheCommandGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ProcessRunner.Result result = shell("echo one; echo two; echo three", Duration.ofSeconds(30))
                .onOutputLine(line -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("the terminal went away");
                }).build().run();

        assertThat(calls).hasValue(1);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout().text()).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void aListenerThatBlocksDoesNotHangTheRunPastASecondAfterTheCommandEnded() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        List<String> lines = new CopyOnWriteArrayList<>();
        // one write, so that one read takes both lines: the reader blocked in the listener reads no more
        ProcessRunner runner = shell("printf 'one\\ntwo\\n'", Duration.ofSeconds(2)).onOutputLine(line -> {
            lines.add(line.text());
            try {
                released.await(20, TimeUnit.SECONDS);   // a terminal stopped with Ctrl-S, a full log queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).build();

        long begin = System.nanoTime();
        ProcessRunner.Result result = runner.run();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        released.countDown();

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout().text()).as("what was read before the listener blocked is in the tail").isEqualTo("one\ntwo\n");
        assertThat(took).as("the 2 s drain, then at most a second for the line being handed over")
                .isLessThan(Duration.ofSeconds(6));
        Thread.sleep(200);
        assertThat(lines).as("no line handed over once run() returned").containsExactly("one");
    }

    @Test
    void theLinesOfATimedOutCommandAreHandedOverUntilItIsKilled() {
        List<String> lines = new CopyOnWriteArrayList<>();
        // exec: the shell becomes the sleep; a shell waiting for a killed child may print "Terminated" first
        ProcessRunner runner = shell("echo 'waiting for the host'; exec sleep 30", Duration.ofSeconds(1))
                .killGrace(Duration.ofMillis(200)).onOutputLine(line -> lines.add(line.text())).build();

        assertThatThrownBy(runner::run).isInstanceOf(UpgradeException.class).hasMessageContaining("did not finish");
        assertThat(lines).containsExactly("waiting for the host");
    }

    @Test
    void refusesANullListener() {
        assertThatThrownBy(() -> shell("true", Duration.ofSeconds(1)).onOutputLine(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
    }
}
