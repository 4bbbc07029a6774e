package io.upgradesdk.samples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.Preview;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a dry run's previews become the exit code and the last line a script or an operator reads. */
class DryRunVerdictTest {

    private static Preview.Item answered(String stepId, PlannedAction... actions) {
        return new Preview.Item(stepId, stepId, Phase.UP, Preview.Action.RUN, null, false, List.of(actions), null);
    }

    private static Preview.Item failed(String stepId, String error) {
        return new Preview.Item(stepId, stepId, Phase.UP, Preview.Action.RUN, null, false, List.of(), error);
    }

    private static Preview preview(Preview.Item... items) {
        return new Preview("plan", "fp", List.of(items), Optional.empty(), List.of());
    }

    @Test
    void a_preview_whose_steps_all_answered_without_a_refusal_is_clear() {
        DryRunVerdict verdict = DryRunVerdict.of(preview(answered("a", PlannedAction.of("copy", "orders")),
                answered("b")));

        assertThat(verdict.exitCode()).isEqualTo(ExitCode.SUCCESS);
        assertThat(verdict.summary()).isEqualTo("Dry run clear: every step's dry run answered and none would refuse"
                + " (2 steps).");
    }

    @Test
    void the_same_unreachable_server_is_named_once_with_every_step_it_stopped() {
        String down = "UpgradeException: Elasticsearch at http://es:9200 is unreachable (Connection refused)";
        DryRunVerdict verdict = DryRunVerdict.of(preview(failed("inventory", down), answered("config"),
                failed("copy", down), failed("other", "IllegalStateException: no mapping")));

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
                        "reason", "node-1 runs 7.17.29: go through 8.19 first")))));

        assertThat(verdict.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(verdict.summary()).contains("1 of 1 steps", "would refuse: http://es:9200: node-1 runs 7.17.29:"
                + " go through 8.19 first [rolling-preflight]");
    }

    @Test
    void a_sequence_is_clear_only_when_each_of_its_plans_is() {
        Preview clear = preview(answered("a"));
        Preview refused = preview(answered("inventory", PlannedAction.of(Preview.REFUSE, "&nyc.taxi already exists")));

        assertThat(DryRunVerdict.of(List.of(clear, clear)).exitCode()).isEqualTo(ExitCode.SUCCESS);
        assertThat(DryRunVerdict.of(List.of(clear, refused)).summary())
                .contains("2 steps", "would refuse: &nyc.taxi already exists [inventory]");
    }
}
