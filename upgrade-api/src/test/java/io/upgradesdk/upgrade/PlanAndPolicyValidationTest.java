package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Builders reject bad input at build time, with messages that name the problem and the fix. */
class PlanAndPolicyValidationTest {

    private static StepBuilder step(String id) {
        return UpgradeStep.builder(id).execute(ctx -> { });
    }

    private static void assertInvalidPlan(Runnable build, String... fragments) {
        assertThatThrownBy(build::run).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INVALID_PLAN))
                .hasMessageContainingAll(fragments);
    }

    @Test
    void stepIdsMustBeUnique() {
        assertInvalidPlan(() -> UpgradePlan.builder("p").step(step("a").build()).step(step("a").build()).build(),
                "two steps with the id 'a'");
    }

    @Test
    void upStepsComeBeforeFinishSteps() {
        assertInvalidPlan(() -> UpgradePlan.builder("p").step(step("drop").phase(Phase.FINISH).build())
                .step(step("copy").build()).build(), "UP step 'copy' comes after FINISH step 'drop'");
    }

    @Test
    void atMostOnePointOfNoReturn() {
        assertInvalidPlan(() -> UpgradePlan.builder("p").step(step("a").pointOfNoReturn().build())
                .step(step("b").pointOfNoReturn().build()).build(), "two points of no return", "'a'", "'b'");
    }

    @Test
    void aPlanNeedsSteps() {
        assertInvalidPlan(() -> UpgradePlan.builder("p").build(), "has no steps");
    }

    @Test
    void finishStepsCannotBeCompensated() {
        assertInvalidPlan(() -> step("drop").phase(Phase.FINISH).compensation(ctx -> { }).build(),
                "only UP steps can be compensated");
    }

    @Test
    void aStepNeedsAnAction() {
        assertInvalidPlan(() -> UpgradeStep.builder("a").build(), "has no action");
    }

    @Test
    void idsAreRestrictedToSafeCharacters() {
        assertInvalidPlan(() -> UpgradeStep.builder("has space"), "step id 'has space' is invalid");
        assertInvalidPlan(() -> UpgradePlan.builder(""), "plan id '' is invalid");
    }

    @Test
    void retryPolicyRejectsNonsense() {
        assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0)).hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> RetryPolicy.custom().jitter(1.0)).hasMessageContaining("jitter must be in [0, 1)");
        assertThatThrownBy(() -> RetryPolicy.custom().multiplier(0.5)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.custom().initialBackoff(Duration.ofSeconds(10))
                .maxBackoff(Duration.ofSeconds(1)).build()).hasMessageContaining("must not be shorter");
    }

    @Test
    void runnerNeedsAStore() {
        assertThatThrownBy(() -> UpgradeRunner.builder().build())
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("FileCheckpointStore");
    }

    @Test
    void theDefaultClassifierRetriesIoAndTimeoutsOnly() {
        ErrorClassifier classifier = ErrorClassifier.defaults();

        assertThat(classifier.isTransient(new ConnectException("refused"))).isTrue();
        assertThat(classifier.isTransient(new RuntimeException(new TimeoutException()))).isTrue();
        assertThat(classifier.isTransient(new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "x"))).isTrue();
        assertThat(classifier.isTransient(new UpgradeException(UpgradeErrorCode.LOCK_HELD, "x",
                new IOException("wrapped")))).isFalse();
        assertThat(classifier.isTransient(new IllegalArgumentException("bad mapping"))).isFalse();
        assertThat(classifier.or(e -> e instanceof IllegalArgumentException)
                .isTransient(new IllegalArgumentException())).isTrue();
    }
}
