package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A step whose dry run throws is named in the preview, so a host (or the CLI) can refuse to call it green. */
class FailedDryRunTest {

    private final UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("t").build();

    @Test
    void aFailingDryRunIsListedWithItsRedactedErrorAndTheOthersAreNot() {
        UpgradePlan plan = UpgradePlan.builder("dry")
                .secret(Secret.of("token", "s3cr3t-value"))
                .step(UpgradeStep.builder("fine").execute(ctx -> { })
                        .dryRun(ctx -> List.of(PlannedAction.of("read", "config"))).build())
                .step(UpgradeStep.builder("broken").execute(ctx -> { })
                        .dryRun(ctx -> {
                            throw new IllegalStateException("config invalid near s3cr3t-value");
                        }).build())
                .build();

        Preview preview = runner.preview(plan);

        assertThat(preview.failedDryRuns()).extracting(Preview.Item::stepId).containsExactly("broken");
        assertThat(preview.failedDryRuns().get(0).dryRunError()).contains("config invalid near")
                .doesNotContain("s3cr3t-value");
        assertThat(preview.items().get(0).dryRunError()).isNull();
        assertThat(preview.toJson()).contains("\"dryRunError\"").doesNotContain("s3cr3t-value");
    }

    @Test
    void aPlanWhoseDryRunsAllAnswerHasNoFailedDryRun() {
        UpgradePlan plan = UpgradePlan.builder("dry-ok")
                .step(UpgradeStep.builder("fine").execute(ctx -> { }).build())
                .build();

        assertThat(runner.preview(plan).failedDryRuns()).isEmpty();
        assertThat(runner.preview(plan).toJson()).doesNotContain("dryRunError");
    }

    @Test
    void aDryRunThatFindsABlockingProblemIsARefusalNotAFailedDryRun() {
        UpgradePlan plan = UpgradePlan.builder("dry-refused")
                .step(UpgradeStep.builder("fine").execute(ctx -> { })
                        .dryRun(ctx -> List.of(PlannedAction.of("read", "config"))).build())
                .step(UpgradeStep.builder("inventory").execute(ctx -> { })
                        .dryRun(ctx -> List.of(PlannedAction.of("copy", "orders"),
                                PlannedAction.of(Preview.REFUSE, "orders-v2 already exists on the target")))
                        .build())
                .build();

        Preview preview = runner.preview(plan);

        assertThat(preview.refusals()).extracting(Preview.Item::stepId).containsExactly("inventory");
        assertThat(preview.failedDryRuns()).isEmpty();
    }
}
