package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sequence of two plans with the same step names whose every effect is counted in one durable
 * ledger: per plan, a marker, {@value #UNITS} copied units (cursor after each) and a FINISH marker.
 */
public class CountingSequence implements KillableSequence {

    static final int UNITS = 8;
    static final List<String> PLANS = List.of("v1-to-v2", "v2-to-v3");

    /** Every effect a complete run of the sequence applies, each once. */
    static List<String> expectedEffects() {
        List<String> effects = new ArrayList<>();
        for (String plan : PLANS) {
            effects.add(plan + "/marker");
            for (int unit = 1; unit <= UNITS; unit++) {
                effects.add(plan + "/unit-" + unit);
            }
            effects.add(plan + "/retired");
        }
        return effects;
    }

    static EffectLedger ledger(Path work) {
        return EffectLedger.at(work.resolve("effects"));
    }

    @Override
    public UpgradeSequence sequence(Path work) {
        UpgradeSequence.Builder sequence = UpgradeSequence.builder("counting-sequence");
        PLANS.forEach(id -> sequence.plan(id, plan(id, ledger(work))));
        return sequence.build();
    }

    private static UpgradePlan plan(String id, EffectLedger ledger) {
        return UpgradePlan.builder(id)
                .step(UpgradeStep.builder("marker").execute(ctx -> once(ledger, id + "/marker")).build())
                .step(UpgradeStep.builder("copy-units").execute(ctx -> copy(ctx, ledger, id)).build())
                .step(UpgradeStep.builder("retire").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> once(ledger, id + "/retired")).build())
                .build();
    }

    private static void copy(StepContext ctx, EffectLedger ledger, String id) throws Exception {
        for (int unit = ctx.cursor().map(Integer::parseInt).orElse(0) + 1; unit <= UNITS; unit++) {
            Thread.sleep(2);
            once(ledger, id + "/unit-" + unit);
            Thread.sleep(3);
            ctx.saveCursor(String.valueOf(unit));
        }
    }

    private static void once(EffectLedger ledger, String effect) {
        if (!ledger.contains(effect)) {
            ledger.apply(effect);
        }
    }
}
