package io.upgradesdk.upgrade.testkit;

/**
 * {@link CountingPlan} with a deliberate bug: the copy trusts its cursor alone, so a kill between
 * an effect and its cursor save applies that effect again on the rerun.
 */
public class DoubleCountingPlan extends CountingPlan {

    @Override
    protected void apply(EffectLedger ledger, String effect) {
        ledger.apply(effect);
    }

    @Override
    protected long workAfterEffectMillis() {
        return 25;
    }
}
