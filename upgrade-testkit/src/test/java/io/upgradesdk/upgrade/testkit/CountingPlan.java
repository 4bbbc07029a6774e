package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan whose every effect is counted in a durable ledger: a marker, {@value #UNITS} copied
 * units (cursor after each) and a FINISH marker. The copy reconciles the ledger on resume, so
 * each effect lands once however the run is killed.
 */
public class CountingPlan implements KillablePlan {

    static final int UNITS = 20;

    /** Every effect a complete run applies, each once. */
    static List<String> expectedEffects() {
        List<String> effects = new ArrayList<>(List.of("marker"));
        for (int unit = 1; unit <= UNITS; unit++) {
            effects.add("unit-" + unit);
        }
        effects.add("retired");
        return effects;
    }

    static EffectLedger ledger(Path work) {
        return EffectLedger.at(work.resolve("effects"));
    }

    @Override
    public UpgradePlan plan(Path work) {
        EffectLedger ledger = ledger(work);
        return UpgradePlan.builder("counting")
                .step(UpgradeStep.builder("marker").execute(ctx -> once(ledger, "marker")).build())
                .step(UpgradeStep.builder("copy-units").execute(ctx -> copy(ctx, ledger)).build())
                .step(UpgradeStep.builder("retire").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> once(ledger, "retired")).build())
                .build();
    }

    private void copy(StepContext ctx, EffectLedger ledger) throws Exception {
        int from = ctx.cursor().map(Integer::parseInt).orElse(0);
        for (int unit = from + 1; unit <= UNITS; unit++) {
            Thread.sleep(2);
            apply(ledger, "unit-" + unit);
            Thread.sleep(workAfterEffectMillis());
            ctx.saveCursor(String.valueOf(unit));
        }
    }

    /** Applies an effect; this plan checks the ledger first (idempotent). */
    protected void apply(EffectLedger ledger, String effect) {
        once(ledger, effect);
    }

    /** Time between an effect and its cursor save: the window a kill repeats work in. */
    protected long workAfterEffectMillis() {
        return 3;
    }

    private static void once(EffectLedger ledger, String effect) {
        if (!ledger.contains(effect)) {
            ledger.apply(effect);
        }
    }
}
