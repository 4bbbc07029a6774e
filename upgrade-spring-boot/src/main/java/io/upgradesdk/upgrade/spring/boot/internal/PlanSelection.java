package io.upgradesdk.upgrade.spring.boot.internal;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which plan beans run at startup, and in which order. */
public final class PlanSelection {

    private PlanSelection() {
    }

    /**
     * The plans to run: those named by {@code upgrade.plans} in that order, or, when it is empty,
     * every plan bean in the order given (the beans' {@code @Order}).
     */
    public static List<UpgradePlan> select(List<UpgradePlan> orderedBeans, List<String> listedIds) {
        Map<String, UpgradePlan> byId = new LinkedHashMap<>();
        for (UpgradePlan plan : orderedBeans) {
            if (byId.putIfAbsent(plan.id(), plan) != null) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, "two UpgradePlan beans have the id '"
                        + plan.id() + "': plan ids key checkpoints and leases, give each plan its own");
            }
        }
        if (listedIds.isEmpty()) {
            return List.copyOf(byId.values());
        }
        List<UpgradePlan> selected = new ArrayList<>();
        for (String id : listedIds) {
            UpgradePlan plan = byId.get(id);
            if (plan == null) {
                throw PropertyCheck.invalid("upgrade.plans", String.join(",", listedIds), "it names '" + id
                        + "' but no UpgradePlan bean has that id (plan beans: " + byId.keySet() + ")", null);
            }
            if (selected.contains(plan)) {
                throw PropertyCheck.invalid("upgrade.plans", String.join(",", listedIds), "it names '" + id
                        + "' twice", null);
            }
            selected.add(plan);
        }
        return List.copyOf(selected);
    }
}
