package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;

import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The code of the root README's "Plan sequences" section, kept compiling and true here. */
class SequenceReadmeExampleTest {

    private final List<String> done = new ArrayList<>();
    private final UpgradePlan to819 = plan("copy-to-8.19");
    private final UpgradePlan to92 = plan("copy-to-9.2");

    private UpgradePlan plan(String id) {
        return UpgradePlan.builder(id)
                .step(UpgradeStep.builder("copy").execute(ctx -> {
                    for (int page = ctx.cursor().map(Integer::parseInt).orElse(0) + 1; page <= 3; page++) {
                        done.add(id + "/" + page);
                        ctx.saveCursor(String.valueOf(page));
                    }
                }).build())
                .step(UpgradeStep.builder("switch").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> done.add(id + "/switch")).build())
                .build();
    }

    @Test
    void aHostRunsASequence() {
        UpgradeRunner runner = UpgradeRunner.builder().store(new InMemoryCheckpointStore())
                .confirmation(Confirmation.givenInAdvance()).build();
        // README: begin
        UpgradeSequence sequence = UpgradeSequence.builder("search-cluster")
            .plan("7.17-to-8.19", to819)       // the plan's checkpoint and lease under this id
            .plan("8.19-to-9.2", to92)         // new plans go at the end
            .build();

        System.out.println(runner.preview(sequence));   // applied plans skipped, each pending plan's preview
        SequenceReport report = runner.run(sequence);   // the pending plans in order, both phases each
        System.out.println(report.toJson());
        report.throwIfFailed();                         // e.g. a plan awaiting confirmation stopped it
        System.out.println(runner.status(sequence));    // each plan APPLIED, IN_PROGRESS or PENDING, with its steps
        // README: end
        assertThat(report).succeeded().appliedPlans("7.17-to-8.19", "8.19-to-9.2");
        assertThat(done).hasSize(8);
    }

    @Test
    void aTestCrashesTheSecondPlanAndResumesIt() {
        UpgradeSequence sequence = UpgradeSequence.builder("search-cluster")
            .plan("7.17-to-8.19", to819).plan("8.19-to-9.2", to92).build();
        // README: begin
        UpgradeTestRunner t = UpgradeTestKit.runner().confirming().build();
        t.crashAt(CrashPoint.afterCursorSave("copy", 2).inPlan("8.19-to-9.2")).run(sequence);
        assertThat(t.letLeasesExpire(sequence).run(sequence)).succeeded()
            .alreadyAppliedPlans("7.17-to-8.19").appliedPlans("8.19-to-9.2")
            .plan("8.19-to-9.2").step("copy").succeeded();
        // README: end
        assertThat(done).doesNotHaveDuplicates().hasSize(8);
    }
}
