package io.upgradesdk.samples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a dry run's previews become the exit code and the last line a script or an operator reads. */
class DryRunVerdictTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static Preview.Item answered(String stepId, PlannedAction... actions) {
        return new Preview.Item(stepId, stepId, Phase.UP, Preview.Action.RUN, null, false, List.of(actions), null);
    }

    private static Preview.Item failed(String stepId, String error) {
        return new Preview.Item(stepId, stepId, Phase.UP, Preview.Action.RUN, null, false, List.of(), error);
    }

    private static Preview preview(Preview.Item... items) {
        return planPreview("plan", items);
    }

    private static Preview planPreview(String planId, Preview.Item... items) {
        return new Preview(planId, "fp", List.of(items), Optional.empty(), List.of());
    }

    private static Preview leased(Instant expiresAt, Preview.Item... items) {
        return new Preview("plan", "fp", List.of(items), Optional.of(new Lease("plan", "host-a", 7, expiresAt)),
                List.of());
    }

    @Test
    void a_preview_whose_steps_all_answered_without_a_refusal_is_clear() {
        DryRunVerdict verdict = DryRunVerdict.of(preview(answered("a", PlannedAction.of("copy", "orders")),
                answered("b")), List.of(), NOW);

        assertThat(verdict.exitCode()).isEqualTo(ExitCode.SUCCESS);
        assertThat(verdict.summary()).isEqualTo("Dry run clear: every step's dry run answered and none would refuse"
                + " (2 steps).");
    }

    @Test
    void the_same_unreachable_server_is_named_once_with_every_step_it_stopped() {
        String down = "UpgradeException: Elasticsearch at http://es:9200 is unreachable (Connection refused)";
        DryRunVerdict verdict = DryRunVerdict.of(preview(failed("inventory", down), answered("config"),
                failed("copy", down), failed("other", "IllegalStateException: no mapping")), List.of(), NOW);

        assertThat(verdict.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(verdict.summary()).isEqualTo("Dry run NOT clear (exit 1): 3 of 4 steps could not be checked or"
                + " would refuse. could not check: Elasticsearch at http://es:9200 is unreachable (Connection refused)"
                + " [inventory, copy]; could not check: IllegalStateException: no mapping [other]; fix each, then run"
                + " the dry run again.");
    }

    @Test
    void a_step_whose_dry_run_found_a_blocking_problem_is_not_clear_and_its_reason_is_given() {
        DryRunVerdict verdict = DryRunVerdict.of(preview(answered("rolling-preflight",
                PlannedAction.of(Preview.REFUSE, "http://es:9200", Map.of("target", "9.2.4",
                        "reason", "node-1 runs 7.17.29: go through 8.19 first")))), List.of(), NOW);

        assertThat(verdict.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(verdict.summary()).contains("1 of 1 steps", "would refuse: http://es:9200: node-1 runs 7.17.29:"
                + " go through 8.19 first [rolling-preflight]", "fix it, then");
    }

    @Test
    void a_lock_another_run_holds_is_the_lock_held_code_and_an_expired_one_is_clear() {
        DryRunVerdict held = DryRunVerdict.of(leased(NOW.plusSeconds(30), answered("a")), List.of(), NOW);
        DryRunVerdict expired = DryRunVerdict.of(leased(NOW.minusSeconds(1), answered("a")), List.of(), NOW);

        assertThat(held.exitCode()).isEqualTo(ExitCode.LOCK_HELD);
        assertThat(held.summary()).startsWith("Dry run NOT clear (exit 4): the lock of plan 'plan' is held by"
                + " 'host-a' until 2026-11-30T12:00:30Z: a run now would exit 4").contains("--unlock");
        assertThat(expired.exitCode()).isEqualTo(ExitCode.SUCCESS);
    }

    @Test
    void a_step_that_cannot_answer_outweighs_a_held_lock_and_both_are_named() {
        DryRunVerdict verdict = DryRunVerdict.of(leased(NOW.plusSeconds(30), failed("a", "UpgradeException: down")),
                List.of(), NOW);

        assertThat(verdict.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(verdict.summary()).contains("could not check: down [a]", "is held by 'host-a'", "fix each");
    }

    @Test
    void the_plans_of_a_sequence_are_clear_only_together_and_a_run_refused_as_a_whole_is_not_clear() {
        Preview clear = preview(answered("a"));
        Preview refused = planPreview("kuzzle", answered("inventory", PlannedAction.of(Preview.REFUSE,
                "&nyc.taxi already exists")));

        assertThat(DryRunVerdict.of(List.of(clear, clear), List.of(), NOW).exitCode()).isEqualTo(ExitCode.SUCCESS);
        assertThat(DryRunVerdict.of(List.of(clear, refused), List.of(), NOW).summary())
                .contains("1 of 2 steps", "would refuse: &nyc.taxi already exists [kuzzle:inventory]");
        Preview.Item down = failed("rolling-preflight", "UpgradeException: down");
        List<Preview> hops = List.of(planPreview("es-rolling/8.19.21", down), planPreview("es-rolling/9.2.4", down));
        assertThat(DryRunVerdict.of(hops, List.of(), NOW).summary()).as("the same step in two plans").contains(
                "2 of 2 steps", "[es-rolling/8.19.21:rolling-preflight, es-rolling/9.2.4:rolling-preflight]");
        DryRunVerdict outOfOrder = DryRunVerdict.of(List.of(clear), List.of("plan 'p0' was applied but is no longer"
                + " in it"), NOW);
        assertThat(outOfOrder.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(outOfOrder.summary()).isEqualTo("Dry run NOT clear (exit 1): would refuse the run: plan 'p0' was"
                + " applied but is no longer in it; fix it, then run the dry run again.");
    }
}
