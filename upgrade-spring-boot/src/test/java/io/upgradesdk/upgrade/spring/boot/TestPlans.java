package io.upgradesdk.upgrade.spring.boot;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.List;

/** Small plans for the tests: each step appends "plan/step" to a journal when it runs. */
final class TestPlans {

    private TestPlans() {
    }

    /** One UP step. */
    static UpgradePlan oneStep(String planId, List<String> journal) {
        return UpgradePlan.builder(planId).step(recording(planId, "up", Phase.UP, journal)).build();
    }

    /** An UP step, then a FINISH step that is the point of no return. */
    static UpgradePlan withPointOfNoReturn(String planId, List<String> journal) {
        return UpgradePlan.builder(planId)
                .step(recording(planId, "copy", Phase.UP, journal))
                .step(UpgradeStep.builder("drop-old").phase(Phase.FINISH).pointOfNoReturn()
                        .description("drops the old tables").execute(c -> journal.add(planId + "/drop-old")).build())
                .build();
    }

    private static UpgradeStep recording(String planId, String stepId, Phase phase, List<String> journal) {
        return UpgradeStep.builder(stepId).phase(phase).execute(c -> journal.add(planId + "/" + stepId)).build();
    }
}
