package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.RollingUpgradeSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rolling plan's own pre-flight, always first: every node not yet on the target version must
 * be allowed to go there by {@link UpgradeRules} (no downgrade, no skipped major, a source on the
 * required minor, a target release that knows the source patch). It only reads node versions, so
 * a refusal comes before any setting is written or node command run; the dry run shows it.
 */
public final class RollingPreflight implements UpgradeStep {

    private final RollingUpgradeSettings s;
    private final Preflight.Clients clients;

    public RollingPreflight(RollingUpgradeSettings s, Preflight.Clients clients) {
        this.s = s;
        this.clients = clients;
    }

    @Override
    public String id() {
        return "rolling-preflight";
    }

    @Override
    public String description() {
        return "check: every node of " + s.cluster().displayName() + " may be upgraded to " + s.targetVersion();
    }

    @Override
    public List<PlannedAction> dryRun(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster())) {
            return List.of(refusal(c).map(why -> PlannedAction.of("refuse", s.cluster().displayName(),
                    Map.of("target", s.targetVersion(), "reason", why)))
                    .orElseGet(() -> PlannedAction.of("check", s.cluster().displayName(),
                            Map.of("target", s.targetVersion(), "what", "upgrade path allowed"))));
        }
    }

    @Override
    public void execute(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster())) {
            Optional<String> why = refusal(c);
            if (why.isPresent()) {
                throw Preflight.failed(why.get());
            }
            if (s.targetVersion().split("\\.").length < 3) {
                ctx.progress(0, -1, "target " + s.targetVersion() + " is a version prefix: the release your node "
                        + "command installs must be one the rules allow (give the full version to have it checked)");
            }
        }
    }

    /** Why the cluster cannot roll to the target, naming the nodes; empty when every node may. */
    Optional<String> refusal(EsClient c) {
        List<String> refused = new ArrayList<>();
        Preflight.nodeVersions(c).forEach((node, version) -> {
            if (!(version + ".").startsWith(s.targetVersion() + ".")) {
                UpgradeRules.refusal(version, s.targetVersion()).ifPresent(why -> refused.add(node + ": " + why));
            }
        });
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the rolling upgrade of " + c.name() + " to " + s.targetVersion() + " is refused before "
                + "any change: " + String.join("; ", refused));
    }
}
