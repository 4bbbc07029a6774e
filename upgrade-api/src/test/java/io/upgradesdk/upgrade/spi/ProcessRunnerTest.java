package io.upgradesdk.upgrade.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: a hung command is killed with its children at its timeout, a flood neither deadlocks nor fills the heap. */
class ProcessRunnerTest {

    @TempDir
    Path dir;

    private static ProcessRunner.Builder shell(String script, Duration timeout) {
        return ProcessRunner.builder(List.of("/bin/sh", "-c", script), timeout);
    }

    @Test
    void aHungCommandIsKilledWithItsChildrenAtItsTimeout() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        ProcessRunner runner = shell("sleep 30 & echo $! > " + pidFile + "; echo stuck >&2; sleep 30",
                Duration.ofSeconds(1)).description("hang-test").onTimeout("raise the hang-test timeout")
                .killGrace(Duration.ofMillis(500)).build();

        long begin = System.nanoTime();
        assertThatThrownBy(runner::run)
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.STEP_FAILED))
                .hasMessageContaining("'hang-test' did not finish within 1 s")
                .hasMessageContaining("stopped with its child processes; raise the hang-test timeout")
                .hasMessageContaining("stuck");
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(stateOf(grandchild)).as("the background child: gone, or dead waiting for init to reap it")
                .isIn("gone", "Z");
    }

    @Test
    void aCommandIsStoppedWithItsChildrenOnceItsStopConditionSaysSo() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        io.upgradesdk.upgrade.StopSignal signal = new io.upgradesdk.upgrade.StopSignal();
        ProcessRunner runner = shell("sleep 30 & echo $! > " + pidFile + "; echo stopping >&2; sleep 30",
                Duration.ofHours(1)).description("stop-test").stopWhen(signal::isStopRequested)
                .killGrace(Duration.ofMillis(500)).build();
        new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            signal.requestStop("SIGTERM");
        }).start();

        long begin = System.nanoTime();
        assertThatThrownBy(runner::run)
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.STOPPED))
                .hasMessageContaining("'stop-test' was stopped with its child processes: the run was asked to stop")
                .hasMessageContaining("stopping");

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("the hour's timeout did not matter")
                .isLessThan(Duration.ofSeconds(10));
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(stateOf(grandchild)).isIn("gone", "Z");
    }

    /** The process's state letter from /proc (Z: a zombie), or "gone". */
    private static String stateOf(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return "gone";
        }
        String text = Files.readString(stat);
        return text.substring(text.lastIndexOf(')') + 1).strip().substring(0, 1);
    }

    @Test
    void aCommandIgnoringTheTerminationSignalIsKilledForciblyAfterTheGrace() {
        ProcessRunner runner = shell("trap '' TERM; for i in $(seq 300); do sleep 0.1; done", Duration.ofMillis(500))
                .killGrace(Duration.ofMillis(300)).build();

        long begin = System.nanoTime();
        assertThatThrownBy(runner::run).hasMessageContaining("did not finish within 500 ms");

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("the timeout, then the whole grace")
                .isBetween(Duration.ofMillis(800), Duration.ofSeconds(5));
    }

    @Test
    void aFloodOnBothStreamsFinishesWithoutDeadlockAndKeepsOnlyTheTails() throws Exception {
        ProcessRunner runner = shell("(yes err | head -c 20000000) >&2; yes out | head -c 50000000; echo END",
                Duration.ofSeconds(60)).outputLimit(1024).build();

        ProcessRunner.Result result = runner.run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().bytes()).isEqualTo(50_000_004L);
        assertThat(result.stdout().truncated()).isTrue();
        assertThat(result.stdout().text()).hasSize(1024).endsWith("out\nEND\n");
        assertThat(result.stderr().bytes()).isEqualTo(20_000_000L);
        assertThat(result.stderr().text()).hasSize(1024).startsWith("err\n".substring(0, 1));
    }

    @Test
    void reportsTheExitCodeAndTheTailOfStderr() throws Exception {
        ProcessRunner.Result result = shell("echo some output; echo first >&2; echo 'disk full' >&2; exit 3",
                Duration.ofSeconds(10)).build().run();

        assertThat(result.succeeded()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout().text()).isEqualTo("some output\n");
        assertThat(result.stderr().text()).isEqualTo("first\ndisk full\n");
        assertThat(result.stderr().truncated()).isFalse();
        assertThat(result.diagnostics(9)).isEqualTo("…disk full");
    }

    @Test
    void passesSecretsOnlyThroughTheEnvironmentAndMasksThemInTheOutput() throws Exception {
        ProcessRunner.Result result = shell("echo \"password is $PGPASSWORD\"", Duration.ofSeconds(10))
                .secretEnvironment("PGPASSWORD", Secret.of("pg", "hunter2")).environment("PLAIN", "x").build().run();

        assertThat(result.stdout().text()).isEqualTo("password is ****\n");
    }

    @Test
    void aSecretCutByTheOutputLimitLeavesNoPartOfItInTheTail() throws Exception {
        // 28 bytes, the last 20 kept: the tail begins inside the secret ("er2-Secret0123456789")
        ProcessRunner.Result result = shell("printf 'xxxx%s0123456789' \"$PGPASSWORD\"", Duration.ofSeconds(10))
                .outputLimit(20).secretEnvironment("PGPASSWORD", Secret.of("pg", "hunter2-Secret")).build().run();

        assertThat(result.stdout().truncated()).isTrue();
        assertThat(result.stdout().text()).isEqualTo("****0123456789");
    }

    @Test
    void aSecretCutByTheOutputLimitLeavesNoPartOfItInTheTimeoutMessage() {
        org.junit.jupiter.api.Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                "a non-ASCII secret reaches the environment as UTF-8");
        // 4 + 16 + 5 bytes, the last 19 kept: the tail begins inside the secret's 'ä' (a 2-byte character)
        ProcessRunner runner = shell("printf 'xxxx%s-full' \"$PGPASSWORD\" >&2; exec sleep 30", Duration.ofMillis(500))
                .outputLimit(19).killGrace(Duration.ofMillis(200))
                .secretEnvironment("PGPASSWORD", Secret.of("pg", "pässwort-Secret")).build();

        assertThatThrownBy(runner::run).hasMessageEndingWith("Its last error output: ****-full")
                .hasMessageNotContaining("Secret");
    }

    @Test
    void aCommandThatEndsJustBeforeItsTimeoutKeepsItsOutput() throws Exception {
        // the output is in the pipes when the command ends; reading it must not be cut by the timeout's deadline
        for (int i = 0; i < 30; i++) {
            ProcessRunner.Result result;
            try {
                result = ProcessRunner.builder(List.of("printf", "reason"), Duration.ofMillis(2)).build().run();
            } catch (UpgradeException timedOut) {
                continue;       // ended after its 2 ms: not the case under test
            }
            assertThat(result.stdout().text()).as("run %d", i).isEqualTo("reason");
        }
    }

    @Test
    void aTimeoutTooLongForNanosecondsMeansNoPracticalLimit() throws Exception {
        for (Duration forever : List.of(java.time.temporal.ChronoUnit.FOREVER.getDuration(),
                Duration.ofSeconds(Long.MAX_VALUE), Duration.ofDays(365L * 300))) {
            ProcessRunner.Result result = ProcessRunner.builder(List.of("printf", "ok"), forever).build().run();

            assertThat(result.stdout().text()).isEqualTo("ok");
        }
    }

    @Test
    void refusesASecretValueInTheArguments() {
        assertThatThrownBy(() -> ProcessRunner.builder(List.of("psql", "--password=hunter2"), Duration.ofSeconds(1))
                .secretEnvironment("PGPASSWORD", Secret.of("pg", "hunter2")).build())
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.SECRET_EXPOSED))
                .hasMessageNotContaining("hunter2")
                .hasMessageContaining("only through the environment");
    }

    @Test
    void aProgramThatCannotStartFailsWithTheFix() {
        assertThatThrownBy(() -> ProcessRunner.builder(List.of(dir.resolve("no-such-program").toString()),
                Duration.ofSeconds(1)).onStartFailure("install it").build().run())
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("cannot run")
                .hasMessageEndingWith("; install it");
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> ProcessRunner.builder(List.of("true"), Duration.ZERO))
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION));
    }

    @Test
    void aRefusedCommandIsNamedByItsProgramAloneNotItsArguments() {
        // the arguments may hold what the caller should not have put there; a refusal must not print them
        assertThatThrownBy(() -> ProcessRunner.builder(List.of("psql", "--password=hunter2"), Duration.ZERO))
                .hasMessageContaining("'psql'").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ProcessRunner.builder(java.util.Arrays.asList("psql", "--password=hunter2", null),
                Duration.ofSeconds(1))).hasMessageContaining("'psql'").hasMessageContaining("argument 2 is null")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aCommandReadingItsInputSeesItsEndAtOnce() throws Exception {
        ProcessRunner.Result result = shell("cat; echo done", Duration.ofSeconds(20)).build().run();

        assertThat(result.stdout().text()).isEqualTo("done\n");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void runsInTheGivenDirectoryWithTheGivenEnvironment() throws Exception {
        ProcessRunner.Result result = shell("pwd; echo \"$PLAIN\"", Duration.ofSeconds(10))
                .directory(dir).environment("PLAIN", "plain value").build().run();

        assertThat(result.stdout().text()).isEqualTo(dir.toRealPath() + "\nplain value\n");
    }

    @Test
    void anOutputOfExactlyTheLimitIsWholeAndOneByteMoreIsTruncated() throws Exception {
        ProcessRunner.Result exact = shell("printf 12345", Duration.ofSeconds(10)).outputLimit(5).build().run();
        ProcessRunner.Result over = shell("printf 123456", Duration.ofSeconds(10)).outputLimit(5).build().run();

        assertThat(exact.stdout()).isEqualTo(new ProcessRunner.Output("12345", 5, false));
        assertThat(over.stdout()).isEqualTo(new ProcessRunner.Output("23456", 6, true));
    }

    @Test
    void diagnosticsAreTheErrorOutputOrElseTheStandardOutputCutToTheirLastCharacters() throws Exception {
        ProcessRunner.Result onlyStdout = shell("echo '  all on stdout  '", Duration.ofSeconds(10)).build().run();

        assertThat(onlyStdout.diagnostics(11)).isEqualTo("…l on stdout");
        assertThat(onlyStdout.diagnostics(13)).isEqualTo("all on stdout");
        assertThat(onlyStdout.succeeded()).isTrue();
    }
}
