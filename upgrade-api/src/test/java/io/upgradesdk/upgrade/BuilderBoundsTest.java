package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The exact bounds the runner's and the retry policy's builders accept, and what they refuse with a message. */
class BuilderBoundsTest {

    private static void refused(Runnable setting, String message) {
        assertThatThrownBy(setting::run).isInstanceOfSatisfying(UpgradeException.class,
                e -> assertThat(e.code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION)).hasMessageContaining(message);
    }

    @Test
    void theRunnerRefusesABlankOwnerASecretGivenTwiceAndANegativeLockWait() {
        refused(() -> UpgradeRunner.builder().owner(" "), "owner must not be blank");
        refused(() -> UpgradeRunner.builder().secret(Secret.of("db", "a")).secret(Secret.of("db", "b")),
                "secret 'db' was given twice");
        refused(() -> UpgradeRunner.builder().lockWait(Duration.ofMillis(-1)), "lockWait must be zero or positive");
        UpgradeRunner.builder().lockWait(Duration.ZERO);
    }

    @Test
    void aLeaseOfOneHundredMillisecondsIsTheShortestAccepted() {
        UpgradeRunner.builder().leaseDuration(Duration.ofMillis(100));
        refused(() -> UpgradeRunner.builder().leaseDuration(Duration.ofMillis(99)), "leaseDuration must be at least 100 ms");
    }

    @Test
    void theRetryPolicyTakesZeroBackoffsAndAMultiplierOfOneButNothingBelow() {
        RetryPolicy.custom().initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).multiplier(1.0).build();
        RetryPolicy.custom().initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(2)).build();
        refused(() -> RetryPolicy.custom().initialBackoff(Duration.ofMillis(-1)), "initialBackoff must be zero or positive");
        refused(() -> RetryPolicy.custom().maxBackoff(Duration.ofMillis(-1)), "maxBackoff must be zero or positive");
        refused(() -> RetryPolicy.custom().multiplier(0.99), "multiplier must be at least 1.0");
    }

    @Test
    void theDefaultOwnerNamesTheUserTheHostAndTheProcess() {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        AtomicReference<String> owner = new AtomicReference<>();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("look")
                .execute(ctx -> owner.set(store.currentLease("plan").orElseThrow().owner())).build()).build();

        assertThat(UpgradeRunner.builder().store(store).heartbeat(false).build().up(plan).isSuccess()).isTrue();

        assertThat(owner.get()).startsWith(System.getProperty("user.name", "user") + "@")
                .endsWith("/" + ProcessHandle.current().pid());
    }
}
