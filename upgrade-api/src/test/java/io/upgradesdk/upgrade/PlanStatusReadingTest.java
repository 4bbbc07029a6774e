package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a plan's status says: which phases are complete, whether the point of no return was passed, and its text. */
class PlanStatusReadingTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);

    private UpgradeRunner.Builder runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .heartbeat(false).retryPolicy(RetryPolicy.custom().maxAttempts(1).build());
    }

    private final AtomicInteger destroyFailures = new AtomicInteger();

    private UpgradePlan plan() {
        return UpgradePlan.builder("plan")
                .step(UpgradeStep.builder("copy").execute(ctx -> ctx.saveCursor("doc-9")).build())
                .step(UpgradeStep.builder("destroy").phase(Phase.FINISH).pointOfNoReturn().execute(ctx -> {
                    if (destroyFailures.getAndDecrement() > 0) {
                        throw new IllegalArgumentException("index locked");
                    }
                }).build())
                .build();
    }

    @Test
    void beforeAnythingRanNothingIsCompleteAndThePointOfNoReturnIsAhead() {
        PlanStatus status = runner().build().status(plan());

        assertThat(status.isUpComplete()).isFalse();
        assertThat(status.isComplete()).isFalse();
        assertThat(status.isPastPointOfNoReturn()).isFalse();
        assertThat(status.toString()).startsWith("Status of plan 'plan':").contains("PENDING", "copy", "destroy")
                .doesNotContain("different plan", "lease:", "audit:");
    }

    @Test
    void afterUpTheUpPhaseIsCompleteButNotThePlan() {
        runner().build().up(plan());

        PlanStatus status = runner().build().status(plan());

        assertThat(status.isUpComplete()).isTrue();
        assertThat(status.isComplete()).isFalse();
        assertThat(status.isPastPointOfNoReturn()).isFalse();
        assertThat(status.toString()).contains("SUCCEEDED   copy").doesNotContain("cursor");
    }

    @Test
    void aFailedAttemptAtThePointOfNoReturnPassesItAndItsErrorIsShown() {
        destroyFailures.set(1);
        runner().confirmation(Confirmation.givenInAdvance()).build().run(plan());

        PlanStatus status = runner().build().status(plan());

        assertThat(status.isPastPointOfNoReturn()).isTrue();
        assertThat(status.isComplete()).isFalse();
        assertThat(status.toString()).contains("FAILED", "destroy - ", "index locked");
    }

    @Test
    void aCompletedPlanIsCompleteAndPastItsPointOfNoReturn() {
        runner().confirmation(Confirmation.givenInAdvance()).build().run(plan());

        PlanStatus status = runner().build().status(plan());

        assertThat(status.isComplete()).isTrue();
        assertThat(status.isPastPointOfNoReturn()).isTrue();
    }

    @Test
    void theTextShowsTheLeaseAndTheAuditTrail() {
        UpgradePlan plan = plan();
        runner().build().markDone(plan, "copy", OperatorNote.by("ops", "copied by hand"));
        store.acquireLease("plan", "host-b", Duration.ofMinutes(5));

        String text = runner().build().status(plan).toString();

        assertThat(text).contains("lease: 'host-b', token", "audit: ", "ops", "copy: copied by hand");
    }

    @Test
    void anUnknownStepIsRefusedNamingItAndThePlan() {
        PlanStatus status = runner().build().status(plan());

        assertThatThrownBy(() -> status.step("nope")).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(UpgradeErrorCode.UNKNOWN_STEP);
            assertThat(e.getMessage()).contains("'nope'", "'plan'");
        });
    }
}
