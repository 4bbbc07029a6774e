package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a preview warns about, what it dry-runs, and that it shows no secret. */
class PreviewWarningsTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<UpgradeEvent> events = new ArrayList<>();
    private final List<String> dryRuns = new ArrayList<>();

    private UpgradeRunner runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(clock::advance)
                .heartbeat(false).listener(events::add).secret(Secret.of("password", "hunter2"))
                .retryPolicy(RetryPolicy.custom().initialBackoff(Duration.ZERO).jitter(0).build()).build();
    }

    private UpgradeStep step(String id) {
        return UpgradeStep.builder(id).execute(ctx -> { }).dryRun(ctx -> {
            dryRuns.add(id);
            return List.of(PlannedAction.of("touch", id));
        }).build();
    }

    @Test
    void aLeaseHeldByAnotherRunIsAWarningNamingItsHolder() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("a")).build();
        store.acquireLease("plan", "host-b", Duration.ofMinutes(5));

        Preview preview = runner().preview(plan);

        assertThat(preview.lease()).isPresent();
        assertThat(preview.warnings()).singleElement().asString().contains("host-b", "LOCK_HELD");
    }

    @Test
    void anExpiredLeaseIsShownButNotAWarning() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("a")).build();
        store.acquireLease("plan", "host-b", Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(6));

        Preview preview = runner().preview(plan);

        assertThat(preview.lease()).isPresent();
        assertThat(preview.warnings()).isEmpty();
    }

    @Test
    void aCheckpointWrittenByAPlanWithOtherStepsIsAWarning() {
        runner().up(UpgradePlan.builder("plan").step(step("a")).build());
        UpgradePlan changed = UpgradePlan.builder("plan").step(step("a")).step(step("b")).build();

        Preview preview = runner().preview(changed);

        assertThat(preview.warnings()).singleElement().asString().contains("fingerprint",
                "adoptCheckpointOfChangedPlan");
    }

    @Test
    void theSamePlanAgainHasNoWarning() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("a")).step(step("b")).build();
        runner().up(plan);

        assertThat(runner().preview(plan).warnings()).isEmpty();
    }

    @Test
    void doneAndSkippedStepsAreNotDryRunAndSkippedOnesSaySo() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(step("a")).step(step("b")).step(step("c")).build();
        runner().markDone(plan, "a", OperatorNote.by("ops", "done by hand"));
        runner().markSkipped(plan, "b", OperatorNote.by("ops", "not needed"));
        dryRuns.clear();

        Preview preview = runner().preview(plan);

        assertThat(preview.items()).extracting(Preview.Item::action)
                .containsExactly(Preview.Action.ALREADY_DONE, Preview.Action.SKIPPED, Preview.Action.RUN);
        assertThat(dryRuns).containsExactly("c");
        assertThat(preview.items().get(0).plannedActions()).isEmpty();
        assertThat(preview.items().get(2).plannedActions()).containsExactly(PlannedAction.of("touch", "c"));
    }

    @Test
    void aFailingDryRunIsAWarningNamingTheStepAndTheCauseWithoutTheSecret() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("connect").execute(ctx -> { })
                .dryRun(ctx -> {
                    throw new IllegalStateException("login with hunter2 refused");
                }).build()).build();

        Preview preview = runner().preview(plan);

        assertThat(preview.items().get(0).plannedActions()).isEmpty();
        assertThat(preview.warnings()).singleElement().asString()
                .contains("connect", "login with", "refused").doesNotContain("hunter2");
    }

    @Test
    void descriptionsPlannedActionsAndTheirDetailsAreRedacted() {
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy")
                .description("copy with hunter2").execute(ctx -> { })
                .dryRun(ctx -> List.of(PlannedAction.of("log in as hunter2", "db hunter2",
                        Map.of("password", "hunter2", "rows", "12"))))
                .build()).build();

        Preview.Item item = runner().preview(plan).items().get(0);

        assertThat(item.description()).isEqualTo("copy with ****");
        PlannedAction action = item.plannedActions().get(0);
        assertThat(action.action()).isEqualTo("log in as ****");
        assertThat(action.target()).isEqualTo("db ****");
        assertThat(action.details()).containsEntry("password", "****").containsEntry("rows", "12");
    }

    @Test
    void aDryRunReadsTheResumeCursorAndItsProgressIsReported() {
        List<String> seen = new ArrayList<>();
        UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
            ctx.saveCursor("doc-7");
            throw new IllegalStateException("disk full");
        }).dryRun(ctx -> {
            seen.add(ctx.cursor().orElse("none"));
            ctx.progress(3, 10, "counted");
            return List.of();
        }).build()).build();
        runner().up(plan);
        events.clear();

        runner().preview(plan);

        assertThat(seen).containsExactly("doc-7");
        assertThat(events).filteredOn(UpgradeEvent.StepProgress.class::isInstance)
                .singleElement().satisfies(e -> {
                    UpgradeEvent.StepProgress p = (UpgradeEvent.StepProgress) e;
                    assertThat(p.stepId()).isEqualTo("copy");
                    assertThat(p.done()).isEqualTo(3);
                    assertThat(p.message()).isEqualTo("counted");
                });
    }
}
