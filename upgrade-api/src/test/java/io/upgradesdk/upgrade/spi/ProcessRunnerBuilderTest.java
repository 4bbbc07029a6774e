package io.upgradesdk.upgrade.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the process runner's builder accepts, refuses, and how a runner describes itself. */
class ProcessRunnerBuilderTest {

    private static ProcessRunner.Builder echo() {
        return ProcessRunner.builder(List.of("echo", "hi"), Duration.ofSeconds(5));
    }

    @Test
    void aCommandNeedsAProgramAndNoNullArgument() {
        assertThatThrownBy(() -> ProcessRunner.builder(List.of(), Duration.ofSeconds(1)))
                .hasMessageContaining("must have a program");
        assertThatThrownBy(() -> ProcessRunner.builder(Arrays.asList("echo", null), Duration.ofSeconds(1)))
                .hasMessageContaining("no null argument");
    }

    @Test
    void theTimeoutMustBePositive() {
        assertThatThrownBy(() -> ProcessRunner.builder(List.of("echo"), Duration.ZERO))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> ProcessRunner.builder(List.of("echo"), Duration.ofSeconds(-1)))
                .hasMessageContaining("must be positive");
    }

    @Test
    void theOutputLimitAndKillGraceMayBeZeroButNotNegative() {
        echo().outputLimit(0).killGrace(Duration.ZERO).build();
        assertThatThrownBy(() -> echo().outputLimit(-1)).hasMessageContaining("output limit must not be negative");
        assertThatThrownBy(() -> echo().killGrace(Duration.ofMillis(-1)))
                .hasMessageContaining("kill grace must not be negative");
        assertThatThrownBy(() -> echo().killGrace(null)).hasMessageContaining("kill grace must not be negative");
    }

    @Test
    void aRunnerDescribesItsCommandTimeoutAndEnvironmentNamesButNoSecretValue() {
        ProcessRunner runner = echo().environment("LANG", "C").secretEnvironment("PGPASSWORD",
                Secret.of("db", "hunter2")).build();

        assertThat(runner.description()).contains("echo");
        assertThat(runner.toString()).contains("echo", "PT5S", "LANG", "PGPASSWORD").doesNotContain("hunter2");
        assertThat(echo().description("say hello").build().description()).isEqualTo("say hello");
    }

    @Test
    void aSecretValueInTheDescriptionIsRefused() {
        assertThatThrownBy(() -> echo().secretEnvironment("PGPASSWORD", Secret.of("db", "hunter2"))
                .description("connect with hunter2").build())
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.SECRET_EXPOSED));
    }

    @Test
    void aTimeoutIsNamedInItsLargestWholeUnit() {
        assertThat(ProcessRunner.human(Duration.ofHours(2))).isEqualTo("2 h");
        assertThat(ProcessRunner.human(Duration.ofMinutes(90))).isEqualTo("90 min");
        assertThat(ProcessRunner.human(Duration.ofSeconds(3630))).isEqualTo("3630 s");
        assertThat(ProcessRunner.human(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(ProcessRunner.human(Duration.ofSeconds(60))).isEqualTo("1 min");
        assertThat(ProcessRunner.human(Duration.ofMillis(1500))).isEqualTo("1500 ms");
    }
}
