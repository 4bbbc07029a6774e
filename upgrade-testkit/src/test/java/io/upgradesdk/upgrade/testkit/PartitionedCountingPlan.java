package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.PartitionContext;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A plan with one partitioned copy: {@value #PARTITIONS} partitions of {@value #UNITS} units worked
 * by two threads, each unit an effect in a durable ledger with the partition's cursor saved after it.
 */
public class PartitionedCountingPlan implements KillablePlan {

    static final int PARTITIONS = 4;
    static final int UNITS = 6;

    static List<String> expectedEffects() {
        List<String> effects = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int unit = 1; unit <= UNITS; unit++) {
                effects.add("p" + p + "-unit-" + unit);
            }
        }
        return effects;
    }

    @Override
    public UpgradePlan plan(Path work) {
        EffectLedger ledger = CountingPlan.ledger(work);
        return UpgradePlan.builder("partitioned-counting")
                .step(UpgradeStep.partitioned("copy").workers(2)
                        .partitions(ctx -> IntStream.range(0, PARTITIONS).mapToObj(p -> "p" + p).toList())
                        .execute(part -> copy(part, ledger)).build())
                .build();
    }

    private static void copy(PartitionContext part, EffectLedger ledger) throws Exception {
        int from = part.cursor().map(Integer::parseInt).orElse(0);
        for (int unit = from + 1; unit <= UNITS; unit++) {
            Thread.sleep(2);
            String effect = part.partitionId() + "-unit-" + unit;
            if (!ledger.contains(effect)) {
                ledger.apply(effect);
            }
            Thread.sleep(3);
            part.saveCursor(String.valueOf(unit));
        }
    }
}
